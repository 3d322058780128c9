"""The audit ledger: one append-only, hash-chained entry per history row.

django-simple-history keeps each model's history in its own table. The ledger
puts every history row of a workspace (its own, its memberships' and those of
everything it owns) into one sequence, numbered 1, 2, 3... per workspace, and
chains them: each entry's hash is SHA-256 over the previous entry's hash and a
canonical serialization of the entry and of its history row (see
archive.audit.ledger). Changing, deleting or inserting a history row or an
entry breaks the chain from that point on.

The ledger doubles as the activity feed's index: it is narrow, and its
indexes match the feed's filters, so a filtered page over hundreds of
thousands of changes is one index scan.

These two tables are not history-tracked themselves: they are the history.
Entries are written only by archive.core.history's hooks, never edited.
"""

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64


class HistoryAction(models.TextChoices):
    CREATED = "created", "created"
    CHANGED = "changed", "changed"
    DELETED = "deleted", "deleted"
    REVERTED = "reverted", "reverted"
    REANCHORED = "reanchored", "re-anchored"
    SUBMITTED = "submitted", "submitted for review"
    APPROVED = "approved", "approved"
    REJECTED = "rejected", "rejected"
    FLAGGED = "flagged", "flagged for an admin"
    GRADED = "graded", "graded"  # a claim's credibility, an outlet's reliability: a judgement, not content
    EXPORTED = "exported", "exported"  # an evidence package handed out, recorded once


class HistoryEntry(models.Model):
    # No database constraint: the ledger outlives what it records. No index of
    # its own: the unique (workspace, sequence) one serves, and every index
    # costs each of the thousands of entries a text correction appends.
    workspace = models.ForeignKey(
        "archive.Workspace",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    sequence = models.PositiveBigIntegerField()
    model = models.CharField(max_length=40, help_text="The tracked model's name, e.g. claim.")
    object_id = models.BigIntegerField()
    history_id = models.BigIntegerField(help_text="The row in the model's history table.")
    action = models.CharField(max_length=12, choices=HistoryAction.choices)
    # PROTECT: who did what is never erased; deactivate users instead of deleting them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    object_repr = models.CharField(max_length=200)
    # What the object belongs to, for the feed's source and claim filters.
    source_id = models.BigIntegerField(null=True, blank=True)
    claim_id = models.BigIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name_plural = "history entries"
        constraints = [
            models.UniqueConstraint(fields=["workspace", "sequence"], name="history_entry_unique_sequence"),
            models.UniqueConstraint(fields=["model", "history_id"], name="history_entry_one_per_row"),
        ]
        # The feed always filters by workspace and pages by sequence.
        indexes = [
            models.Index(fields=["workspace", "user", "sequence"], name="history_entry_by_user"),
            models.Index(fields=["workspace", "model", "sequence"], name="history_entry_by_model"),
            models.Index(fields=["workspace", "action", "sequence"], name="history_entry_by_action"),
            models.Index(fields=["workspace", "source_id", "sequence"], name="history_entry_by_source"),
            models.Index(fields=["workspace", "claim_id", "sequence"], name="history_entry_by_claim"),
            # Covering: a date range is turned into a sequence range from the index alone.
            models.Index(fields=["workspace", "recorded_at", "sequence"], name="history_entry_by_time"),
            models.Index(fields=["workspace", "model", "object_id"], name="history_entry_by_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.model} {self.object_id}"


class HistoryChain(models.Model):
    """The head of a workspace's chain: its length and last hash.

    Writers lock this row (SELECT ... FOR UPDATE on PostgreSQL; SQLite
    serializes writers) so two transactions never take the same sequence
    number or previous hash.
    """

    workspace = models.OneToOneField(
        "archive.Workspace",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    length = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"chain of workspace {self.workspace_id}: #{self.length} {self.head_hash}"


class HistoryVerification(models.Model):
    """One run of the chain verification (archive.audit.ledger.verify_workspace), as recorded.

    Verifying walks the whole chain, which takes seconds at hundreds of
    thousands of entries, so the status page shows the last recorded run
    instead of verifying on every load. Not history-tracked, and not part of
    the ledger: a record of checks made on the history, not of the archive.
    """

    # No database constraint: chains of deleted workspaces are verified too.
    workspace = models.ForeignKey(
        "archive.Workspace", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    started_at = models.DateTimeField()
    seconds = models.FloatField(help_text="How long the verification took.")
    ok = models.BooleanField()
    checked = models.PositiveBigIntegerField(help_text="Entries found good before any problem.")
    length = models.PositiveBigIntegerField(help_text="The chain's length when it was verified.")
    head_hash = models.CharField(max_length=64, help_text="The chain's head hash when it was verified.")
    problem = models.TextField(blank=True)
    sequence = models.PositiveBigIntegerField(null=True, blank=True, help_text="The first entry found wrong.")
    # Null: run by `manage.py verify_history`. PROTECT, as in the ledger: deactivate users instead.
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["workspace", "-started_at"], name="history_verification_latest")]

    def __str__(self) -> str:
        outcome = "OK" if self.ok else f"FAILED at #{self.sequence}"
        return f"verification of workspace {self.workspace_id} at {self.started_at:%Y-%m-%d %H:%M}: {outcome}"
