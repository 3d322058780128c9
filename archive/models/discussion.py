"""Discussions: members' replies on an annotation or a claim (the W3C
"replying" motivation), one thread per item, which its author or an admin
may mark resolved.

A thread is its own row (not a field of the item) so that resolving it
neither changes the item's version nor sends it back to review.
"""

from django.conf import settings
from django.db import models

from archive.core.graphemes import shorten
from archive.core.history import tracked_history
from archive.models.base import WorkspaceOwned

MAX_REPLY_LENGTH = 10_000


class Discussion(WorkspaceOwned):
    """The thread of replies on one annotation or one claim (exactly one of the two)."""

    annotation = models.OneToOneField(
        "archive.Annotation", null=True, blank=True, on_delete=models.CASCADE, related_name="discussion"
    )
    claim = models.OneToOneField(
        "archive.Claim", null=True, blank=True, on_delete=models.CASCADE, related_name="discussion"
    )
    resolved = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    history = tracked_history()

    same_workspace_as = ("annotation", "claim")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(annotation__isnull=False, claim__isnull=True)
                    | models.Q(annotation__isnull=True, claim__isnull=False)
                ),
                name="discussion_exactly_one_target",
            ),
        ]

    @property
    def target(self) -> models.Model:
        return self.annotation if self.annotation_id is not None else self.claim  # type: ignore[return-value]

    def __str__(self) -> str:
        return f"Discussion of {self.target}"


class Reply(WorkspaceOwned):
    """One member's reply in a discussion (W3C motivation "replying", its target the item discussed)."""

    author_field = "author"
    motivation = "replying"

    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(max_length=MAX_REPLY_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = tracked_history()

    workspace_from = "discussion"

    class Meta:
        verbose_name_plural = "replies"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="reply_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Reply by {self.author}: {shorten(self.body, 60)}"
