"""Capture a web page as a new source of a workspace, as the import page's URL capture does.

    python manage.py capture URL --workspace SLUG [--user NAME]

It may be declared derived, as --derivation (a translation, say), from an archived
source (--derived-from ID) or from an original that is not archived:
--unarchived-title and/or --unarchived-url, with --unarchived-outlet,
--unarchived-language and --unarchived-published-on if known; refused before the
page is fetched if a source would be refused for it.
Prints the new source's id and reading-page URL (or the source it duplicates), and
the workspace's existing outlet the page's outlet name was attached to, if it was;
exits non-zero, saying why, if the page cannot be captured.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from archive.management.derivations import add_derivation_arguments, checked_derivation
from archive.models import Workspace
from archive.permissions import Action, can, role_in
from archive.sources.importing import ImportRefused
from archive.sources.importing.pipeline import ImportStatus, capture_source
from archive.workspaces import account_called


class Command(BaseCommand):
    help = (
        "Capture a web page (kept as a WARC record) as a new source of a workspace; it may be declared a "
        "--derivation of an archived source (--derived-from) or of an original that is not archived "
        "(--unarchived-title and/or --unarchived-url, with its outlet, language and date)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url")
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument("--user", help="Who captures (an analyst or admin of the workspace).")
        add_derivation_arguments(parser)

    def handle(self, *args, url: str, workspace: str, user: str | None = None, **options) -> None:
        found = Workspace.objects.filter(slug=workspace).first()
        if found is None:
            raise CommandError(f"No workspace {workspace!r}.")
        capturer = None
        if user is not None:
            try:
                capturer = account_called(user, active_only=False)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            if not can(role_in(capturer, found), Action.CONTRIBUTE):
                raise CommandError(f"{user!r} is not an analyst or admin of {found.slug}.")
        derived = checked_derivation(options, workspace=found)
        try:
            result = capture_source(
                workspace=found,
                user=capturer,
                url=url,
                derivation=derived.derivation,
                derived_from=derived.derived_from,
                unarchived_original=derived.unarchived_original,
            )
        except ImportRefused as refusal:
            raise CommandError(refusal.message) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        source = result.source
        if source is None:
            raise CommandError(result.message or f"{url} was not archived.")
        where = reverse("archive:source", args=[found.slug, source.pk])
        if result.status == ImportStatus.DUPLICATE:
            self.stdout.write(f"{result.message} Source {source.pk}: {where}")
            return
        self.stdout.write(self.style.SUCCESS(f"Captured source {source.pk}: {where}"))
        if result.outlet_found:
            self.stdout.write(result.outlet_found)
