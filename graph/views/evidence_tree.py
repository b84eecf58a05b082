"""Arrange a score's evidence as the tree its graph page draws: long levels collapsed.

The input is the trace's JSON (``Trace.as_dict``), so the page shows the nodes
the trace shows, by the same passage rule: score -> assessments -> claims ->
each claim's sources, with the passage it quotes and the works cited *there*
-> what those works cite. A source under several claims is drawn under each
(its passage differs), but a cited work's own citations are drawn once; where
it comes again the box says so, and a citation back onto the path is marked
as a cycle.

Every node is a dict: ``id`` (its IRI), ``kind`` (``score``, ``assessment``,
``claim``, ``source``, ``citation``: a work a passage or a source cites),
``label``, ``lines`` (short facts under the label), ``quote``, ``notes`` (what
the box says about what it does not show), ``level``, ``flags``,
``children`` (shown at first), ``more`` (collapsed behind "+ N more") and
``fold`` (when set, every child starts collapsed behind this text). What is
collapsed is in the page, opened without a page load.
"""

from __future__ import annotations

from graph.evidence.as_text import cut

# How many children a level shows before the rest go behind "+ N more"; a list
# only one longer is shown whole (hiding one box behind a button saves nothing).
SHOWN = {"assessment": 8, "claim": 3, "source": 3, "citation": 4}
QUOTE_CHARS = 110


def _node(iri: str, kind: str, label: str, **extra) -> dict:
    node = {
        "id": iri,
        "kind": kind,
        "label": label,
        "lines": [],
        "quote": None,
        "notes": [],
        "level": None,
        "flags": [],
        "children": [],
        "more": [],
        "fold": None,
    }
    node.update(extra)
    return node


def _group(node: dict, children: list[dict], kind: str) -> dict:
    shown = SHOWN[kind]
    if len(children) <= shown + 1:
        node["children"] = children
    else:
        node["children"], node["more"] = children[:shown], children[shown:]
    return node


def _names(refs: list[dict]) -> str:
    return ", ".join(r["label"] for r in refs)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class _Builder:
    def __init__(self, data: dict):
        self.sources: dict[str, dict] = data["sources"]
        self.expanded: set[str] = set()

    def _about(self, iri: str) -> tuple[str, list[str]]:
        s = self.sources.get(iri, {})
        about = [k["label"] for k in s.get("kinds", [])]
        about += [p["label"] for p in s.get("publishers", [])]
        if s.get("issued"):
            about.append(str(s["issued"]))
        return s.get("title") or iri, ["; ".join(about)] if about else []

    def citation(self, c: dict, path: tuple[str, ...]) -> dict:
        """Return the box of a work cited along ``path``, its own citations folded."""
        title, about = self._about(c["source"])
        how = ", ".join(p.rsplit("/", 1)[-1] for p in c["properties"]) or "cites"
        if c["notes"]:
            how += ", note " + ", ".join(str(n) for n in c["notes"])
        label = f"{title}, {c['pages']}" if c.get("pages") else title
        node = _node(c["source"], "citation", label, lines=[how, *about])
        if c["source"] in path:
            node["notes"].append("cycle: already on this path, not followed")
            return node
        cites = self.sources.get(c["source"], {}).get("cites", [])
        if not cites:
            return node
        if c["source"] in self.expanded:
            node["notes"].append(f"cites {_plural(len(cites), 'work')}, shown above")
            return node
        self.expanded.add(c["source"])
        node["fold"] = f"cites {_plural(len(cites), 'work')}"
        node["children"] = [self.citation(x, (*path, c["source"])) for x in cites]
        return node

    def source(self, s: dict) -> dict:
        """Return the box of a claim's source: the passage quoted and what it cites."""
        title, about = self._about(s["iri"])
        quote = "; ".join(f"“{cut(q['exact'], QUOTE_CHARS)}”" for q in s["quotes"]) or None
        node = _node(s["iri"], "source", title, lines=about, quote=quote)
        p = s["passage"]
        if p["cites_nothing"]:
            node["notes"].append(
                f"the {'passage' if p['quoted'] else 'source'} cites no other work"
            )
        if p["other_citations"]:
            node["notes"].append(
                f"{_plural(p['other_citations'], 'other citation')} elsewhere: not evidence here"
            )
        cited = [self.citation(c, (s["iri"],)) for c in p["cites"]]
        return _group(node, cited, "citation")

    def claim(self, c: dict, reason: str | None) -> dict:
        who = _names(c["attributed_to"]) or "no one named"
        flags = []
        if c["decides"]:
            flags.append("decides")
        if c["self_reported"]:
            flags.append("self-reported")
        if reason:
            flags.append("not counted")
        lines = [f"stated {c['stated_on'] or 'on no date'}"]
        if c["rank"] != "normal":
            lines.append(f"{c['rank']} rank")
        if reason:
            lines.append(f"not counted: {reason}")
        node = _node(
            c["iri"], "claim", f"{c['level']}: {who}", lines=lines, level=c["level"], flags=flags
        )
        return _group(node, [self.source(s) for s in c["sources"]], "source")

    def assessment(self, a: dict) -> dict:
        lines = [a["rule"]["label"]] if a["rule"] else []
        if a["points"] is not None:
            lines.append(_plural(a["points"], "point"))
        if a["mapped_from"]:
            lines.append(f"mapped from {_names(a['mapped_from'])}")
        if a["by_analogy"]:
            lines.append(f"by analogy from {_names(a['by_analogy'])}: at most partial")
        node = _node(
            a["iri"],
            "assessment",
            f"{a['criterion']['label']}: {a['level']}",
            lines=lines,
            level=a["level"],
            flags=list(a["flags"]),
        )
        claims = [self.claim(c, None) for c in a["claims"]]
        claims += [self.claim(c, c["reason"]) for c in a["not_counted"]]
        return _group(node, claims, "claim")


def evidence_tree(data: dict, score: dict) -> dict:
    """Return the tree of one score of a trace (``Trace.as_dict``), long levels collapsed.

    Assessments with no claim are not boxes: the score lists them in its
    ``notes`` ("no claim on: ...").
    """
    build = _Builder(data)
    grade = score["grade"]["label"] if score["grade"] else "no grade"
    lines = [score["framework"]["label"], f"value {score['value']}"]
    if score["missing"]:
        lines.append(f"short of the next grade: {_names(score['missing'])}")
    node = _node(score["iri"], "score", grade, lines=lines, flags=list(score["flags"]))
    silent = [a for a in score["assessments"] if not a["claims"] and not a["not_counted"]]
    if silent:
        node["notes"].append(
            "no claim on: " + ", ".join(f"{a['criterion']['label']} ({a['level']})" for a in silent)
        )
    shown = [build.assessment(a) for a in score["assessments"] if a not in silent]
    return _group(node, shown, "assessment")


def tree_ids(node: dict) -> set[str]:
    """Return the IRIs of every node of a tree, collapsed or not."""
    found = {node["id"]}
    for child in [*node["children"], *node["more"]]:
        found |= tree_ids(child)
    return found
