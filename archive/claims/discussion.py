"""Discussions on annotations and claims: any member replies (the W3C
"replying" motivation); the item's author or an admin resolves the thread.
A reply's author corrects or withdraws it; an admin may withdraw anyone's
(moderation) but never puts words in another member's mouth.

A reply in a resolved thread opens it again: the conversation goes on.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone

from archive.core.editing import create_object, delete_object, lock_at_version, update_object
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


def may_edit_reply(role: str | None, user: Any, reply: object) -> bool:
    """Only a reply's author (`reply` a Reply, or a row with its owner_id) changes its words,
    while they take part in the workspace."""
    return can(role, Action.DISCUSS) and is_own(user, reply)


def may_delete_reply(role: str | None, user: Any, reply: object) -> bool:
    """A reply's author withdraws it; an admin may withdraw any (moderation)."""
    return can(role, Action.DISCUSS) and (can(role, Action.MANAGE) or is_own(user, reply))


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
    replies = list(replies_to(discussion))
    return {
        "model": _target_field(item),
        "object_id": item.pk,
        "discussion": discussion,
        "replies": replies,
        # The ids of the replies the viewer may change and delete.
        "editable": {each.pk for each in replies if may_edit_reply(role, user, each)},
        "deletable": {each.pk for each in replies if may_delete_reply(role, user, each)},
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
    body = _clean_body(body)
    discussion = _open_discussion(item, user=user)
    if discussion.resolved:
        _set_resolved(discussion, user=user, resolved=False, reason="Replied in a resolved discussion.")
        discussion.refresh_from_db()
    new = Reply(workspace_id=discussion.workspace_id, discussion=discussion, body=body, author=user)
    return create_object(new, user=user)


def _clean_body(body: Any) -> str:
    """A reply's text without surrounding blanks, or a ValidationError on `body` saying what is wrong."""
    if not isinstance(body, str) or not body.strip():
        raise ValidationError({"body": "A reply needs some text."})
    if len(body) > MAX_REPLY_LENGTH:
        raise ValidationError({"body": f"A reply has at most {MAX_REPLY_LENGTH} characters."})
    return body.strip()


@unit_of_work()
def edit_reply(*, reply: Reply, user: Any, body: str, expected_version: int | None = None) -> Reply:
    """Change the words of `user`'s own reply, if it is still at `expected_version`
    (None: any); its history keeps every earlier wording."""
    if not may_edit_reply(role_in(user, reply.workspace), user, reply):
        raise PermissionDenied("Only its author can change a reply.")
    changes = {"body": _clean_body(body)}
    return update_object(
        reply, user=user, expected_version=expected_version, changes=changes, editable=changes
    )


@unit_of_work()
def delete_reply(*, reply: Reply, user: Any, reason: str) -> None:
    """Withdraw a reply: its author, or an admin. The history keeps it, with who deleted it and why."""
    if not may_delete_reply(role_in(user, reply.workspace), user, reply):
        raise PermissionDenied("Only its author or an admin can delete a reply.")
    delete_object(reply, user=user, reason=reason)


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
