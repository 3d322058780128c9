"""The options in which a command says what the sources it archives derive from (--derivation and
an original that is not archived, --unarchived-title...), shared by import_sources and capture so
both take them in the same words, and the domain's refusal of them named as those options."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from archive.models import Derivation, Source, UnarchivedOriginal, Workspace
from archive.models.source import UNARCHIVED_PARTS
from archive.sources.writes import check_derivation


def add_derivation_arguments(parser: CommandParser, *, instead: str = "") -> None:
    """--derivation, and the group of options describing an original that is not archived;
    `instead` names the option giving an archived source in its place, if the command has one."""
    parser.add_argument(
        "--derivation",
        choices=Derivation.values,
        default="",
        help="What it is of the original it derives from, archived or not (e.g. a translation).",
    )
    group = parser.add_argument_group(
        "an original that is not archived",
        "What it derives from when that is not archived" + (f", in place of {instead}." if instead else "."),
    )
    group.add_argument("--unarchived-title", default="", help="Its title (or give its address).")
    group.add_argument("--unarchived-url", default="", help="Its address (or give its title).")
    group.add_argument("--unarchived-outlet", default="", help="Its outlet's name.")
    group.add_argument("--unarchived-language", default="", help="Its language, BCP 47 (e.g. ar).")
    group.add_argument(
        "--unarchived-published-on", type=datetime.date.fromisoformat, help="Published, YYYY-MM-DD."
    )


def checked_derivation(
    options: dict[str, Any], *, workspace: Workspace, derived_from: Source | None = None
) -> UnarchivedOriginal | None:
    """The original that is not archived the options describe (None when they do not), once
    the domain has found nothing to refuse in what a new source would derive from (CommandError)."""
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
    return unarchived_original
