"""Render a trace as the readable tree ``openness trace`` prints.

The input is the trace's JSON (``Trace.as_dict``). Each score is a tree:
assessments, then the claims each counted or set aside, then the sources of
each claim and what those cite. A source is expanded once per trace; where it
comes again the tree says so, and a citation back onto the path it is on is
named as a cycle and not followed.
"""

from __future__ import annotations

from collections.abc import Iterator

Node = tuple[str, list]  # a node's text (lines after the first continue it) and its children


def _names(refs: list[dict]) -> str:
    return ", ".join(r["label"] for r in refs)


def _tree(node: Node, prefix: str = "", last: bool = True, top: bool = True) -> Iterator[str]:
    text, children = node
    lines = text.split("\n")
    if top:
        yield lines[0]
        inner = prefix
    else:
        yield prefix + ("└── " if last else "├── ") + lines[0]
        inner = prefix + ("    " if last else "│   ")
    pad = inner + ("│   " if children else "    ")
    for extra in lines[1:]:
        yield pad + extra
    for i, child in enumerate(children):
        yield from _tree(child, inner, i == len(children) - 1, False)


class _Sources:
    """The trace's sources as tree nodes, each one's citations expanded the first time only."""

    def __init__(self, sources: dict[str, dict]):
        self.sources = sources
        self.expanded: set[str] = set()

    def node(self, iri: str, quotes: list[dict], path: tuple[str, ...]) -> Node:
        """Return the node of a source reached along ``path``, with the passages quoted from it."""
        s = self.sources.get(iri, {"iri": iri, "title": None, "url": None, "cites": []})
        about = [k["label"] for k in s.get("kinds", [])] + [
            p["label"] for p in s.get("publishers", [])
        ]
        if s.get("issued"):
            about.append(s["issued"])
        text = f"source: {s.get('title') or iri}" + (f" ({'; '.join(about)})" if about else "")
        text += f"\n<{s['url'] or iri}>"
        text += "".join(f'\nquote: "{q["exact"]}"' for q in quotes)
        cites = s.get("cites", [])
        if cites and iri in self.expanded:
            return text, [(f"cites {len(cites)} source(s), shown above", [])]
        self.expanded.add(iri)
        return text, [self._citation(c, path) for c in cites]

    def _citation(self, c: dict, path: tuple[str, ...]) -> Node:
        how = ", ".join(p.rsplit("/", 1)[-1] for p in c["properties"]) or "cites"
        if c["notes"]:
            how += ", note " + ", ".join(str(n) for n in c["notes"])
        if c["source"] in path:
            title = self.sources.get(c["source"], {}).get("title") or c["source"]
            return f"{how}: {title} (cycle: already on this path, not followed)", []
        text, children = self.node(c["source"], [], (*path, c["source"]))
        passages = "".join(f'\nfor: "{p}"' for p in c["passages"])
        return f"{how}: {text}{passages}", children


def _claim_node(c: dict, criterion: str, sources: _Sources, reason: str | None = None) -> Node:
    who = _names(c["attributed_to"]) or "no one named"
    when = c["stated_on"] or "on no date"
    text = f"claim: {c['level']}, {c['rank']} rank, stated {when}, by {who}"
    notes = []
    if c["criterion"]["iri"] != criterion:
        notes.append(f"mapped from {c['criterion']['label']}")
    if c["self_reported"]:
        notes.append("self-reported")
    if reason:
        notes.append(f"not counted: {reason}")
    elif c["decides"]:
        notes.append("decides")
    text += (f" [{'; '.join(notes)}]" if notes else "") + f"\n<{c['iri']}>"
    return text, [sources.node(s["iri"], s["quotes"], (s["iri"],)) for s in c["sources"]]


def _assessment_node(a: dict, sources: _Sources) -> Node:
    criterion = a["criterion"]["iri"]
    text = f"{a['criterion']['label']}: {a['level']} ({a['rule']['label']})"
    if a["points"] is not None:
        text += f", {a['points']} point{'s' if a['points'] != 1 else ''}"
    if a["flags"]:
        text += f"  [{', '.join(a['flags'])}]"
    if a["mapped_from"]:
        text += f"\nno claim of its own: evidence mapped from {_names(a['mapped_from'])}"
    kids = [_claim_node(c, criterion, sources) for c in a["claims"]]
    kids += [_claim_node(c, criterion, sources, c["reason"]) for c in a["not_counted"]]
    return text, kids


def _score_node(score: dict, sources: _Sources) -> Node:
    grade = score["grade"]["label"] if score["grade"] else "no grade"
    text = f"{score['framework']['label']}: {grade} (value {score['value']})\n<{score['iri']}>"
    if score["missing"]:
        text += f"\nmissing for the next grade up: {_names(score['missing'])}"
    for part in score["sub_scores"]:
        text += f"\n{part['measures']['label']}: {part['value']}"
    if score["flags"]:
        text += f"\nflags: {', '.join(score['flags'])}"
    return text, [_assessment_node(a, sources) for a in score["assessments"]]


def _heading(data: dict) -> list[str]:
    model = data["model"]
    out = [f"{model['label']} <{model['iri']}>"]
    if model["developers"]:
        out.append(f"developer: {_names(model['developers'])}")
    out.append(f"as of: {data['as_of'] or 'now'}")
    if data["flags"]:
        out.append(f"flags: {', '.join(data['flags'])}")
    washing = data["openwashing"]
    if washing["flagged"]:
        out.append(
            "openwashing: called open source by "
            f"{len(washing['called_open_by'])} claim(s), yet meets neither the OSI definition "
            "nor MOF Class I"
        )
    return out


def trace_text(data: dict) -> str:
    """Render the trace dictionary (``Trace.as_dict``) as a readable tree."""
    sources = _Sources(data["sources"])
    out = _heading(data)
    for score in data["scores"]:
        out.append("")
        out += _tree(_score_node(score, sources))
    for entry in data["unscored"]:
        out += ["", f"{entry['framework']['label']}: no score ({entry['reason']})"]
    if data["other_assessments"]:
        out.append("")
        others = [_assessment_node(a, sources) for a in data["other_assessments"]]
        out += _tree(("other assessments (read by no score shown)", others))
    out.append("")
    out.append(f"citation depth: {data['citation_depth']}; sources reached: {len(sources.sources)}")
    for cycle in data["cycles"]:
        out.append("cycle: " + " -> ".join(cycle))
    return "\n".join(out)
