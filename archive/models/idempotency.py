from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """A POST's Idempotency-Key and the response it got (archive.api.idempotency).

    Not history-tracked and in no workspace (nor in workspace backups): a
    short-lived record of responses, per user, kept 24 hours.
    """

    in_backups = False

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status = models.PositiveSmallIntegerField()
    headers = models.JSONField(default=dict)
    body = models.TextField(blank=True)  # the response's JSON, in its key order
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id}, {self.created_at:%Y-%m-%d %H:%M})"
