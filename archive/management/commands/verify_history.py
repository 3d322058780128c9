"""Verify the hash chains of the audit ledger: exit non-zero at the first problem.

Each workspace's result is recorded, so its status page shows it.
"""

import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.audit.verification import Departure, departure, verify_and_record
from archive.models import HistoryChain, Workspace

PUBLISHED = re.compile(r"^(?P<sequence>[1-9]\d*):(?P<hash>[0-9a-fA-F]{64})$")


class Command(BaseCommand):
    help = (
        "Recompute every workspace's history chain (or one, with --workspace) and report the first "
        "entry or history row that was modified, deleted or inserted out of order. Each result is "
        "recorded for the workspace's history chain page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", metavar="SLUG", help="Verify only this workspace.")
        parser.add_argument(
            "--expect",
            metavar="SEQUENCE:HASH",
            help="A head hash published earlier: check that the chain still has it at that entry "
            "(needs --workspace).",
        )

    def handle(self, *args, workspace: str | None = None, expect: str | None = None, **options) -> None:
        if expect and not workspace:
            raise CommandError("--expect needs --workspace.")
        published = PUBLISHED.match(expect or "")
        if expect and published is None:
            raise CommandError(
                "--expect takes SEQUENCE:HASH, an entry number from 1 and its hash, e.g. 1520:3f5a… "
                "(64 hex digits)."
            )
        failures = []
        chains = self._workspaces(workspace)
        if not chains:
            self.stdout.write("No workspace has a history chain to verify.")
        for workspace_id, label in chains:
            result = verify_and_record(workspace_id=workspace_id)
            if not result.ok:
                failures.append(f"{label}: FAILED after {result.checked} good entries: {result.problem}")
                continue
            # Before saying OK: a chain that lost what was published is not OK.
            if published is not None:
                self._check_published(workspace_id, label, result.length, published)
            self.stdout.write(
                f"{label}: OK, {result.checked} entries in {result.seconds:.1f} s, "
                f"head #{result.length} {result.head_hash}"
            )
            if published is not None:
                self.stdout.write(f"{label}: entry #{published['sequence']} still has the published hash.")
        if failures:
            raise CommandError("\n".join(failures))

    def _workspaces(self, slug: str | None) -> list[tuple[int, str]]:
        if slug is not None:
            workspace = Workspace.objects.filter(slug=slug).first()
            if workspace is None:
                raise CommandError(f"No workspace {slug!r}.")
            return [(workspace.pk, slug)]
        slugs = dict(Workspace.objects.values_list("pk", "slug"))
        # Chains of deleted workspaces are verified too: the ledger outlives them.
        ids = sorted(set(slugs) | set(HistoryChain.objects.values_list("workspace_id", flat=True)))
        return [(pk, slugs.get(pk, f"deleted workspace {pk}")) for pk in ids]

    def _check_published(self, workspace_id: int, label: str, length: int, published: re.Match[str]) -> None:
        sequence, digest = int(published["sequence"]), published["hash"].lower()
        found = departure(workspace_id, length=length, then_length=sequence, then_hash=digest)
        if found is Departure.SHORTENED:
            raise CommandError(
                f"{label}: the chain has {length} entries, fewer than the {sequence} the published hash "
                f"{digest} was given for: its end was removed."
            )
        if found is Departure.REWRITTEN:
            raise CommandError(
                f"{label}: entry #{sequence} no longer has the published hash {digest}: "
                "the history up to it was rewritten."
            )
