"""Decide the warnings shown next to assessments, scores and traces: pure functions.

- contested (``og:Contested``): the claims an assessment counted disagree
  (``Assessment.contested``, decided by ``graph.scoring.resolve_claims``);
- needs review (``og:NeedsReview``): a secondary claim contradicts the primary
  evidence the level rests on (``Assessment.needs_review``);
- single source (``og:SingleSource``): the claims an assessment's level rests
  on all come from one and the same source;
- self-reported (``og:SelfReported``): every claim an assessment's level rests
  on is the developer's own: the claim is ``prov:wasAttributedTo`` one of the
  model's ``og:developer``, or each of its sources has a developer as
  ``dcterms:publisher``;
- openwashing (``og:Openwashing``): a counted claim by the model's developer
  (self-reported, as above) calls the model "open source"
  (``id:criterion/self-description/called-open-source`` at ``og:open``) while
  its evidence meets neither the OSI definition nor MOF Class I. Someone else
  calling the model open source does not raise it.
- unplaced (``og:Unplaced``, on scores only): the evidence does not decide a
  grade (``Score.unplaced``; ``graph.scoring.unplaced``);
- family disagreement (``og:FamilyDisagreement``, on assessments): a
  family-level member and another member of its family have different known
  levels on the criterion (``graph.derive.families``; set by ``graph.derive``,
  not by ``derive_model``, since it reads other models).

A score carries every flag that one of the assessments it is derived from
carries, and openwashing when the model is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from graph.namespaces import OG
from graph.records import ClaimRecord, SourceRecord
from graph.scoring import Assessment, Score
from graph.scoring.levels import criterion_iri
from graph.scoring.mof import CLASS_GRADES
from graph.scoring.osaid import MEETS as OSAID_MEETS
from graph.scoring.unplaced import UNPLACED

CONTESTED = str(OG.Contested)
NEEDS_REVIEW = str(OG.NeedsReview)
SINGLE_SOURCE = str(OG.SingleSource)
SELF_REPORTED = str(OG.SelfReported)
OPENWASHING = str(OG.Openwashing)
FAMILY_DISAGREEMENT = str(OG.FamilyDisagreement)

ORDER = (CONTESTED, NEEDS_REVIEW, SINGLE_SOURCE, SELF_REPORTED, OPENWASHING, UNPLACED)
NAMES = {
    CONTESTED: "contested",
    NEEDS_REVIEW: "needs-review",
    SINGLE_SOURCE: "single-source",
    SELF_REPORTED: "self-reported",
    OPENWASHING: "openwashing",
    UNPLACED: "unplaced",
    FAMILY_DISAGREEMENT: "family-disagreement",
}

CALLED_OPEN_SOURCE = criterion_iri("self-description", "called-open-source")


def ordered(flags: Iterable[str]) -> tuple[str, ...]:
    """Return flag IRIs without repeats, in the fixed order of ``ORDER``."""
    found = set(flags)
    return tuple(f for f in ORDER if f in found) + tuple(sorted(found - set(ORDER)))


def is_self_reported(
    claim: ClaimRecord, sources: Mapping[str, SourceRecord], developers: Iterable[str]
) -> bool:
    """Tell whether a claim is the developer's own statement about its model."""
    devs = set(developers)
    if not devs:
        return False
    if devs.intersection(claim.attributed_to):
        return True
    return bool(claim.sources) and all(
        s in sources and devs.intersection(sources[s].publishers) for s in claim.sources
    )


def assessment_flags(
    assessment: Assessment,
    claims: Mapping[str, ClaimRecord],
    sources: Mapping[str, SourceRecord],
    developers: Iterable[str],
) -> tuple[str, ...]:
    """Return the flags of one assessment (contested, needs review, single source, self-reported)."""
    if not (assessment.claims or assessment.contested or assessment.needs_review):
        return ()  # resting on no claim: most of a model's criteria
    devs = tuple(developers)
    resting = [claims[i] for i in assessment.claims if i in claims]
    flags = []
    if assessment.contested:
        flags.append(CONTESTED)
    if assessment.needs_review:
        flags.append(NEEDS_REVIEW)
    if len({s for c in resting for s in c.sources}) == 1:
        flags.append(SINGLE_SOURCE)
    if resting and all(is_self_reported(c, sources, devs) for c in resting):
        flags.append(SELF_REPORTED)
    return ordered(flags)


@dataclass(frozen=True)
class Openwashing:
    """Whether a model's developer calls it open source while its evidence falls short, and why."""

    flagged: bool
    called_open_by: tuple[str, ...]  # counted claims by the developer calling it open source
    meets_osaid: bool
    mof_class_i: bool


def called_open_by_developer(
    assessment: Assessment | None,
    claims: Mapping[str, ClaimRecord],
    sources: Mapping[str, SourceRecord],
    developers: Iterable[str],
) -> tuple[str, ...]:
    """Return the counted claims of a ``called-open-source`` assessment that are the developer's
    own and call the model open source."""
    if assessment is None:
        return ()
    devs = tuple(developers)
    return tuple(
        iri
        for iri in assessment.claims_by_level.get("open", ())
        if iri in claims and is_self_reported(claims[iri], sources, devs)
    )


def openwashing(called_open_by: Sequence[str], osaid: Score, mof: Score) -> Openwashing:
    """Flag a model its developer calls open source that meets neither OSAID 1.0 nor MOF Class I.

    ``called_open_by`` are the developer's own claims calling it so
    (``called_open_by_developer``).
    """
    meets = osaid.grade == OSAID_MEETS
    class_i = mof.grade == CLASS_GRADES[1]
    called = tuple(called_open_by)
    return Openwashing(bool(called) and not meets and not class_i, called, meets, class_i)


def score_flags(assessment_flags: Iterable[Iterable[str]], washing: Openwashing) -> tuple[str, ...]:
    """Return a score's flags: those of its assessments, and openwashing when flagged."""
    flags = {f for fs in assessment_flags for f in fs}
    if washing.flagged:
        flags.add(OPENWASHING)
    return ordered(flags)
