"""Start and stop real SPARQL 1.1 servers (Oxigraph, Virtuoso) on free loopback ports.

Each server runs in its own directory with its own data, answers SPARQL 1.1
Query, Update and the Graph Store HTTP Protocol, and describes itself with one
``store_url``::

    sparql+http://[user:password@]HOST:PORT/QUERY_PATH?update=/UPDATE_PATH&gsp=/GSP_PATH
        [&exclude=<percent-encoded IRI prefix>]...
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests
from requests.auth import HTTPDigestAuth

FIXTURES = Path(__file__).parent / "fixtures" / "servers"
VIRTUOSO_INI = FIXTURES / "virtuoso.ini"
KINDS = ("oxigraph", "virtuoso")
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

# Virtuoso's own graphs, present in every fresh database; {base} is the
# server's own address, used by its service description and WebDAV graphs.
# Graph-level security hides their triples from the application's user, but
# Virtuoso still lists their names to SELECT DISTINCT ?g WHERE { GRAPH ?g {...} },
# so the application is also told to ignore them.
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "{base}/sparql",
    "{base}/DAV/",
)
PRIVATE_GRAPHS = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
VIRTUOSO_USER = "openness"


@dataclass
class RunningServer:
    """Describe one running server: its endpoints, credentials and the graphs to ignore."""

    kind: str
    query_url: str
    update_url: str
    gsp_url: str
    user: str | None
    password: str | None
    store_url: str
    exclude: tuple[str, ...]
    directory: Path
    _process: subprocess.Popen = field(repr=False)
    _finalizer: weakref.finalize = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # A test that forgets stop() must not leave a server running after pytest.
        self._finalizer = weakref.finalize(self, _terminate, self._process)

    def auth(self) -> HTTPDigestAuth | None:
        """Return the HTTP authentication the endpoints need, or None."""
        if self.user is None:
            return None
        return HTTPDigestAuth(self.user, self.password or "")

    def stop(self) -> None:
        """Terminate the server process and wait for it to exit."""
        self._finalizer()

    def clear(self) -> None:
        """Drop every graph not in ``exclude``, in one or two update requests."""
        if self.kind == "oxigraph" and not self.exclude:
            # Also removes empty named graphs, which Oxigraph keeps but GRAPH ?g never lists.
            update(self, "DROP ALL")
            return
        response = requests.post(
            self.query_url,
            # GROUP BY rather than DISTINCT: Virtuoso answers DISTINCT ?g from its
            # graph list, ignoring graph permissions.
            data={"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
            headers={"Accept": "application/sparql-results+json"},
            auth=self.auth(),
            timeout=60,
        )
        response.raise_for_status()
        graphs = [row["g"]["value"] for row in response.json()["results"]["bindings"]]
        # Never DROP ALL on Virtuoso: its default graph is the union of every graph.
        operations = [
            f"DROP SILENT GRAPH <{g}>"
            for g in graphs
            if not self.exclude or not g.startswith(self.exclude)
        ]
        if operations:
            update(self, " ;\n".join(operations))


def update(server: RunningServer, text: str) -> None:
    """Send one SPARQL Update request to ``server`` and raise on failure."""
    response = requests.post(
        server.update_url,
        data={"update": text},
        auth=server.auth(),
        timeout=300,
    )
    if response.status_code >= 400:
        raise RuntimeError(f"{server.kind} update failed ({response.status_code}): {response.text}")


def missing(kind: str) -> str | None:
    """Return why a server of ``kind`` cannot run on this machine, or None if it can."""
    if kind == "oxigraph":
        return None if _oxigraph_binary() else "the oxigraph command is not installed"
    if kind == "virtuoso":
        if not shutil.which("virtuoso-t"):
            return "virtuoso-t is not installed (Debian package virtuoso-opensource)"
        if not _isql_binary():
            return "isql-vt is not installed (Debian package virtuoso-opensource)"
        return None
    return f"unknown server kind {kind!r}"


def start(kind: str, directory: Path) -> RunningServer:
    """Start a server of ``kind`` with its data in ``directory``."""
    starters = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}
    return starters[kind](directory)


def start_oxigraph(directory: Path) -> RunningServer:
    """Start ``oxigraph serve`` on a free loopback port with its data in ``directory``."""
    reason = missing("oxigraph")
    if reason:
        raise RuntimeError(reason)
    directory.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (directory / "oxigraph.log").open("wb")
    process = subprocess.Popen(
        [
            str(_oxigraph_binary()),
            "serve",
            "--location",
            str(directory / "data"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    server = RunningServer(
        kind="oxigraph",
        query_url=f"{base}/query",
        update_url=f"{base}/update",
        gsp_url=f"{base}/store",
        user=None,
        password=None,
        # Its default graph is the union of its graphs, all the application's: the
        # store names no dataset in its requests (dataset=server), as a user would set it.
        store_url=store_url(port, "/query", "/update", "/store", server_dataset=True),
        exclude=(),
        directory=directory,
        _process=process,
    )
    _wait_ready(server, directory / "oxigraph.log")
    return server


def start_virtuoso(directory: Path) -> RunningServer:
    """Start ``virtuoso-t`` on free loopback ports with a fresh database in ``directory``.

    The application talks to the authenticated endpoints (``/sparql-auth``,
    ``/sparql-graph-crud-auth``, HTTP Digest) as a dedicated user holding the
    SPARQL_UPDATE role, as a deployment would; anonymous ``/sparql`` stays
    read-only. Virtuoso's own graphs are made private to that user and listed
    in ``exclude``.
    """
    reason = missing("virtuoso")
    if reason:
        raise RuntimeError(reason)
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = _free_port(), _free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.read_text()
        .replace("{directory}", str(directory))
        .replace("{sql_port}", str(sql_port))
        .replace("{http_port}", str(http_port))
    )
    log_path = directory / "virtuoso-stdout.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        ["virtuoso-t", "+foreground", "+configfile", str(ini)],
        cwd=directory,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    password = secrets.token_hex(12)
    base = f"http://127.0.0.1:{http_port}"
    exclude = tuple(g.format(base=base) for g in VIRTUOSO_SYSTEM_GRAPHS)
    server = RunningServer(
        kind="virtuoso",
        query_url=f"{base}/sparql-auth",
        update_url=f"{base}/sparql-auth",
        gsp_url=f"{base}/sparql-graph-crud-auth",
        user=VIRTUOSO_USER,
        password=password,
        store_url=store_url(
            http_port,
            "/sparql-auth",
            "/sparql-auth",
            "/sparql-graph-crud-auth",
            user=VIRTUOSO_USER,
            password=password,
            exclude=exclude,
        ),
        exclude=exclude,
        directory=directory,
        _process=process,
    )
    try:
        _wait_http(f"{base}/sparql", process, log_path)
        _isql(sql_port, _virtuoso_setup(password, exclude), process, log_path)
        _wait_ready(server, log_path)
    except BaseException:
        server.stop()
        raise
    return server


def store_url(
    port: int,
    query: str,
    update: str,
    gsp: str,
    *,
    user: str | None = None,
    password: str | None = None,
    exclude: tuple[str, ...] = (),
    server_dataset: bool = False,
) -> str:
    """Return the application's ``sparql+http://`` store URL for endpoints on 127.0.0.1:``port``."""
    credentials = f"{quote(user, safe='')}:{quote(password or '', safe='')}@" if user else ""
    url = f"sparql+http://{credentials}127.0.0.1:{port}{query}?update={update}&gsp={gsp}"
    url += "".join(f"&exclude={quote(prefix, safe='')}" for prefix in exclude)
    return url + ("&dataset=server" if server_dataset else "")


def _virtuoso_setup(password: str, exclude: tuple[str, ...]) -> str:
    """Return the isql script that creates the application's user and hides system graphs."""
    lines = [
        f"DB.DBA.USER_CREATE ('{VIRTUOSO_USER}', '{password}');",
        f'GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}";',
        # Graph-level security: per-graph rights can only widen the defaults, so
        # system graphs go into the private group, readable by no one but dba.
        f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{PRIVATE_GRAPHS}', 1);",
        *(f"DB.DBA.RDF_GRAPH_GROUP_INS ('{PRIVATE_GRAPHS}', '{g}');" for g in exclude),
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1, 0);",
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);",
        f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{VIRTUOSO_USER}', 15, 0);",
        f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{VIRTUOSO_USER}', 0, 1);",
    ]
    return "\n".join(lines) + "\n"


def _isql(port: int, script: str, process: subprocess.Popen, log_path: Path) -> None:
    """Run ``script`` as dba through isql, retrying until the SQL listener accepts it."""
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        result = subprocess.run(
            [
                str(_isql_binary()),
                f"127.0.0.1:{port}",
                "dba",
                "dba",
                "VERBOSE=OFF",
                "BANNER=OFF",
                "PROMPT=OFF",
                "ERRORS=STDOUT",
                "exec=" + script.replace("\n", " "),
            ],
            capture_output=True,
            text=True,
            timeout=READY_TIMEOUT,
        )
        output = result.stdout + result.stderr
        if result.returncode == 0 and "*** Error" not in output:
            return
        if (
            "Connect failed" not in output
            or time.monotonic() > deadline
            or process.poll() is not None
        ):
            raise RuntimeError(f"virtuoso setup failed: {output}\n{_tail(log_path)}")
        time.sleep(0.1)


def _wait_ready(server: RunningServer, log_path: Path) -> None:
    """Poll the query endpoint until it answers a query, or raise with the server's log."""
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        if server._process.poll() is not None:
            raise RuntimeError(f"{server.kind} exited early:\n{_tail(log_path)}")
        try:
            response = requests.get(
                server.query_url,
                params={"query": "ASK {}"},
                auth=server.auth(),
                headers={"Accept": "application/sparql-results+json"},
                timeout=5,
            )
            if response.ok:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(
                f"{server.kind} not ready after {READY_TIMEOUT}s:\n{_tail(log_path)}"
            )
        time.sleep(0.05)


def _wait_http(url: str, process: subprocess.Popen, log_path: Path) -> None:
    """Poll ``url`` until the HTTP listener answers at all."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso exited early:\n{_tail(log_path)}")
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=5)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"virtuoso not listening after {READY_TIMEOUT}s:\n{_tail(log_path)}")


def _terminate(process: subprocess.Popen) -> None:
    """Stop ``process`` (politely, then by force) and reap it."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _oxigraph_binary() -> Path | None:
    """Return the oxigraph console script of this interpreter's environment, or from PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("oxigraph")
    return Path(found) if found else None


def _isql_binary() -> Path | None:
    """Return Virtuoso's isql client (Debian names it isql-vt), or None."""
    found = shutil.which("isql-vt")
    return Path(found) if found else None


def _tail(path: Path, lines: int = 30) -> str:
    """Return the last ``lines`` lines of a log file, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
