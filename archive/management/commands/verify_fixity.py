"""Re-hash every stored original, WARC record and text against its recorded SHA-256.

    python manage.py verify_fixity [--workspace SLUG]

Reports each mismatch or missing file and exits non-zero if there is any.
Every verification is recorded, so provenance pages show the last one; the
workspace's admins are alerted to each file or text newly found damaged or missing.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.core.text import counted
from archive.models import FixityStatus, Workspace
from archive.monitoring.fixity import StorageMissing, check_storage, verify_all


class Command(BaseCommand):
    help = "Verify the fixity of every stored original, WARC record and text."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="Only this workspace's sources (its slug).")

    def handle(self, *args, **options) -> None:
        workspace = None
        if options["workspace"]:
            workspace = Workspace.objects.filter(slug=options["workspace"]).first()
            if workspace is None:
                raise CommandError(f"No workspace {options['workspace']!r}.")
        checked = failed = 0
        try:
            check_storage()
        except StorageMissing as missing:
            raise CommandError(missing.message) from None
        for check in verify_all(workspace):
            checked += 1
            if check.status != FixityStatus.OK:
                failed += 1
                self.stdout.write(
                    self.style.ERROR(
                        f"{check.get_status_display()}: source {check.source_id} “{check.source}”"
                    )
                )
                for problem in check.problems:
                    self.stdout.write(f"    {problem}")
        self.stdout.write(
            f"Verified {counted(checked, 'source')}: {checked - failed} intact, {failed} with problems."
        )
        if failed:
            raise CommandError(f"Fixity verification failed for {counted(failed, 'source')}.")
