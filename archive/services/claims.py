from django.core.exceptions import ValidationError
from django.db import transaction

from archive.grading import Credibility
from archive.history import recorded_as
from archive.models import Annotation, Claim, Evidence, Motivation, Passage, Stance, Workspace


@transaction.atomic
def create_claim(
    *,
    workspace: Workspace,
    user,
    statement: str,
    credibility: int = Credibility.CANNOT_BE_JUDGED,
    tags: list[str] | None = None,
    reason: str = "",
) -> Claim:
    claim = Claim(
        workspace=workspace, statement=statement, credibility=credibility, tags=tags or [], created_by=user
    )
    claim.full_clean()
    with recorded_as(user=user, reason=reason):
        claim.save()
    return claim


@transaction.atomic
def add_evidence(*, claim: Claim, passage: Passage, user, stance: Stance | str, note: str = "") -> Evidence:
    evidence = Evidence(
        claim=claim, workspace=claim.workspace, passage=passage, stance=stance, note=note, created_by=user
    )
    evidence.full_clean()
    with recorded_as(user=user):
        evidence.save()
    return evidence


@transaction.atomic
def create_annotation(
    *,
    passages: list[Passage],
    user,
    body: str,
    motivation: Motivation | str = Motivation.COMMENTING,
    tags: list[str] | None = None,
) -> Annotation:
    if not passages:
        raise ValidationError("An annotation needs at least one passage.")
    annotation = Annotation(
        workspace=passages[0].workspace, body=body, motivation=motivation, tags=tags or [], author=user
    )
    annotation.full_clean()
    with recorded_as(user=user):
        annotation.save()
        annotation.passages.set(passages)
    return annotation
