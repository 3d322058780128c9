"""What analysts hand out, as the archive records it: each evidence package exported
(archive.findings.package), in the workspace's history like everything else."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from archive.core.history import tracked_history
from archive.models.version import Immutable

# As bag-info.txt and the X-Package-Id header write a package's id.
package_uuid_text = RegexValidator(
    r"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z",
    "A package id is a UUID as its bag-info.txt writes it: lowercase, with hyphens.",
)
sha256_text = RegexValidator(r"\A[0-9a-f]{64}\Z", "A SHA-256 is 64 lowercase hexadecimal digits.")


class PackageExport(Immutable):
    """One evidence package built, signed and handed out: which claim, who, when, and what
    pins that very package, its id, the chain head its chain-head.json holds, and the
    SHA-256 of its tagmanifest-sha256.txt (which its signature covers)."""

    # PROTECT: the record must always name a claim with its history; a claim whose
    # evidence went out stays (deleted, the record would change or point at nothing).
    claim = models.ForeignKey("archive.Claim", on_delete=models.PROTECT, related_name="package_exports")
    # Text, not a UUID column: a history row hashes the same on SQLite and PostgreSQL.
    package_uuid = models.CharField("package id", max_length=36, validators=[package_uuid_text])
    # None: the command line. PROTECT, as the ledger keeps who did what.
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chain_length = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64, validators=[sha256_text])
    tag_manifest_sha256 = models.CharField(
        "SHA-256 of tagmanifest-sha256.txt", max_length=64, validators=[sha256_text]
    )
    timestamped = models.BooleanField(
        "time-stamped", help_text="Whether it carries a TSA's RFC 3161 time-stamp."
    )

    history = tracked_history()

    workspace_from = "claim"

    class Meta:
        verbose_name = "package export"
        ordering = ["-created_at", "-id"]
        constraints = [
            # Per workspace: a workspace copied beside its original keeps the record of its exports.
            models.UniqueConstraint(fields=["workspace", "package_uuid"], name="package_export_unique_uuid"),
        ]

    def __str__(self) -> str:
        return f"evidence package {self.package_uuid} of the claim “{self.claim}”"
