"""Recapture one web source now and print the outcome.

    python manage.py recapture SOURCE_ID [--by USERNAME]

Prints "new version N" with the alerts it raised, "unchanged", or
"failed: reason" (and then exits non-zero).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.models import CheckOutcome, Source
from archive.monitoring.recapture import recapture
from archive.workspaces import account_called


class Command(BaseCommand):
    help = "Capture a web source's URL again: a new version if it changed, alerts if cited text did."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source_id", type=int)
        parser.add_argument("--by", help="The user to record as recapturing (a username); default: none.")

    def handle(self, *args, **options) -> None:
        by = None
        if options["by"]:
            try:
                by = account_called(options["by"], active_only=False)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        try:
            outcome = recapture(source_id=options["source_id"], by=by)
        except Source.DoesNotExist:
            raise CommandError(f"No source {options['source_id']}.") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if outcome.outcome == CheckOutcome.FAILED:
            raise CommandError(outcome.describe())
        self.stdout.write(outcome.describe())
        if outcome.report is not None:
            counts = ", ".join(
                f"{count} {status.label}" for status, count in outcome.report.counts.items() if count
            )
            self.stdout.write(f"Passages carried: {counts or 'none'}.")
        for alert in outcome.alerts:
            self.stdout.write(f"Alert to {alert.recipient.username}: {alert.message}")
