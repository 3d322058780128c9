"""The record of each evidence package handed out: written once, when the package is
built and signed (archive.findings.package), into the workspace's history, so that a
package that turns up can be shown to be the archive's, by its id and tag manifest."""

from typing import Any

from archive.core.attribution import recorded_as
from archive.core.editing import create_object
from archive.core.unit_of_work import unit_of_work
from archive.models import Claim, HistoryAction, PackageExport


@unit_of_work()
def record_export(
    *,
    claim: Claim,
    package_uuid: str,
    user: Any,
    chain_length: int,
    head_hash: str,
    tag_manifest_sha256: str,
    timestamped: bool,
) -> PackageExport:
    """Record that `user` (None: the command line) exported the package `package_uuid` of
    `claim`, holding the chain head `chain_length`:`head_hash`, whose tag manifest has
    SHA-256 `tag_manifest_sha256`; the activity shows it as exported."""
    export = PackageExport(
        claim=claim,
        workspace=claim.workspace,
        package_uuid=package_uuid,
        exported_by=user,
        chain_length=chain_length,
        head_hash=head_hash,
        tag_manifest_sha256=tag_manifest_sha256,
        timestamped=timestamped,
    )
    with recorded_as(user=user, action=HistoryAction.EXPORTED):
        return create_object(export, user=user)
