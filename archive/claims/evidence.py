"""Evidence: a passage that supports, refutes or gives context to a claim."""

from typing import Any

from django.core.exceptions import ValidationError

from archive.claims.claims import create_claim
from archive.claims.editing import (
    EDITABLE_FIELDS,
    IDENTITY_FIELDS,
    canonical_kept_once,
    edit_item,
    refuse_taken_canonical,
)
from archive.core.editing import AlreadyExists, create_object, delete_object
from archive.core.unit_of_work import unit_of_work
from archive.models import Claim, Evidence, Passage, Source, Stance
from archive.passages.selectors import TextSelector
from archive.passages.writes import delete_unused_passages, passage_at


@unit_of_work()
def add_evidence(
    *,
    claim: Claim,
    passage: Passage,
    user: Any,
    stance: Stance | str,
    note: str = "",
    canonical: str = "",
    via: str = "",
) -> Evidence:
    """`canonical` and `via`: a W3C client's identities (see IDENTITY_FIELDS)."""
    # The claim and the passage are locked first, as deleting either locks it first: else
    # a delete and a citation could each wait for the other (the citation's references are
    # checked at COMMIT, after it took the ledger's lock), and the database abort one.
    for model, pk in ((Claim, claim.pk), (Passage, passage.pk)):
        if model.objects.select_for_update(no_key=True).filter(pk=pk).values_list("pk").first() is None:
            raise model.DoesNotExist(f"The {model._meta.verbose_name} was deleted meanwhile.")
    existing = Evidence.objects.filter(claim=claim, passage=passage).first()
    if existing is not None:
        # Its stance said: citing it again with another stance is a change of the existing one.
        raise AlreadyExists(
            f"This passage is already evidence for that claim: it {existing.get_stance_display()} it.",
            existing=existing,
        )
    refuse_taken_canonical(workspace_id=claim.workspace_id, canonical=canonical)
    evidence = Evidence(
        claim=claim,
        workspace=claim.workspace,
        passage=passage,
        stance=stance,
        note=note,
        created_by=user,
        canonical=canonical,
        via=via,
    )
    with canonical_kept_once([(evidence, canonical)]):
        return create_object(evidence, user=user)


@unit_of_work()
def cite_selection(
    *,
    source: Source,
    user: Any,
    selector: TextSelector,
    stance: Stance | str,
    note: str = "",
    claim: Claim | None = None,
    new_claim_statement: str = "",
) -> Evidence:
    """Highlight a selection and make it evidence for an existing claim of the
    source's workspace or for a new one, all or nothing."""
    if (claim is None) == (not new_claim_statement.strip()):
        raise ValidationError("Choose an existing claim or write a new one (not both).", code="claim")
    if claim is not None and claim.workspace_id != source.workspace_id:
        raise ValidationError("That claim belongs to another workspace.", code="claim")
    passage = passage_at(source=source, user=user, selector=selector)
    if claim is None:
        claim = create_claim(workspace=source.workspace, user=user, statement=new_claim_statement)
    return add_evidence(claim=claim, passage=passage, user=user, stance=stance, note=note)


MOVE_MESSAGE = (
    "Evidence stays on its claim and passage: to cite a passage for another claim, "
    "cite it anew there, and delete this evidence if it no longer applies."
)


def refuse_moves(evidence: Evidence, changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` without `claim` and `passage`, which may only name the evidence's own:
    an edit never moves evidence, since its grade, review and history are about that
    passage for that claim. A ValidationError naming each that names another."""
    errors = {
        name: MOVE_MESSAGE
        for name, current in (("claim", evidence.claim_id), ("passage", evidence.passage_id))
        if name in changes and getattr(changes[name], "pk", changes[name]) != current
    }
    if errors:
        raise ValidationError(errors)
    return {name: value for name, value in changes.items() if name not in ("claim", "passage")}


def edit_evidence(
    evidence: Evidence,
    *,
    user: Any,
    expected_version: int | None,
    changes: dict[str, Any],
    reason: str = "",
) -> Evidence:
    """Change the stance or note of a piece of evidence (its claim and passage stay:
    see refuse_moves)."""
    changes = refuse_moves(evidence, changes)
    return edit_item(evidence, user=user, expected_version=expected_version, changes=changes, reason=reason)


def replace_evidence(
    evidence: Evidence,
    *,
    user: Any,
    expected_version: int | None,
    claim: Claim,
    passage: Passage,
    stance: Stance | str,
    note: str = "",
    identities: dict[str, str] | None = None,
) -> Evidence:
    """The whole evidence as a W3C PUT sends it: its own claim and passage (see
    refuse_moves), its stance and note, and the W3C identities given (see IDENTITY_FIELDS)."""
    refuse_moves(evidence, {"claim": claim, "passage": passage})
    return edit_item(
        evidence,
        user=user,
        expected_version=expected_version,
        changes={"stance": stance, "note": note, **(identities or {})},
        editable=EDITABLE_FIELDS[Evidence] | IDENTITY_FIELDS,
    )


@unit_of_work()
def delete_evidence(
    *, evidence: Evidence, user: Any, reason: str, expected_version: int | None = None
) -> list[int]:
    """Delete a piece of evidence, and its passage if nothing else uses it.

    The claim stays. History keeps both. Returns the ids of the passages deleted.
    """
    passage_id = evidence.passage_id
    delete_object(evidence, user=user, reason=reason, expected_version=expected_version)
    return delete_unused_passages([passage_id], user=user, reason=reason)
