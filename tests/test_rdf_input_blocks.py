"""The safety checks of big RDF/XML and JSON-LD files read them block by block and decide
as the whole-text checks do, wherever a block ends."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import loading
from graph.rdf_input import (
    MAX_JSON_DEPTH,
    UnsafeInput,
    check_file,
    check_input,
    json_depth,
    json_depth_in,
    xml_declaration,
    xml_declaration_in,
)


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


RDF_XML = (
    '<?xml version="1.0"?>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:ex="http://example.org/">\n'
    ' <rdf:Description rdf:about="http://example.org/a"><ex:p>x &lt;! y</ex:p>'
    "</rdf:Description>\n</rdf:RDF>\n"
)
DOCTYPES = [
    '<?xml version="1.0"?>\n<!DOCTYPE r [ <!ENTITY a "aaaa"> ]>\n' + RDF_XML.split("\n", 1)[1],
    '<?xml version="1.0"?>\n<!   doctype r>\n' + RDF_XML.split("\n", 1)[1],
    RDF_XML.replace("<ex:p>", '<!ENTITY b "x"><ex:p>'),
]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 64, 4096])
@pytest.mark.parametrize("text", [RDF_XML, *DOCTYPES])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "utf-16-be"])
def test_a_declaration_is_found_wherever_the_blocks_end(text, encoding, size) -> None:
    data = text.encode(encoding)
    if encoding != "utf-16":  # no byte-order mark: the XML declaration says UTF-16
        data = text.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode(encoding)
    whole = xml_declaration(data)
    assert whole == (
        None if text == RDF_XML else "DOCTYPE" if "DOCTYPE" in text.upper() else "ENTITY"
    )
    assert xml_declaration_in(pieces(data, size)) == whole


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


JSON_TEXTS = [
    json.dumps({"@id": "http://example.org/a", "http://example.org/p": [{"@value": "x"}]}),
    json.dumps({"s": '[[[[ {{ "quoted \\" brackets" ]]] \\\\', "t": [[["deep"]]]}),
    nested(MAX_JSON_DEPTH),
    nested(MAX_JSON_DEPTH + 1),
    nested(MAX_JSON_DEPTH + 1, json.dumps("]" * 300)),
    json.dumps(["[" * 500]),  # brackets inside a string do not nest
    nested(3, json.dumps("a\\\\") + "," + json.dumps("\\u005b")),
]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 64, 4096])
@pytest.mark.parametrize("text", JSON_TEXTS)
def test_the_depth_is_the_same_wherever_the_blocks_end(text, size) -> None:
    data = text.encode()
    assert json_depth_in(pieces(data, size)) == json_depth(data)


def test_a_big_file_is_checked_without_being_read_whole(tmp_path: Path) -> None:
    deep = tmp_path / "deep.jsonld"
    deep.write_text(nested(MAX_JSON_DEPTH + 1))
    with pytest.raises(UnsafeInput, match="nests arrays and objects 129"):
        check_file(deep, ox.RdfFormat.JSON_LD, block=16)
    laughs = tmp_path / "laughs.rdf"
    laughs.write_text(DOCTYPES[0])
    with pytest.raises(UnsafeInput, match="declares a DOCTYPE"):
        check_file(laughs, ox.RdfFormat.RDF_XML, block=16)
    fine = tmp_path / "fine.rdf"
    fine.write_text(RDF_XML)
    check_file(fine, ox.RdfFormat.RDF_XML, block=16)
    check_input(fine.read_bytes(), ox.RdfFormat.RDF_XML)


def test_a_big_rdf_xml_file_streams_and_loads(tmp_path: Path, big) -> None:
    fine = tmp_path / "data" / "fine.rdf"
    fine.parent.mkdir()
    fine.write_text(RDF_XML)
    store = ox.Store()
    todo, _ = loading.prepare([fine], tmp_path, store)
    (item,) = list(loading.write(store, todo, tmp_path))
    assert isinstance(item.quads, loading.StreamedQuads) and item.quads.data is None
    (quad,) = store.quads_for_pattern(None, ox.NamedNode("http://example.org/p"), None, None)
    assert quad.object == ox.Literal("x <! y")


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("laughs.rdf", DOCTYPES[0], "declares a DOCTYPE"),
        ("deep.jsonld", nested(MAX_JSON_DEPTH + 1), "nests arrays and objects"),
    ],
)
def test_a_big_unsafe_file_is_refused_and_nothing_is_written(
    tmp_path: Path, big, name, text, says
) -> None:
    bad = tmp_path / "data" / name
    bad.parent.mkdir()
    bad.write_text(text)
    store = ox.Store()
    with pytest.raises(loading.ParseError, match=says) as raised:
        loading.prepare([bad], tmp_path, store)
    assert name in str(raised.value)
    assert len(store) == 0
