"""Discussions on annotations and claims: any member replies (the W3C
"replying" motivation); the item's author or an admin resolves the thread.

A reply in a resolved thread opens it again: the conversation goes on.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone

from archive.core.editing import create_object, lock_at_version, update_object
from archive.core.unit_of_work import unit_of_work
from archive.models import Annotation, Claim, Discussion, Reply
from archive.models.discussion import MAX_REPLY_LENGTH
from archive.permissions import Action, can, is_own, role_in

Discussed = Annotation | Claim


def _target_field(item: Model) -> str:
    if isinstance(item, Annotation):
        return "annotation"
    if isinstance(item, Claim):
        return "claim"
    raise TypeError(f"Only annotations and claims have discussions, not {type(item).__name__}.")


def may_reply(role: str | None) -> bool:
    """Every member who works in the workspace (analysts, reviewers, admins) takes part."""
    return can(role, Action.DISCUSS)


def may_resolve(role: str | None, user: Any, item: object) -> bool:
    """The discussed item's author, or an admin, marks its thread resolved (or open again)."""
    return can(role, Action.DISCUSS) and (can(role, Action.MANAGE) or is_own(user, item))


def discussion_of(item: Discussed) -> Discussion | None:
    return Discussion.objects.filter(**{_target_field(item): item}).first()


def replies_to(discussion: Discussion | None) -> QuerySet[Reply]:
    if discussion is None:
        return Reply.objects.none()
    return discussion.replies.select_related("author").order_by("created_at", "id")


def discussion_thread(item: Discussed, *, user: Any, role: str | None) -> dict[str, Any]:
    """What a page shows of an item's discussion: the thread, its replies, what the viewer may do."""
    discussion = (
        Discussion.objects.select_related("resolved_by").filter(**{_target_field(item): item}).first()
    )
    return {
        "model": _target_field(item),
        "object_id": item.pk,
        "discussion": discussion,
        "replies": list(replies_to(discussion)),
        "can_reply": may_reply(role),
        "can_resolve": may_resolve(role, user, item),
    }


def _open_discussion(item: Discussed, *, user: Any) -> Discussion:
    """The item's thread, created (and recorded) at its first reply; locked for the rest of the unit."""
    field = _target_field(item)
    found = Discussion.objects.select_for_update().filter(**{field: item}).first()
    if found is not None:
        return found
    discussion = Discussion(workspace_id=item.workspace_id, **{field: item})
    return create_object(discussion, user=user)


@unit_of_work()
def reply(*, item: Discussed, user: Any, body: str) -> Reply:
    """Add `user`'s reply to the discussion of an annotation or claim."""
    if not may_reply(role_in(user, item.workspace)):
        raise PermissionDenied("Only members of the workspace take part in its discussions.")
    if not isinstance(body, str) or not body.strip():
        raise ValidationError({"body": "Write something to reply."})
    if len(body) > MAX_REPLY_LENGTH:
        raise ValidationError({"body": f"A reply has at most {MAX_REPLY_LENGTH} characters."})
    discussion = _open_discussion(item, user=user)
    if discussion.resolved:
        _set_resolved(discussion, user=user, resolved=False, reason="Replied in a resolved discussion.")
        discussion.refresh_from_db()
    new = Reply(workspace_id=discussion.workspace_id, discussion=discussion, body=body.strip(), author=user)
    return create_object(new, user=user)


def _set_resolved(discussion: Discussion, *, user: Any, resolved: bool, reason: str = "") -> Discussion:
    changes = {
        "resolved": resolved,
        "resolved_by": user if resolved else None,
        "resolved_at": timezone.now() if resolved else None,
    }
    return update_object(
        discussion, user=user, expected_version=None, changes=changes, editable=changes, reason=reason
    )


@unit_of_work()
def resolve_thread(
    *, item: Discussed, user: Any, resolved: bool = True, expected_version: int | None = None
) -> Discussion:
    """Mark the discussion of an annotation or claim resolved (or, with resolved=False, open again).

    Who resolved it and when are on the discussion, so its history keeps them.
    """
    if not may_resolve(role_in(user, item.workspace), user, item):
        raise PermissionDenied("Only the author of the item or an admin can resolve its discussion.")
    found = discussion_of(item)
    if found is None:
        raise ValidationError("There is no discussion to resolve yet.")
    discussion = lock_at_version(found, expected_version)
    if discussion.resolved == resolved:
        return discussion
    return _set_resolved(discussion, user=user, resolved=resolved)
