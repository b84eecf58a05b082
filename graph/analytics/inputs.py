"""Read, once per data version, the plain records that fragility and self-reporting work on."""

from __future__ import annotations

from graph.analytics.cache import Snapshot
from graph.derive.model import ModelDerivation, derive_model
from graph.records import ClaimRecord, Evidence, read_evidence, read_matches


def evidence_records(snap: Snapshot) -> tuple[Evidence, dict[str, frozenset[str]]]:
    """Return every model's claims with their sources (no quotes), and the criterion matches."""
    return snap.get(
        "_records", (), lambda: (read_evidence(snap.store, quotes=False), read_matches(snap.store))
    )


def claims_by_model(snap: Snapshot) -> dict[str, list[ClaimRecord]]:
    """Return model IRI -> its claims, deprecated ones included."""

    def build() -> dict[str, list[ClaimRecord]]:
        out: dict[str, list[ClaimRecord]] = {}
        for claim in evidence_records(snap)[0].claims:
            out.setdefault(claim.model, []).append(claim)
        return out

    return snap.get("_claims_by_model", (), build)


def derivations(snap: Snapshot) -> dict[str, ModelDerivation]:
    """Return model IRI -> its derivation today, as ``graph.derive.model.derive_model`` makes it."""

    def build() -> dict[str, ModelDerivation]:
        evidence, matches = evidence_records(snap)
        grouped = claims_by_model(snap)
        return {
            iri: derive_model(model, grouped.get(iri, []), evidence.sources, matches)
            for iri, model in evidence.models.items()
        }

    return snap.get("_derivations", (), build)
