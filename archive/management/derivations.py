"""The options in which a command says what the sources it archives derive from (--derivation, an
archived source --derived-from, or an original that is not archived, --unarchived-title...), shared
by import_sources and capture so both take them in the same words, and the domain's refusal of them
named as those options."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from archive.models import Derivation, Source, UnarchivedOriginal, Workspace
from archive.models.source import UNARCHIVED_PARTS
from archive.sources.writes import check_derivation


def add_derivation_arguments(parser: CommandParser) -> None:
    """--derivation, --derived-from, and the group of options describing an original that is not
    archived."""
    parser.add_argument(
        "--derivation",
        choices=Derivation.values,
        default="",
        help="What it is of the original it derives from, archived or not (e.g. a translation).",
    )
    parser.add_argument("--derived-from", type=int, help="ID of the archived source it derives from.")
    group = parser.add_argument_group(
        "an original that is not archived",
        "What it derives from when that is not archived, in place of --derived-from.",
    )
    group.add_argument("--unarchived-title", default="", help="Its title (or give its address).")
    group.add_argument("--unarchived-url", default="", help="Its address (or give its title).")
    group.add_argument("--unarchived-outlet", default="", help="Its outlet's name.")
    group.add_argument("--unarchived-language", default="", help="Its language, BCP 47 (e.g. ar).")
    group.add_argument(
        "--unarchived-published-on", type=datetime.date.fromisoformat, help="Published, YYYY-MM-DD."
    )


@dataclass(frozen=True)
class DerivedFrom:
    """What the options say a new source derives from: at most one of the two originals."""

    derivation: str = ""
    derived_from: Source | None = None
    unarchived_original: UnarchivedOriginal | None = None


def checked_derivation(options: dict[str, Any], *, workspace: Workspace) -> DerivedFrom:
    """What the options say a new source of `workspace` derives from, once the domain has found
    nothing to refuse in it (CommandError, naming the options refused)."""
    derived_from = None
    if options["derived_from"] is not None:
        derived_from = Source.objects.filter(workspace=workspace, pk=options["derived_from"]).first()
        if derived_from is None:
            raise CommandError(f"--derived-from: no source {options['derived_from']} in {workspace.slug}.")
    parts = {name: options[f"unarchived_{name}"] for name in UNARCHIVED_PARTS}
    unarchived_original = UnarchivedOriginal(**parts) if any(parts.values()) else None
    try:
        check_derivation(
            workspace=workspace,
            derivation=options["derivation"],
            derived_from=derived_from,
            unarchived_original=unarchived_original,
        )
    except ValidationError as error:
        # Each field refused is named as its option (unarchived_title: --unarchived-title).
        raise CommandError(
            " ".join(
                f"--{name.replace('_', '-')}: {message}"
                for name, messages in error.message_dict.items()
                for message in messages
            )
        ) from None
    return DerivedFrom(options["derivation"], derived_from, unarchived_original)
