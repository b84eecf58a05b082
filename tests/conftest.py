"""Shared fixtures: the Flask ``app``, its test ``client`` and CLI ``runner`` (flaskr style),
plus a small sample store and a live server running under waitress."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from bench import servers
from graph.cli import main
from graph.store import open_store
from server import create_app

FIXTURES = Path(__file__).parent / "fixtures"
SERVER_FIXTURES = FIXTURES / "server"
SAMPLE = SERVER_FIXTURES / "sample.trig"
WRITE_TOKEN = "test-write-token"


def load_sample(store: ox.Store) -> ox.Store:
    """Load the endpoint tests' sample dataset into ``store``."""
    store.load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    return store


# ------------------------------------------------------------------ stores of every kind
#
# A test that reaches a store (``new_store``, ``module_new_store``, ``sample_store`` and so
# the ``app`` and ``client`` over it) runs on the embedded Oxigraph store. One marked
# ``every_store_kind`` (a test, or a module through ``pytestmark``) runs once per store
# kind instead: the embedded store, the ``oxigraph`` server and Virtuoso, both started here
# on loopback ports. The mark goes on the tests whose subject is the store itself:
# protocol, update, Graph Store, loads, writes, transfers, their limits and their failures.
#
# One marked ``every_engine`` runs on each SPARQL engine: the embedded store and Virtuoso.
# That mark goes on the tests whose subject is what the project computes and reads through
# a store (derivation, ingest, traces, measures, the CLI, the example queries): the
# engines may answer their queries differently. The ``oxigraph`` server adds nothing there:
# it is the embedded store's engine, behind the same HTTP client Virtuoso is reached by,
# and that client is what the ``every_store_kind`` tests check.
#
# Pages and negotiation are the same whatever the store behind them.
# OPENNESS_TEST_STORES=embedded,oxigraph narrows the kinds of the marked tests for a quick
# run; OPENNESS_REQUIRE_SERVERS=1 (set by .ci/run) turns a missing server into a failure.

STORE_KINDS = ("embedded", *servers.KINDS)
ENGINE_KINDS = ("embedded", "virtuoso")


def _wanted_kinds() -> tuple[str, ...]:
    names = os.environ.get("OPENNESS_TEST_STORES")
    if not names:
        return STORE_KINDS
    wanted = tuple(n.strip() for n in names.split(",") if n.strip())
    unknown = set(wanted) - set(STORE_KINDS)
    if unknown:
        raise pytest.UsageError(f"OPENNESS_TEST_STORES names unknown kinds {sorted(unknown)}")
    return wanted


class ServerPool:
    """Servers of each kind, started when first needed and lent to one store at a time."""

    def __init__(self, root: Path):
        self.root = root
        self.free: dict[str, list[servers.RunningServer]] = {}
        self.running: list[servers.RunningServer] = []

    def acquire(self, kind: str, fresh: bool = False) -> servers.RunningServer:
        """Lend a free server of ``kind``, or a new one (always when ``fresh``)."""
        free = self.free.setdefault(kind, [])
        if free and not fresh:
            return free.pop()
        server = servers.start(kind, self.root / f"{kind}-{len(self.running)}")
        self.running.append(server)
        return server

    def release(self, server: servers.RunningServer) -> None:
        server.clear()
        self.free.setdefault(server.kind, []).append(server)

    def stop(self) -> None:
        for server in self.running:
            server.stop()


class StoreMaker:
    """Make empty stores of one kind; give their servers back when the scope ends."""

    def __init__(self, kind: str, pool: ServerPool, fresh: bool = False):
        self.kind = kind
        self.pool = pool
        self.fresh = fresh
        self.lent: list[servers.RunningServer] = []

    def __call__(self) -> ox.Store:
        if self.kind == "embedded":
            return ox.Store()
        server = self.pool.acquire(self.kind, self.fresh)
        self.lent.append(server)
        return open_store(server.store_url)

    @property
    def external(self) -> bool:
        return self.kind != "embedded"

    def close(self) -> None:
        for server in self.lent:
            self.pool.release(server)
        self.lent.clear()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give ``store_kind`` the wanted kinds its mark asks for, else the embedded store."""
    if "store_kind" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("every_store_kind") is not None:
        kinds = _wanted_kinds()
    elif metafunc.definition.get_closest_marker("every_engine") is not None:
        kinds = tuple(k for k in _wanted_kinds() if k in ENGINE_KINDS)
    else:
        kinds = ("embedded",)
    metafunc.parametrize("store_kind", kinds, indirect=True, scope="session")


def pytest_collection_modifyitems(items) -> None:
    """Expect failure where a test is marked ``differs_on(kind, reason=...)`` for its kind.

    Strict: a difference that goes away (a server fixed) fails the run until the mark goes.
    """
    for item in items:
        mark = item.get_closest_marker("differs_on")
        kind = getattr(item, "callspec", None) and item.callspec.params.get("store_kind")
        if mark and kind in mark.args:
            item.add_marker(
                pytest.mark.xfail(
                    strict=mark.kwargs.get("strict", True), reason=mark.kwargs["reason"]
                )
            )


# The modules that read the bundled world: on each server kind one xdist worker runs them
# all, so that kind's world is loaded once (the embedded world is shared by every
# worker). A module missing here only costs a second load, except one that runs the CLI
# on the embedded world: the CLI takes the store's write lock, so their tests on the
# embedded store must run one after another on one worker.
BUNDLED_WORLD_READERS = (
    "tests/test_cli.py",
    "tests/test_example_queries.py",
    "tests/test_openwashing_docs.py",
    "tests/test_validate_against_store.py",
)


# A test's server kind, as its id names it (``[virtuoso]``, ``[oxigraph-04-...]``, ...).
SERVER_KIND_IN_ID = re.compile(r"[\[-](" + "|".join(servers.KINDS) + r")[\]-]")


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Send each module's tests on each store kind to one worker, and the bundled world's
    readers on each kind to one.

    Used with ``--dist loadscope`` (the Makefile's): a module's fixtures on a kind are then
    made once, and a module's runs on the servers can go to another worker than its runs on
    the embedded store, which evens out the workers' shares. (``--dist loadgroup`` and its
    marks would say the same, but pytest-xdist 3.8 groups by renaming test ids, which
    pytest 9 no longer lets it do.)
    """
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            found = SERVER_KIND_IN_ID.search(nodeid)
            kind = found.group(1) if found else "embedded"
            scope = "bundled world" if module in BUNDLED_WORLD_READERS else module
            return f"{scope} on {kind}"

    return ModuleScheduling(config, log)


@pytest.fixture(scope="session")
def server_pool(tmp_path_factory):
    """Return the session's pool of external servers, stopped at the end."""
    pool = ServerPool(tmp_path_factory.mktemp("servers"))
    yield pool
    pool.stop()


@pytest.fixture(scope="session")
def store_kind(request) -> str:
    """Return the store kind this test runs on; skip (or fail in CI) if it cannot run."""
    kind = request.param
    reason = None if kind == "embedded" else servers.missing(kind)
    if reason:
        if os.environ.get("OPENNESS_REQUIRE_SERVERS") == "1":
            pytest.fail(f"{kind}: {reason}; OPENNESS_REQUIRE_SERVERS=1 makes that a failure")
        pytest.skip(f"{kind}: {reason}")
    return kind


@pytest.fixture
def new_store(store_kind, server_pool):
    """Return a maker of empty stores of the current kind, for this test."""
    maker = StoreMaker(store_kind, server_pool)
    yield maker
    maker.close()


@pytest.fixture(scope="module")
def module_new_store(store_kind, server_pool):
    """Return a maker of empty stores of the current kind, for this module."""
    maker = StoreMaker(store_kind, server_pool)
    yield maker
    maker.close()


@pytest.fixture(scope="module")
def module_fresh_store(store_kind, server_pool):
    """Return a maker of empty stores on servers that have run nothing else, for this module.

    For timings: Virtuoso's plan for a query depends on what the server ran
    before (example query 03: 5 s on a new server, past its 60-s limit after
    the analytics modules had used the same server).
    """
    maker = StoreMaker(store_kind, server_pool, fresh=True)
    yield maker
    maker.close()


class BundledWorld:
    """Name a store holding the bundled ontology and data with its derived scores, read-only."""

    def __init__(self, kind: str, location: str):
        self.kind = kind
        self.location = location

    def open(self) -> ox.Store:
        """Open the store for reading (an on-disk store without its write lock)."""
        if self.kind == "embedded":
            return ox.Store.read_only(self.location)
        return open_store(self.location)


@pytest.fixture(scope="session")
def bundled_worlds(server_pool, tmp_path_factory) -> dict[str, BundledWorld]:
    """Return the bundled worlds loaded so far in this run, by store kind.

    Kept apart from ``store_kind``, whose session fixture pytest ends whenever the next
    test runs on another kind: under xdist a worker runs module after module, each on
    every kind, and would load the worlds again for each module.
    """
    return {}


@pytest.fixture(scope="module")
def bundled_world(store_kind, bundled_worlds, server_pool, tmp_path_factory) -> BundledWorld:
    """Return the bundled ontology and data, loaded and derived once per run in a store of each kind.

    Tests only read it; a test that writes makes its own store. Loaded as `openness load`
    does, less the SHACL validation, which costs more than the load and does not depend on
    the store: test_cli's test_validate_accepts_the_bundled_data validates the same data in
    full, once per run. On a server that has run nothing else: Virtuoso's plans depend on
    what the server ran before, and test_example_queries times the example queries.
    """
    if store_kind not in bundled_worlds:
        if store_kind == "embedded":
            location = _shared_embedded_world(tmp_path_factory)
        else:
            # Never given back to the pool: its data stays for the whole run.
            location = server_pool.acquire(store_kind, fresh=True).store_url
            assert main(["--store", location, "load", "--no-validate"]) == 0
        bundled_worlds[store_kind] = BundledWorld(store_kind, location)
    return bundled_worlds[store_kind]


def _shared_embedded_world(tmp_path_factory) -> str:  # noqa: ANN001
    """Load the embedded world once per run, shared by the xdist workers (read-only).

    The workers' temporary directories share a parent for this run only; the first
    worker to ask loads the world under a lock while the others wait, then all open it.
    """
    import fcntl

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / "bundled-world"
    folder.mkdir(exist_ok=True)
    location, done = folder / "store", folder / "loaded"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            assert main(["--store", str(location), "load", "--no-validate"]) == 0
            done.touch()
    return str(location)


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every file, however small, down the embedded store's streamed (bulk) path."""
    from graph.store import embedded_writes

    monkeypatch.setattr(embedded_writes, "THRESHOLD", 0)


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """Return the path of the endpoint tests' sample dataset (TriG)."""
    return SAMPLE


@pytest.fixture(scope="session", autouse=True)
def terminal_width():
    """Give the commands' text tables one width, whatever terminal runs the tests.

    The tables fit the terminal (graph/cli/output.py): an 80-column one, or an xdist worker,
    which runs with COLUMNS=80, would cut cells that tests read.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", "160")
        yield


@pytest.fixture
def clean_env(monkeypatch):
    """Remove OPENNESS_* variables so the machine's environment cannot change settings."""
    for name in list(os.environ):
        if name.startswith("OPENNESS_"):
            monkeypatch.delenv(name)


@pytest.fixture
def sample_store(new_store) -> ox.Store:
    """Return a store of the current kind holding the sample dataset."""
    return load_sample(new_store())


@pytest.fixture
def make_app(clean_env, sample_store):
    """Return a factory of apps over the sample store (or ``STORE=...``), closed after the test."""
    apps = []

    def make(**config):
        config.setdefault("STORE", sample_store)
        config.setdefault("TESTING", True)
        app = create_app(config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["openness"].close()


@pytest.fixture
def app(make_app):
    """Return the app over the in-memory sample store, writes off."""
    return make_app()


@pytest.fixture
def client(app):
    """Return a test client of ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a CLI runner of ``app``."""
    return app.test_cli_runner()


def free_port() -> int:
    """Return a loopback TCP port that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _build_disk_store(path: Path) -> None:
    store = load_sample(ox.Store(str(path)))
    store.flush()
    del store  # closes RocksDB, releasing its lock for the server process


class LocationMaker:
    """Make empty store settings of one kind: a fresh directory, or a lent server's URL."""

    def __init__(self, kind: str, pool: ServerPool, root: Path):
        self.kind = kind
        self.pool = pool
        self.root = root
        self.lent: list[servers.RunningServer] = []

    def __call__(self) -> str:
        if self.kind == "embedded":
            return str(Path(tempfile.mkdtemp(prefix="store-", dir=self.root)))
        server = self.pool.acquire(self.kind)
        self.lent.append(server)
        return server.store_url

    def server(self, location: str) -> servers.RunningServer | None:
        """Return the running server behind ``location``, or None for a directory."""
        return next((s for s in self.lent if s.store_url == location), None)

    def close(self) -> None:
        for server in self.lent:
            self.pool.release(server)
        self.lent.clear()


@pytest.fixture
def new_store_location(store_kind, server_pool, tmp_path):
    """Return a maker of empty store settings (``--store`` values) of the current kind."""
    maker = LocationMaker(store_kind, server_pool, tmp_path)
    yield maker
    maker.close()


@pytest.fixture(scope="module")
def module_new_store_location(store_kind, server_pool, tmp_path_factory):
    """Return a maker of empty store settings of the current kind, for this module."""
    maker = LocationMaker(store_kind, server_pool, tmp_path_factory.mktemp("stores"))
    yield maker
    maker.close()


@pytest.fixture(scope="session")
def live_write_token() -> str:
    """Return the write token the live server accepts."""
    return WRITE_TOKEN


def _run_live_server(root: Path, location: str, query_timeout: float = 2):
    """Run ``server.serve.serve`` over ``location`` in a subprocess; yield its base URL."""
    port = free_port()
    code = (
        "from server.serve import serve; "
        f"serve({location!r}, port={port}, query_timeout={query_timeout!r}, query_workers=2, "
        f"max_rows=1000, write_token={WRITE_TOKEN!r}, server_threads=6)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENNESS_")}
    log = (root / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log_text = (root / "server.log").read_text()
            raise RuntimeError(f"the live server did not start: {log_text}")
        time.sleep(0.1)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Run ``server.serve.serve`` in a subprocess over an on-disk copy of the sample data.

    Yields the base URL. Settings: 2 s query timeout, 2 workers, row cap 1000, a write token.
    """
    root = tmp_path_factory.mktemp("live")
    store_path = root / "store"
    _build_disk_store(store_path)
    yield from _run_live_server(root, str(store_path))


@pytest.fixture(scope="module")
def patient_live_server(tmp_path_factory):
    """Run the live server (as ``live_server``) with a 60 s query timeout, over this
    module's own copy of the sample data.

    For tests about what pages show or what the protocol answers, not about timeouts: on
    a loaded machine a query may pass the 2 s of ``live_server``. Each module has its own
    copy, so its writes (a ``DROP ALL``, say) no other module sees.
    """
    root = tmp_path_factory.mktemp("live-patient")
    store_path = root / "store"
    _build_disk_store(store_path)
    yield from _run_live_server(root, str(store_path), query_timeout=60)


@pytest.fixture(scope="session")
def live_server_of_kind(store_kind, server_pool, tmp_path_factory):
    """Run the live server (as ``live_server``) over the sample data in a store of each kind.

    On an external kind the endpoint forwards to the server, which holds the sample data.
    """
    root = tmp_path_factory.mktemp(f"live-{store_kind}")
    if store_kind == "embedded":
        location = str(root / "store")
        _build_disk_store(Path(location))
        yield from _run_live_server(root, location)
        return
    server = server_pool.acquire(store_kind)
    try:
        load_sample(open_store(server.store_url))
        yield from _run_live_server(root, server.store_url)
    finally:
        server_pool.release(server)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's headless Chromium (skip without it, fail without it in CI)."""
    if not CHROMIUM.exists():
        reason = "/usr/bin/chromium is absent (install Debian's chromium package)"
        if os.environ.get("OPENNESS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}; OPENNESS_REQUIRE_BROWSER=1 makes that a failure")
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


class Canary:
    """A loopback listener that counts every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}/"
        self.url = self.base + "x"
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def heard(self) -> int:
        """Return the connections so far, after a moment for any late one to land."""
        time.sleep(0.2)
        return self.connections

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def canary():
    listening = Canary()
    yield listening
    listening.close()


@pytest.fixture
def disk_app(make_app, tmp_path, sample_path):
    """Return a factory of apps over an on-disk copy of the sample, queried by workers."""

    def make(**config):
        path = tmp_path / "store"
        if not path.exists():
            store = ox.Store(str(path))
            store.load(path=str(sample_path), format=ox.RdfFormat.TRIG)
            store.flush()
            del store  # release the RocksDB lock for the app
        return make_app(STORE=str(path), **config)

    return make
