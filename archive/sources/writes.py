"""Sources: archiving a document, correcting its metadata, linking derivations, deleting.

(Its text changes only through archive.passages.correction, which re-anchors
the passages in it; imports go through archive.sources.importing.)
"""

import codecs
import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from archive.alignment import refresh_later
from archive.core.editing import create_object, delete_object, required_reason, update_object
from archive.core.text import direction_for_language, normalize_text
from archive.core.unit_of_work import unit_of_work
from archive.models import Derivation, Outlet, Source, UnarchivedOriginal, VersionOrigin, Workspace
from archive.models.source import NO_UNARCHIVED_ORIGINAL, UNARCHIVED_FIELDS, UNDESCRIBED_ORIGINAL
from archive.sources.importing import ImportRefused
from archive.sources.importing.capture import check_address
from archive.sources.importing.detect import MEDIA_TYPES, PLAIN_TEXT, TEXT_MEDIA_TYPES
from archive.sources.storage import store_original
from archive.sources.text_rules import check_text
from archive.sources.versions import record_version


@unit_of_work()
def create_source(
    *,
    workspace: Workspace,
    user: Any,
    title: str,
    text: str,
    language: str,
    original: bytes | None = None,
    media_type: str = PLAIN_TEXT,
    authors: list[str] | None = None,
    translators: list[str] | None = None,
    outlet: Outlet | None = None,
    original_url: str = "",
    published_on: datetime.date | None = None,
    direction: str | None = None,
    derived_from: Source | None = None,
    derivation: Derivation | str = "",
    unarchived_original: UnarchivedOriginal | None = None,
    reason: str = "",
    warc: bytes | None = None,
    fetched_at: datetime.datetime | None = None,
) -> Source:
    """Archive a document: keep its original bytes and its normalized text, as its version 1.

    Without `original`, the text itself as given (UTF-8, before normalizing) is the
    original, so its media type is a text one. A web capture gives its WARC record and when it was
    fetched. What it derives from is an archived source (`derived_from`) or an
    original that is not archived (`unarchived_original`), with its `derivation`.
    ValidationError names a media type the archive does not keep, or what is
    wrong with the text (archive.sources.text_rules), before anything is stored.
    """
    media_type = _checked_media_type(media_type, text_only=original is None)
    _check_addresses(
        {
            "original_url": original_url,
            "unarchived_url": unarchived_original.url if unarchived_original else "",
        }
    )
    given, text = text, normalize_text(text)
    check_text(text=text)
    # Without a file, the original is the text as it was given, before normalizing: its
    # SHA-256 is the one its sender can compute.
    name, digest = store_original(original if original is not None else given.encode("utf-8"))
    source = Source(
        workspace=workspace,
        title=title,
        text=text,
        language=language,
        direction=direction or direction_for_language(language),
        media_type=media_type,
        authors=authors or [],
        translators=translators or [],
        outlet=outlet,
        original_url=original_url,
        published_on=published_on,
        # A web capture's one instant: when its response arrived, as its WARC record and version 1 say.
        captured_at=fetched_at or timezone.now(),
        captured_by=user,
        original=name,
        original_sha256=digest,
        derived_from=derived_from,
        derivation=derivation,
        **(unarchived_original or UnarchivedOriginal()).fields(),
    )
    source = create_object(source, user=user, reason=reason)
    record_version(
        source=source,
        user=user,
        origin=VersionOrigin.IMPORT,
        text=source.text,
        warc=warc,
        # A version's address is where it was fetched from: a stated one was not, unless captured.
        url=original_url if warc is not None else "",
        captured_at=fetched_at or source.captured_at,
        reason=reason or ("version 1: captured" if warc is not None else "version 1: entered as text"),
    )
    if derived_from is not None:
        refresh_later(source_id=source.pk)
    return source


# A media type, with at most a charset (as a file's declared encoding may add).
_MEDIA_TYPE = re.compile(r"\s*([\w.+-]+/[\w.+-]+)\s*(?:;\s*charset=([\w.:-]+)\s*)?", re.ASCII | re.IGNORECASE)


def _checked_media_type(media_type: str, *, text_only: bool) -> str:
    # The original is served with this type: pasted text declared HTML or SVG would run as a page.
    match = _MEDIA_TYPE.fullmatch(media_type)
    if match is None or match[1].lower() not in MEDIA_TYPES:
        known = ", ".join(MEDIA_TYPES)
        problem = f"“{media_type}” is not a media type the archive keeps: one of {known}."
        raise ValidationError({"media_type": problem})
    essence, charset = match[1].lower(), match[2]
    if text_only and essence not in TEXT_MEDIA_TYPES:
        text = " or ".join(TEXT_MEDIA_TYPES)
        problem = f"A source without an original file is its text, so {text}, not {essence}."
        raise ValidationError({"media_type": problem})
    if text_only and charset and _codec(charset) != "utf-8":
        # Its original is its text in UTF-8, whatever encoding the text was once in: a text
        # given as JSON or typed is already Unicode, so another charset would be a false record.
        problem = (
            f"A source without an original file is kept as its text in UTF-8, so charset={charset} "
            "would be false: leave the charset out or give utf-8 (a file in another encoding is "
            "imported as the file, which keeps its bytes)."
        )
        raise ValidationError({"media_type": problem})
    return f"{essence}; charset={charset}" if charset else essence


def _codec(charset: str) -> str | None:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


# The addresses a source records: the page's own, and that of the original it derives from
# when that is not archived.
ADDRESS_FIELDS = ("original_url", "unarchived_url")


def _check_addresses(addresses: dict[str, object]) -> None:
    """Refuse, by field, an address no capture could take, as one given for a capture is at
    once, on every path: http(s) only, no user name or password, a valid port, no internal
    address. The network is not asked, so an original gone offline keeps its address.

    `original_url` is fetched again to watch the page (archive.monitoring). The address of an
    original that is not archived is never fetched, but it is where that original would be
    captured from once found, the key that joins two descriptions of it (archive.claims.graph),
    and it is shown and exported (PROV's location, evidence packages) for anyone to follow: a
    password in it would stay in the history for good, and an address no capture could take
    names no published page."""
    errors = {}
    for field, url in addresses.items():
        if not url or not isinstance(url, str):
            continue  # none, or not text: the model's own check says so
        try:
            check_address(url=url)
        except ImportRefused as refusal:
            errors[field] = refusal.message
    if errors:
        raise ValidationError(errors)


# What an edit of a source may change (its text: archive.passages.correction).
EDITABLE_FIELDS = frozenset(
    {"title", "authors", "translators", "outlet", "original_url", "published_on", "language", "direction"}
    | {"derived_from", "derivation", *UNARCHIVED_FIELDS}
)


RECORD_REASON_REQUIRED = "Say why the source's record changes: the reason is kept in the history."


def edit_source(
    source: Source, *, user: Any, expected_version: int | None, changes: dict[str, Any], reason: str
) -> Source:
    """Correct a source's metadata, saying why (a source's record is what its
    provenance rests on, on every path: page, API, admin); anything else is refused by name.

    `changes` may give `unarchived_original` (an UnarchivedOriginal, or None for none)
    in place of its fields. What the source derives from is one original, archived or
    not: a change that gives one replaces the other (see _one_original)."""
    reason = required_reason(reason, RECORD_REASON_REQUIRED)
    # An empty description is no description, not "none" (that is None): refused, whether
    # or not the source has one. (One with other details only, the model refuses.)
    empty = changes.get("unarchived_original") == UnarchivedOriginal()
    errors: dict[str, list[Any]] = {"unarchived_title": [UNDESCRIBED_ORIGINAL]} if empty else {}
    changes = _one_original(changes)
    # A stored address kept as it is does not stop an edit of the other fields. One refused
    # stays in the changes, so the rest is judged with it (an original's description is
    # not taken for one without its address) and every problem is said at once.
    given = {
        name: changes[name]
        for name in ADDRESS_FIELDS
        if name in changes and changes[name] != getattr(source, name)
    }
    try:
        _check_addresses(given)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    refused = ValidationError(errors) if errors else None
    source = update_object(
        source,
        user=user,
        expected_version=expected_version,
        changes=changes,
        editable=EDITABLE_FIELDS,
        reason=reason,
        refused=refused,
    )
    # A new derivation or language: the alignments it takes part in change.
    refresh_later(source_id=source.pk)
    return source


def _one_original(changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` with the original they leave out cleared when they give the other: the
    source derived from, once the original is archived, takes the place of its description
    (which the history keeps), and a description that of the link. Given both, they stay,
    for the model to refuse."""
    changes = dict(changes)
    if "unarchived_original" in changes:
        described = changes.pop("unarchived_original")
        changes |= described.fields() if described is not None else NO_UNARCHIVED_ORIGINAL
    describes = any(changes.get(name) for name in UNARCHIVED_FIELDS)
    if changes.get("derived_from") is not None and not any(name in changes for name in UNARCHIVED_FIELDS):
        changes |= NO_UNARCHIVED_ORIGINAL
    elif describes and "derived_from" not in changes:
        changes["derived_from"] = None
    return changes


def check_derivation(
    *,
    workspace: Workspace,
    derivation: Derivation | str,
    derived_from: Source | None = None,
    unarchived_original: UnarchivedOriginal | None = None,
) -> None:
    """Refuse (ValidationError) what a new source of `workspace` would be refused at its save
    for what it derives from, by the model's own rules: checked before a page is fetched or a
    batch of files is read, so that the refusal comes at once instead of after the work."""
    source = Source(
        workspace=workspace,
        derived_from=derived_from,
        derivation=derivation,
        **(unarchived_original or UnarchivedOriginal()).fields(),
    )
    checked = {"derivation", *UNARCHIVED_FIELDS}
    errors: dict[str, list[ValidationError]] = {}
    try:
        _check_addresses({"unarchived_url": source.unarchived_url})
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        source.clean_fields(
            exclude=[field.name for field in Source._meta.fields if field.name not in checked]
        )
        source.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


DERIVATION_REASON_REQUIRED = "Say why the derivation changes: the reason is kept in the history."


def set_derivation(
    *,
    source: Source,
    user: Any,
    derived_from: Source | None,
    derivation: Derivation | str,
    reason: str,
    unarchived_original: UnarchivedOriginal | None = None,
    expected_version: int | None = None,
) -> Source:
    """Link the source to the one it derives from: an archived source (`derived_from`)
    or an original that is not archived (`unarchived_original`, what is known of it),
    or unlink it (None, None and ""). The link set replaces the one before: linking
    the archived source clears the description of the original it is.

    The model refuses a link across workspaces, a cycle, both kinds of original at
    once, or a link without its kind; the change is in the source's history with
    `reason`, which it needs: a provenance link is evidence, and a changed one must say why.
    """
    reason = required_reason(
        reason, DERIVATION_REASON_REQUIRED
    )  # before edit_source's, to name the derivation
    linked = derived_from is not None or unarchived_original is not None
    changes = {
        "derived_from": derived_from,
        "unarchived_original": unarchived_original,
        "derivation": derivation if linked else "",
    }
    return edit_source(source, user=user, expected_version=expected_version, changes=changes, reason=reason)


@unit_of_work()
def delete_source(*, source: Source, user: Any, reason: str, expected_version: int | None = None) -> None:
    """Delete a source that nothing refers to any more (passages protect it)."""
    delete_object(source, user=user, reason=reason, expected_version=expected_version)
