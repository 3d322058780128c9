from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from archive.core.history import tracked_history
from archive.core.text import isolated
from archive.models.base import CreatedAtField, TextRules


def validate_verdict_scale(value: object) -> None:
    from archive.models.claim import ClaimStatus  # claim.py builds on this module

    if not isinstance(value, dict):
        raise ValidationError("The verdict scale maps claim statuses to [rating, name].")
    for status, rating in value.items():
        if status not in ClaimStatus.values:
            raise ValidationError(f"{status!r} is not a claim status.")
        valid = isinstance(rating, list) and len(rating) == 2 and type(rating[0]) is int
        if not valid or not 1 <= rating[0] <= 5 or not isinstance(rating[1], str) or not rating[1].strip():
            raise ValidationError(f"The verdict {status!r} needs [a rating from 1 to 5, its name].")


class Workspace(TextRules):
    """A case or project: it owns sources, passages, claims and the rest."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    created_at = CreatedAtField(auto_now_add=True)
    # ClaimReview's rating scale: {claim status: [rating 1-5, its name]}; empty: the
    # default scale (archive.findings.claimreview.DEFAULT_SCALE).
    verdict_scale = models.JSONField(default=dict, blank=True, validators=[validate_verdict_scale])

    history = tracked_history()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ANALYST = "analyst", "Analyst"
    REVIEWER = "reviewer", "Reviewer"
    ADMIN = "admin", "Admin"


INACTIVE_ACCOUNT = "The account {username} is deactivated: only an active account can be a member."


class Membership(TextRules):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    # Alerts (archive.sources.alerts) also by e-mail, through Django's mail settings.
    email_alerts = models.BooleanField(default=False)
    created_at = CreatedAtField(auto_now_add=True)

    history = tracked_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="membership_unique_user_workspace"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.workspace}"

    def clean(self) -> None:
        # A deactivated account cannot sign in: it would hold its role (an admin's
        # included) for nobody. Every new membership is checked here, whether added
        # (archive.workspaces.add_member) or brought back from the history.
        if self._state.adding and self.user_id is not None and not self.user.is_active:
            raise ValidationError({"user": INACTIVE_ACCOUNT.format(username=isolated(self.user.username))})
