"""Suggestions for names the graph does not hold, and reports grouped by cause."""

from __future__ import annotations

import rdflib
from rdflib import URIRef

from graph.namespaces import ID, OG
from graph.validation.names import hint_for, nearest
from graph.validation.report import ValidationReport, Violation, group_results

KNOWN = {
    f"{ID}model/xai-grok-1": {"Grok-1", "grok"},
    f"{ID}model/llama-3": {"Llama 3", "Meta Llama 3"},
    f"{ID}model/mistral-7b": {"Mistral 7B"},
}


def test_an_alias_label_or_slug_finds_the_node() -> None:
    assert nearest(f"{ID}model/grok", KNOWN)[0] == f"{ID}model/xai-grok-1"  # an alias
    assert nearest(f"{ID}model/meta-llama-3", KNOWN)[0] == f"{ID}model/llama-3"  # a label
    assert nearest(f"{ID}model/mistral-7", KNOWN)[0] == f"{ID}model/mistral-7b"  # a slug
    assert nearest(f"{ID}model/bloom", KNOWN) == []


def test_a_criterion_of_an_unknown_framework_asks_whether_it_is_loaded() -> None:
    criteria = {f"{ID}criterion/oti-2024/open-code": {"open code"}}
    hint = hint_for(f"{ID}criterion/fmti-1.1/x", "criterion", criteria)
    assert "no criterion under id:criterion/fmti-1.1/" in hint and "loaded?" in hint
    hint = hint_for(f"{ID}criterion/oti-2024/open-cod", "criterion", criteria)
    assert hint.endswith("did you mean id:criterion/oti-2024/open-code?")


def violation(node: str, value: str, hint: str = "") -> Violation:
    return Violation(
        URIRef(node),
        OG.criterion,
        URIRef(value),
        "bad criterion",
        "ClaimShape",
        "Violation",
        constraint_id="ClaimShape-criterion-class",
        hint=hint,
    )


def test_one_cause_is_one_group_a_named_suggestion_its_own() -> None:
    loaded = "The graph holds no criterion under id:criterion/fmti-1.1/: is the framework loaded?"
    results = [
        violation(f"{ID}claim/c{n}", f"{ID}criterion/fmti-1.1/i{n}", loaded) for n in range(5)
    ]
    results.append(
        violation(f"{ID}claim/d", f"{ID}criterion/t/x", "did you mean id:criterion/t/y?")
    )
    report = ValidationReport(False, results, rdflib.Graph())
    first, second = group_results(report, results)
    assert first.count == 5 and first.line.startswith("5 claims og:criterion: bad criterion ")
    assert loaded in first.line and "and 2 more" in first.line
    assert second.count == 1 and second.line == report.format(results[-1])
