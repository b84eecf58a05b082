"""The W3C SPARQL 1.1 Protocol, Service Description and Graph Store Protocol tests, live.

The manifests of w3c/rdf-tests ship in tests/fixtures/w3c/ with their licence (see its
README.md). Each test there is a list of HTTP exchanges in the W3C HTTP vocabulary (ht:):
a request (method, path, headers, body) and what its response must be (status, a boolean
result, a result format, headers, an RDF body isomorphic to an expected one, a Location
to reuse). This runner reads the manifests with rdflib and replays every test against
the project's server on loopback, as a third party would, one pytest test per W3C test.

What a third party configures is what this runner does: the manifests' path prefixes
become this server's (``/sparql/`` is ``/sparql``, ``/gsp`` is ``/rdf-graph-store``),
every request carries the deployment's write token, and each test starts from an empty
store holding only the graphs its ``ut:graphData`` names.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest
import rdflib
from rdflib import RDF, RDFS, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

W3C = Path(__file__).parent / "fixtures" / "w3c"
MANIFESTS = {
    "protocol": [W3C / "protocol" / "manifest.ttl"],
    "service-description": [W3C / "service-description" / "manifest.ttl"],
    "graph-store-protocol": [
        W3C / "graph-store-protocol" / "manifest-direct.ttl",
        W3C / "graph-store-protocol" / "manifest-indirect.ttl",
    ],
}
PATH_PREFIXES = (("/sparql/", "/sparql"), ("/sparql", "/sparql"), ("/gsp", "/rdf-graph-store"))

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = "http://www.w3.org/2011/http-statusCodes#"
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
STATUS_NAMES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}

# The W3C tests this server fails, and why. Each is a strict xfail: passing it fails the
# suite until it is taken off this list.
KNOWN_FAILURES: dict[str, str] = {}

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
FORMAT_TYPES = {
    "boolean": BOOLEAN_TYPES,
    "tabular": BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"},
    "RDF": {
        "application/rdf+xml",
        "text/turtle",
        "application/n-triples",
        "text/plain",
        "application/xhtml+xml",
        "text/html",
    },
}
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}
# Formats whose only encoding is UTF-8: a response without a charset parameter is UTF-8.
UTF8_ONLY = {"text/turtle", "application/n-triples", "application/ld+json", "application/trig"}


@dataclass(frozen=True)
class Expected:
    """What one response must be; None or empty where the manifest says nothing."""

    statuses: frozenset[str]
    boolean: bool | None = None
    result_format: str | None = None
    location_variable: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None


@dataclass(frozen=True)
class Exchange:
    """One request of a test and what its response must be."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected


@dataclass(frozen=True)
class W3CTest:
    """One test of a manifest: its id, name, kind, graphs to load and exchanges."""

    suite: str
    id: str
    name: str
    kind: str
    graph_data: tuple[tuple[str, Path], ...] = ()
    exchanges: tuple[Exchange, ...] = field(default=())


def _items(graph: rdflib.Graph, node) -> list:
    return list(Collection(graph, node)) if node is not None else []


def _headers(graph: rdflib.Graph, node) -> tuple[tuple[str, str], ...]:
    pairs = []
    for header in _items(graph, graph.value(node, HT.headers)):
        name, value = graph.value(header, HT.fieldName), graph.value(header, HT.fieldValue)
        pairs.append((str(name).lower(), str(value)))
    return tuple(pairs)


def _body(graph: rdflib.Graph, node) -> tuple[str | None, str]:
    body = graph.value(node, HT.body)
    if body is None:
        return None, "UTF-8"
    encoding = graph.value(body, CNT.characterEncoding)
    return str(graph.value(body, CNT.chars)), str(encoding or "UTF-8")


def _expected(graph: rdflib.Graph, node) -> Expected:
    boolean = graph.value(node, MF.expectedBoolean)
    result_format = graph.value(node, MF.expectedFormat)
    location = graph.value(node, MF.expectedLocation)
    return Expected(
        statuses=frozenset(
            str(s).removeprefix(HTS) for s in graph.objects(node, MF.expectedStatus)
        ),
        boolean=None if boolean is None else boolean.toPython(),
        result_format=None if result_format is None else str(result_format),
        location_variable=None if location is None else str(location),
        headers=_headers(graph, node),
        body=_body(graph, node)[0],
    )


def _exchange(graph: rdflib.Graph, node) -> Exchange:
    text, encoding = _body(graph, node)
    return Exchange(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=_headers(graph, node),
        body=None if text is None else text.encode(encoding),
        expected=_expected(graph, graph.value(node, HT.resp)),
    )


def read_manifests() -> list[W3CTest]:
    """Return every test the shipped manifests list, in their order."""
    tests = []
    for suite, paths in MANIFESTS.items():
        for path in paths:
            graph = rdflib.Graph().parse(path, format="turtle")
            manifest = next(graph.subjects(RDF.type, MF.Manifest))
            for entry in _items(graph, graph.value(manifest, MF.entries)):
                tests.append(_test(graph, suite, entry))
    return tests


def _test(graph: rdflib.Graph, suite: str, entry) -> W3CTest:
    data = []
    for each in graph.objects(entry, UT.graphData):
        file = Path(urllib.parse.urlparse(str(graph.value(each, UT.graph))).path)
        data.append((str(graph.value(each, RDFS.label)), file))
    action = graph.value(entry, MF.action)
    requests = _items(graph, graph.value(action, HT.requests)) if action is not None else []
    return W3CTest(
        suite=suite,
        id=str(entry).rsplit("#", 1)[-1],
        name=str(graph.value(entry, MF.name)),
        kind=str(graph.value(entry, RDF.type)).rsplit("#", 1)[-1],
        graph_data=tuple(sorted(data)),
        exchanges=tuple(_exchange(graph, r) for r in requests),
    )


TESTS = read_manifests()


class Client:
    """Send requests to the live server exactly as written: path, headers and body bytes."""

    def __init__(self, base: str, token: str):
        parts = urllib.parse.urlsplit(base)
        self.base, self.host, self.port = base, parts.hostname, parts.port
        self.auth = f"Bearer {token}"

    def send(self, method: str, path: str, headers=(), body: bytes | None = None):
        """Return (status, headers as a lower-cased dict, body bytes) of one request."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (*headers, ("authorization", self.auth)):
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("content-length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            connection.close()

    def reset(self, graph_data: tuple[tuple[str, Path], ...]) -> None:
        """Empty the store, then load each graph the test names from its file."""
        status, _, body = self.send(
            "POST", "/sparql", [("content-type", "application/sparql-update")], b"DROP ALL"
        )
        assert status == 204, f"could not empty the store: {status} {body[:300]!r}"
        for iri, path in graph_data:
            query = urllib.parse.urlencode({"graph": iri})
            data = (W3C / path.parent.name / path.name).read_bytes()
            headers = [("content-type", "application/n-triples")]
            status, _, body = self.send("PUT", f"/rdf-graph-store?{query}", headers, data)
            assert status == 201, f"could not load <{iri}>: {status} {body[:300]!r}"


def local_path(path: str) -> str:
    """Return the manifest's request path with this server's endpoint paths."""
    for theirs, ours in PATH_PREFIXES:
        if path.startswith(theirs):
            return ours + path[len(theirs) :]
    raise AssertionError(f"the path {path!r} starts with no known endpoint prefix")


def _media_type(value: str) -> tuple[str, dict[str, str]]:
    kind, *params = [part.strip() for part in value.split(";")]
    pairs = dict(p.split("=", 1) for p in params if "=" in p)
    return kind.lower(), {k.strip().lower(): v.strip().strip('"').lower() for k, v in pairs.items()}


def check_status(status: int, expected: Expected) -> None:
    """Fail unless ``status`` is one the manifest allows."""
    allowed = []
    for name in expected.statuses:
        if name.startswith("StatusCode"):
            allowed.append(name)
            if str(status)[0] == name[len("StatusCode")]:
                return
        else:
            allowed.append(name)
            if status == STATUS_NAMES[name]:
                return
    raise AssertionError(f"status {status}, expected one of {sorted(allowed)}")


def check_headers(headers: dict[str, str], expected: Expected) -> None:
    """Fail unless each header the manifest names has its value (media types as such)."""
    for name, value in expected.headers:
        assert name in headers, f"no {name} header; expected {value!r}"
        if name != "content-type":
            assert headers[name] == value, f"{name}: {headers[name]!r}, expected {value!r}"
            continue
        got, got_params = _media_type(headers[name])
        want, want_params = _media_type(value)
        assert got == want, f"Content-Type {got}, expected {want}"
        charset = got_params.get("charset", "utf-8" if got in UTF8_ONLY else None)
        if "charset" in want_params:
            assert charset == want_params["charset"], f"charset {charset!r}, expected utf-8"


def boolean_of(content_type: str, body: bytes) -> bool:
    """Return the boolean of an ASK result in SPARQL JSON or XML."""
    kind, _ = _media_type(content_type)
    if kind == "application/sparql-results+json":
        return json.loads(body)["boolean"]
    root = ElementTree.fromstring(body)
    element = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None, f"no <boolean> in {body[:200]!r}"
    return element.text.strip() == "true"


def check_body(headers: dict[str, str], body: bytes, expected: Expected) -> None:
    """Fail unless the result has the format, boolean and RDF graph the manifest expects."""
    kind = _media_type(headers.get("content-type", ""))[0]
    if expected.result_format is not None:
        wanted = FORMAT_TYPES[expected.result_format]
        assert kind in wanted, f"a {expected.result_format} result as {kind!r}, not {wanted}"
    if expected.boolean is not None:
        assert boolean_of(headers["content-type"], body) is expected.boolean, body[:300]
    if expected.body is not None:
        assert kind in RDFLIB_FORMATS, f"an RDF body expected, got {kind!r}"
        got = rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[kind])
        want = rdflib.Graph().parse(data=expected.body, format="turtle")
        assert isomorphic(got, want), f"the graph differs from the expected one: {body!r}"


def run_exchanges(client: Client, test: W3CTest) -> None:
    """Send each request of ``test`` in order, checking each response as the manifest says."""
    variables: dict[str, str] = {}
    for number, exchange in enumerate(test.exchanges, 1):
        path, body = exchange.path, exchange.body
        for variable, value in variables.items():
            path = path.replace(variable, value)
            body = None if body is None else body.replace(variable.encode(), value.encode())
        path = local_path(path)
        status, headers, data = client.send(exchange.method, path, exchange.headers, body)
        where = f"request {number} ({exchange.method} {path})"
        try:
            check_status(status, exchange.expected)
            check_headers(headers, exchange.expected)
            if exchange.method != "HEAD":
                check_body(headers, data, exchange.expected)
        except AssertionError as error:
            raise AssertionError(f"{where}: {error}; the body was {data[:400]!r}") from None
        if exchange.expected.location_variable:
            assert "location" in headers, f"{where}: no Location header"
            variables[exchange.expected.location_variable] = headers["location"]


@pytest.fixture(scope="module")
def client(patient_live_server, live_write_token) -> Client:
    # A server of this module's own, whose writes no other module sees, and with a 60 s
    # query timeout: these are tests of the protocol, not of timeouts.
    return Client(patient_live_server, live_write_token)


def _param(test: W3CTest):
    marks = []
    if test.id in KNOWN_FAILURES:
        marks.append(pytest.mark.xfail(reason=KNOWN_FAILURES[test.id], strict=True))
    return pytest.param(test, id=f"{test.suite}:{test.id}", marks=marks)


@pytest.mark.parametrize("test", [_param(t) for t in TESTS if t.kind != "ServiceDescriptionTest"])
def test_w3c_exchange(client, test: W3CTest) -> None:
    client.reset(test.graph_data)
    run_exchanges(client, test)


def test_the_manifests_hold_the_fifty_tests() -> None:
    kinds = {}
    for test in TESTS:
        kinds[test.suite] = kinds.get(test.suite, 0) + 1
    assert kinds == {"protocol": 34, "service-description": 3, "graph-store-protocol": 13}
    assert all(t.exchanges for t in TESTS if t.kind != "ServiceDescriptionTest")
    assert set(KNOWN_FAILURES) <= {t.id for t in TESTS}


# The Service Description tests are described in words only; these are their checks.
SD_TERMS = {
    # classes
    "Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime",
    "EntailmentProfile", "GraphCollection", "Dataset", "NamedGraph", "Graph",
    # properties
    "endpoint", "feature", "defaultEntailmentRegime", "entailmentRegime",
    "defaultSupportedEntailmentProfile", "supportedEntailmentProfile", "extensionFunction",
    "extensionAggregate", "languageExtension", "supportedLanguage", "propertyFeature",
    "defaultDataset", "availableGraphs", "resultFormat", "inputFormat", "defaultGraph",
    "namedGraph", "name", "graph",
    # instances
    "SPARQL10Query", "SPARQL11Query", "SPARQL11Update", "DereferencesURIs",
    "UnionDefaultGraph", "RequiresDataset", "EmptyGraphs", "BasicFederatedQuery",
}  # fmt: skip
LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
# Properties whose values the vocabulary types: the class each value must have (or, for
# languages and features, the named instances), and those whose values are IRIs.
IRI_VALUED = {SD.endpoint, SD.resultFormat, SD.inputFormat, SD.name, SD.feature}
TYPED_VALUES = {
    SD.defaultDataset: SD.Dataset,
    SD.availableGraphs: SD.GraphCollection,
    SD.namedGraph: SD.NamedGraph,
    SD.defaultGraph: SD.Graph,
    SD.graph: SD.Graph,
}


def service_description(client: Client) -> tuple[rdflib.Graph, str, str]:
    """GET the endpoint without a query; return its RDF, media type and endpoint URL."""
    status, headers, body = client.send("GET", "/sparql")
    assert status == 200, f"GET /sparql answered {status}: {body[:300]!r}"
    kind = _media_type(headers.get("content-type", ""))[0]
    assert kind in RDFLIB_FORMATS, f"the service description came as {kind!r}, not RDF"
    return rdflib.Graph().parse(data=body, format=RDFLIB_FORMATS[kind]), kind, client.base


def sd_returns_rdf(client: Client) -> None:
    graph, _, _ = service_description(client)
    assert len(graph) > 0


def sd_has_endpoint_triple(client: Client) -> None:
    graph, _, base = service_description(client)
    endpoints = set(graph.objects(None, SD.endpoint))
    assert URIRef(f"{base}/sparql") in endpoints, endpoints


def sd_conforms_to_schema(client: Client) -> None:
    graph, _, _ = service_description(client)
    services = set(graph.subjects(RDF.type, SD.Service))
    assert services, "no sd:Service"
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and t in SD}
    unknown = {str(t) for t in used if str(t)[len(str(SD)) :] not in SD_TERMS}
    assert not unknown, f"terms outside the vocabulary: {unknown}"
    for service in services:
        assert set(graph.objects(service, SD.endpoint)), "a service without sd:endpoint"
    for language in graph.objects(None, SD.supportedLanguage):
        assert language in LANGUAGES, f"sd:supportedLanguage {language}"
    for prop in IRI_VALUED:
        for value in graph.objects(None, prop):
            assert isinstance(value, URIRef), f"{prop} {value!r} is not an IRI"
    for prop, cls in TYPED_VALUES.items():
        for value in graph.objects(None, prop):
            assert (value, RDF.type, cls) in graph, f"the {prop} {value} is no {cls}"


SD_CHECKS = {
    "returns-rdf": sd_returns_rdf,
    "has-endpoint-triple": sd_has_endpoint_triple,
    "conforms-to-schema": sd_conforms_to_schema,
}


@pytest.mark.parametrize("test", [_param(t) for t in TESTS if t.kind == "ServiceDescriptionTest"])
def test_w3c_service_description(client, test: W3CTest) -> None:
    SD_CHECKS[test.id](client)


def test_the_checks_refuse_what_a_manifest_does_not_allow() -> None:
    created = Expected(statuses=frozenset({"Created"}))
    check_status(201, created)
    with pytest.raises(AssertionError):
        check_status(204, created)
    client_error = Expected(statuses=frozenset({"StatusCode4xx"}))
    check_status(415, client_error)
    with pytest.raises(AssertionError):
        check_status(500, client_error)
    turtle = Expected(
        statuses=frozenset({"OK"}),
        headers=(("content-type", "text/turtle; charset=utf-8"),),
        body="<urn:a> <urn:b> <urn:c> .",
    )
    check_headers({"content-type": "text/turtle"}, turtle)  # Turtle is UTF-8 by definition
    for wrong in ("text/turtle; charset=iso-8859-1", "application/n-triples"):
        with pytest.raises(AssertionError):
            check_headers({"content-type": wrong}, turtle)
    check_body({"content-type": "text/turtle"}, b"<urn:a> <urn:b> <urn:c> .", turtle)
    with pytest.raises(AssertionError):
        check_body({"content-type": "text/turtle"}, b"<urn:a> <urn:b> <urn:d> .", turtle)
    ask = Expected(statuses=frozenset({"OK"}), boolean=True, result_format="boolean")
    check_body({"content-type": "application/sparql-results+json"}, b'{"boolean": true}', ask)
    for content_type, body in [
        ("application/sparql-results+json", b'{"boolean": false}'),
        ("text/csv", b"true"),
    ]:
        with pytest.raises(AssertionError):
            check_body({"content-type": content_type}, body, ask)
