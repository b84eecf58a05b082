"""Render a trace as the readable tree ``openness trace`` prints.

The input is the trace's JSON (``Trace.as_dict``). It opens with a summary of
each score (grade, the claims that decide it, whether any assessment is
contested, how many claims, sources and citation steps lie behind it), so a
reader knows the answer before the evidence. Then each score is a tree:
assessments, then the claims each counted or set aside, then the sources of
each claim and what those cite. A source is expanded once per trace; where it
comes again the tree says so, and a citation back onto the path it is on is
named as a cycle and not followed. ``depth`` cuts the tree that many citation
steps below a claim's source; the JSON is always whole.
"""

from __future__ import annotations

from collections.abc import Iterator

Node = tuple[str, list]  # a node's text (lines after the first continue it) and its children
# Characters of a quote the tree shows; the JSON has it whole.
QUOTE_WIDTH = 160


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


def cut(text: str, width: int = QUOTE_WIDTH) -> str:
    """Return ``text`` cut at a word to at most ``width`` characters, ending "…" where cut."""
    if len(text) <= width:
        return text
    head = text[: width - 1].rsplit(" ", 1)[0] if " " in text[: width - 1] else text[: width - 1]
    return head.rstrip(" ,;:") + "…"


class _Sources:
    """The trace's sources as tree nodes, each one's citations expanded the first time only."""

    def __init__(self, sources: dict[str, dict], depth: int | None = None):
        self.sources = sources
        self.expanded: set[str] = set()
        self.depth = depth  # citation steps shown below a claim's source; None: all

    def node(
        self,
        iri: str,
        quotes: list[dict],
        path: tuple[str, ...],
        passage: dict | None = None,
    ) -> Node:
        """Return the node of a source reached along ``path``, with the passages quoted from it.

        A claim's own source (``passage`` given) shows the citations the claim rests
        on there; a cited source shows all it cites, once per trace.
        """
        s = self.sources.get(iri, {"iri": iri, "title": None, "url": None, "cites": []})
        about = [k["label"] for k in s.get("kinds", [])] + [
            p["label"] for p in s.get("publishers", [])
        ]
        if s.get("issued"):
            about.append(s["issued"])
        text = f"source: {s.get('title') or iri}" + (f" ({'; '.join(about)})" if about else "")
        text += f"\n<{s['url'] or iri}>"
        text += "".join(f'\nquote: "{cut(q["exact"])}"' for q in quotes)
        if passage is not None:
            return text, self._passage(passage, path)
        cites = s.get("cites", [])
        if self.depth is not None and len(path) > self.depth:
            return text, [
                (f"cites {len(cites)} more source(s), beyond --depth", [])
            ] if cites else []
        if cites and iri in self.expanded:
            return text, [(f"cites {len(cites)} source(s), shown above", [])]
        self.expanded.add(iri)
        return text, [self._citation(c, path) for c in cites]

    def _passage(self, passage: dict, path: tuple[str, ...]) -> list[Node]:
        out = []
        if self.depth is None or self.depth >= 1:
            out = [self._citation(c, path) for c in passage["cites"]]
        elif passage["cites"]:
            out = [(f"cites {len(passage['cites'])} source(s), beyond --depth", [])]
        if passage["cites_nothing"]:
            what = "the passage" if passage["quoted"] else "the source"
            out.append((f"{what} cites no other work", []))
        if passage["other_citations"]:
            n = passage["other_citations"]
            out.append(
                (
                    f"the source cites {n} other work{'s' if n != 1 else ''} elsewhere, "
                    f"not evidence for this claim: <{passage['source_page']}>",
                    [],
                )
            )
        return out

    def _citation(self, c: dict, path: tuple[str, ...]) -> Node:
        how = ", ".join(p.rsplit("/", 1)[-1] for p in c["properties"]) or "cites"
        if c["notes"]:
            how += ", note " + ", ".join(str(n) for n in c["notes"])
        pages = f", {c['pages']}" if c.get("pages") else ""
        if c["source"] in path:
            title = self.sources.get(c["source"], {}).get("title") or c["source"]
            return f"{how}: {title}{pages} (cycle: already on this path, not followed)", []
        text, children = self.node(c["source"], [], (*path, c["source"]))
        first, _, rest = text.partition("\n")
        passages = "".join(f'\nfor: "{cut(p)}"' for p in c["passages"])
        return f"{how}: {first}{pages}\n{rest}{passages}", children


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
    return text, [
        sources.node(s["iri"], s["quotes"], (s["iri"],), s["passage"]) for s in c["sources"]
    ]


def _assessment_node(a: dict, sources: _Sources) -> Node:
    criterion = a["criterion"]["iri"]
    text = f"{a['criterion']['label']}: {a['level']} ({a['rule']['label']})"
    if a["points"] is not None:
        text += f", {a['points']} point{'s' if a['points'] != 1 else ''}"
    if a["flags"]:
        text += f"  [{', '.join(a['flags'])}]"
    if a["mapped_from"]:
        text += f"\nno claim of its own: evidence mapped from {_names(a['mapped_from'])}"
    if a["by_analogy"]:
        text += f"\nby analogy from {_names(a['by_analogy'])}: counts at most as partial"
    kids = [_claim_node(c, criterion, sources) for c in a["claims"]]
    kids += [_claim_node(c, criterion, sources, c["reason"]) for c in a["not_counted"]]
    return text, kids


def _grade_text(score: dict) -> str:
    if score.get("unplaced"):
        missing = _names(score["missing"])
        return "unplaced: not enough evidence" + (f", missing {missing}" if missing else "")
    grade = score["grade"]["label"] if score["grade"] else "no grade"
    return f"{grade} (value {score['value']})"


def _score_node(score: dict, sources: _Sources) -> Node:
    text = f"{score['framework']['label']}: {_grade_text(score)}\n<{score['iri']}>"
    if score["missing"] and not score.get("unplaced"):
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
    for f in data.get("family_disagreements", []):
        out.append(
            f"family {f['family']['label']}: on {f['criterion']['label']}, "
            f"{f['member']['label']}'s evidence says {f['member_level']}, "
            f"what is said of the family ({f['family_level']['label']}) "
            f"{f['family_level_level']}"
        )
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _score_claims(score: dict) -> list[tuple[dict, dict]]:
    """Return (assessment, claim) for every claim the score's assessments show, once each."""
    seen: dict[str, tuple[dict, dict]] = {}
    for a in score["assessments"]:
        for c in [*a["claims"], *a["not_counted"]]:
            seen.setdefault(c["iri"], (a, c))
    return list(seen.values())


def reach(score: dict, sources: dict[str, dict]) -> dict[str, int]:
    """Return the sources behind a score with the fewest citation steps to each.

    A claim's source is step 0; from it only the citations of the quoted passage
    are followed (as the tree does), from every other source all it cites.
    """
    steps: dict[str, int] = {}
    frontier: list[str] = []
    for _, c in _score_claims(score):
        for s in c["sources"]:
            steps.setdefault(s["iri"], 0)
            for cited in s["passage"]["cites"]:
                if cited["source"] not in steps:
                    frontier.append(cited["source"])
    step = 1
    while frontier:
        nxt = []
        for iri in frontier:
            if iri in steps:
                continue
            steps[iri] = step
            nxt += [c["source"] for c in sources.get(iri, {}).get("cites", [])]
        frontier, step = [i for i in nxt if i not in steps], step + 1
    return steps


def _summary(score: dict, sources: dict[str, dict], depth: int | None) -> list[str]:
    out = [f"{score['framework']['label']}: {_grade_text(score)}"]
    claims = _score_claims(score)
    deciding = [c for _, c in claims if c["decides"]]
    who: dict[str, int] = {}
    for c in deciding:
        name = _names(c["attributed_to"]) or "no one named"
        who[name] = who.get(name, 0) + 1
    if deciding:
        by = "; ".join(f"{name} ({n})" if len(who) > 1 else name for name, n in who.items())
        out.append(f"  decided by: {_plural(len(deciding), 'claim')}, by {by}")
    else:
        out.append("  decided by: no claim (every criterion it reads is unknown)")
    if score["missing"] and not score.get("unplaced"):
        out.append(f"  short of the next grade: {_names(score['missing'])}")
    contested = [a for a in score["assessments"] if a["contested"]]
    if contested:
        parts = []
        for a in contested:
            sides = ", ".join(f"{lvl} {len(iris)}" for lvl, iris in sorted(a["sides"].items()))
            review = ", needs review" if a["needs_review"] else ""
            rule = a["rule"]["label"] if a["rule"] else "no rule"
            parts.append(f"{a['criterion']['label']} ({sides}), decided by {rule}{review}")
        out.append(f"  contested: yes, on {'; '.join(parts)}")
    else:
        out.append("  contested: no")
    steps = reach(score, sources)
    deepest = max(steps.values(), default=0)
    set_aside = sum(1 for _, c in claims if "reason" in c)
    text = f"  evidence: {_plural(len(claims), 'claim')}"
    text += f" ({set_aside} not counted)" if set_aside else ""
    text += f", {_plural(len(steps), 'source')}, {_plural(deepest, 'citation step')}"
    if depth is not None and deepest > depth:
        text += f" (the tree shows {depth}: --depth)"
    out.append(text)
    return out


def trace_text(data: dict, depth: int | None = None) -> str:
    """Render the trace dictionary (``Trace.as_dict``) as a summary, then a tree.

    ``depth`` limits the citation steps shown below each claim's source (0: the
    sources only); None shows all.
    """
    if depth is not None and depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    sources = _Sources(data["sources"], depth)
    out = _heading(data)
    if data["scores"]:
        out += ["", "summary:"]
        for score in data["scores"]:
            out += ["  " + line for line in _summary(score, data["sources"], depth)]
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
