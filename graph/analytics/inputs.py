"""Read, once per data version, the plain records that fragility and self-reporting work on."""

from __future__ import annotations

from graph.analytics.cache import Snapshot
from graph.derive.model import ModelDerivation, derive_model
from graph.framework_descriptions import store_rules
from graph.records import ClaimRecord, Evidence, read_evidence, read_matches
from graph.scoring.rules import FrameworkRule


def evidence_records(snap: Snapshot) -> tuple[Evidence, dict[str, frozenset[str]]]:
    """Return every model's claims with their sources (no quotes), and the criterion matches."""
    return snap.get(
        "_records", (), lambda: (read_evidence(snap.store, quotes=False), read_matches(snap.store))
    )


def framework_rules(snap: Snapshot) -> tuple[FrameworkRule, ...]:
    """Return the rules of every framework the store holds, described ones included."""
    return snap.get("_rules", (), lambda: store_rules(snap.store))


def claims_by_model(snap: Snapshot) -> dict[str, list[ClaimRecord]]:
    """Return model IRI -> its claims, deprecated ones included."""

    def build() -> dict[str, list[ClaimRecord]]:
        out: dict[str, list[ClaimRecord]] = {}
        for claim in evidence_records(snap)[0].claims:
            out.setdefault(claim.model, []).append(claim)
        return out

    return snap.get("_claims_by_model", (), build)


def derivations(snap: Snapshot) -> dict[str, ModelDerivation]:
    """Return model IRI -> its derivation today under the store's rules, as ``derive`` makes it."""

    def build() -> dict[str, ModelDerivation]:
        evidence, matches = evidence_records(snap)
        grouped = claims_by_model(snap)
        rules = framework_rules(snap)
        return {
            iri: derive_model(model, grouped.get(iri, []), evidence.sources, matches, rules=rules)
            for iri, model in evidence.models.items()
        }

    return snap.get("_derivations", (), build)
