"""What changed between two versions of an object: field by field, and word
by word for long text (source texts, annotation bodies, claim statements)."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher

from django.core.files.storage import default_storage
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import formats

from archive.core.graphemes import grapheme_bounds
from archive.core.times import human_time
from archive.models import SourceVersion, VersionOrigin
from archive.sources.originals import media_type_essence

# Bookkeeping that changes with every save: shown nowhere in diffs.
_NOT_SHOWN = {"id", "version", "created_at", "updated_at", "workspace"}
# Words, runs of spaces and single other characters: joined back they are the text.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
EMPTY = "—"


# Unchanged text longer than this is shortened to its ends in a diff.
CONTEXT = 240
# An edit keeping less than this share of the words of both values is shown as a rewrite.
KEPT_FOR_WORD_DIFF = 0.5
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Segment:
    """A run of text that is unchanged ("equal"), added ("insert"), removed
    ("delete"), or unchanged and left out ("skip", whose text says how much);
    or a rewritten value whole, as it was ("old") and as it is ("new")."""

    op: str
    text: str


@dataclass(frozen=True)
class Download:
    """Where a stored file can be downloaded: the original or WARC of a source's version."""

    source_id: int
    number: int
    part: str  # "original" or "warc"


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str
    words: list[Segment] | None = None
    """For long text, the diff from before to after as pages show it (shown_diff)."""
    before_download: Download | None = None
    after_download: Download | None = None
    """For a stored file, where the file it was (is) can be downloaded, if anywhere."""


def word_diff(before: str, after: str) -> list[Segment]:
    """The edit from `before` to `after` as unchanged, deleted and inserted runs of words.

    The common head and tail are set aside first, so a small edit in a long
    source text compares only the words around it.
    """
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    segments = [Segment("equal", "".join(old[:head]))]
    middle_old, middle_new = old[head : len(old) - tail], new[head : len(new) - tail]
    # Past a few thousand words, let difflib skip very common tokens (spaces,
    # "the") as anchors: a complete rewrite of a long text stays fast.
    matcher = SequenceMatcher(
        None, middle_old, middle_new, autojunk=len(middle_old) + len(middle_new) > 20_000
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            segments.append(Segment("delete", "".join(middle_old[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(Segment("insert", "".join(middle_new[j1:j2])))
        if op == "equal":
            segments.append(Segment("equal", "".join(middle_old[i1:i2])))
    segments.append(Segment("equal", "".join(old[len(old) - tail :])))
    return _merged([segment for segment in segments if segment.text])


def shown_diff(*, before: str, after: str) -> list[Segment]:
    """The edit from `before` to `after` as pages show it: word by word, or, when fewer
    than half the words of the two values are words kept, the whole of `before` ("old")
    and the whole of `after` ("new"): fragments of a rewrite interleaved read as neither."""
    segments = word_diff(before, after)
    counts = {"equal": 0, "delete": 0, "insert": 0}
    for segment in segments:
        counts[segment.op] += len(_WORD.findall(segment.text))
    kept = 2 * counts["equal"]  # once in each value
    words = kept + counts["delete"] + counts["insert"]
    if words and kept < KEPT_FOR_WORD_DIFF * words:
        return [Segment("old", before), Segment("new", after)]
    return segments


def condensed(segments: list[Segment], context: int = CONTEXT) -> list[Segment]:
    """The diff with long unchanged stretches cut to `context` characters around each change."""
    result = []
    for index, segment in enumerate(segments):
        keep_head = context if index > 0 else 0
        keep_tail = context if index < len(segments) - 1 else 0
        if segment.op != "equal" or len(segment.text) <= keep_head + keep_tail + context:
            result.append(segment)
            continue
        text = segment.text
        # Widened to whole clusters: a flag or a letter with its harakat is never cut in two.
        head_end = grapheme_bounds(text, 0, keep_head)[1]
        tail_start = grapheme_bounds(text, len(text) - keep_tail, len(text))[0]
        if keep_head:
            result.append(Segment("equal", text[:head_end]))
        result.append(Segment("skip", f"[… {tail_start - head_end:,} characters unchanged …]"))
        if keep_tail:
            result.append(Segment("equal", text[tail_start:]))
    return result


def _merged(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].op == segment.op:
            merged[-1] = Segment(segment.op, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


NameOf = Callable[[type[models.Model], int], str]
"""The name of a related object by model and id, e.g. passage “the quoted words”."""
DownloadOf = Callable[[str], Download | None]
"""Where a stored file, by its storage name, can be downloaded (None: nowhere)."""

# Media types by the names people know them by; another is shown as it is.
_MEDIA_TYPES = {
    "text/plain": "plain text",
    "text/markdown": "Markdown",
    "text/html": "HTML",
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
}
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []


@dataclass(frozen=True)
class StoredFile:
    """What is shown of a stored file in place of its storage name, an internal path."""

    sha256: str
    """Its SHA-256 ("" if neither its hash field nor its content-addressed name tells)."""
    size: int | None
    """Its size in bytes (None: gone from storage, or a storage that cannot tell)."""


def stored_file(field: models.Field, name: str, values: dict) -> StoredFile:
    """The stored file `name`, the value of `field` in a version whose fields are `values`."""
    sha256 = values.get(f"{field.attname}_sha256") or name.rsplit("/", 1)[-1]
    try:
        size: int | None = default_storage.size(name)
    except (OSError, NotImplementedError):
        size = None
    return StoredFile(sha256 if _SHA256.fullmatch(sha256) else "", size)


def _stored_file(field: models.Field, name: str, values: dict) -> str:
    """A stored file as a user knows it (what it is, its size, its hash), never its storage
    name, which is an internal path."""
    stored = stored_file(field, name, values)
    media_type = str(values.get("media_type") or "")
    kind = (
        "WARC record"
        if field.name == "warc"
        else _MEDIA_TYPES.get(media_type_essence(media_type), media_type)
    )
    size = filesizeformat(stored.size) if stored.size is not None else ""
    details = [kind, size, f"SHA-256 {stored.sha256[:12]}…" if stored.sha256 else ""]
    return ", ".join(["stored file", *(detail for detail in details if detail)])


def _display(
    field: models.Field, value: object, name_of: NameOf | None = None, values: dict | None = None
) -> str:
    if _empty(value):
        return EMPTY
    if isinstance(field, models.FileField):
        return _stored_file(field, str(value), values or {})
    if isinstance(value, datetime):
        return human_time(value)
    if isinstance(value, date):
        return formats.date_format(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        if name_of is not None and isinstance(value, int):
            return name_of(field.related_model, value)
        return f"{field.related_model._meta.verbose_name} #{value}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def shown_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields of `model` a diff shows, in declaration order."""
    return [field for field in model._meta.concrete_fields if field.name not in _NOT_SHOWN]


def _download(field: models.Field, value: object, download_of: DownloadOf | None) -> Download | None:
    if download_of is None or not isinstance(field, models.FileField) or _empty(value):
        return None
    return download_of(str(value))


def _label(model: type[models.Model], field: models.Field, values: dict) -> str:
    # A text correction's version was corrected, not captured, at its captured_at.
    if (
        issubclass(model, SourceVersion)
        and field.name in ("captured_at", "captured_by")
        and values.get("origin") == VersionOrigin.CORRECTION
    ):
        return "text corrected " + ("at" if field.name == "captured_at" else "by")
    return str(field.verbose_name)


def field_changes(
    model: type[models.Model],
    before: dict | None,
    after: dict,
    *,
    name_of: NameOf | None = None,
    download_of: DownloadOf | None = None,
) -> list[FieldChange]:
    """The differences between two versions of a `model` object, given as {attname: value}.

    `before` is None for the first version: every field that has a value is
    shown as added. A field empty before and after (None, "" or []) is no change,
    whichever empty it holds. Many-to-many fields are given as sets of ids under their name.
    Related objects are named by `name_of`, else by model and id ("passage #3"); stored
    files are described, with where `download_of` says they can be downloaded.
    """
    changes = []
    for field in shown_fields(model):
        old = before.get(field.attname) if before is not None else None
        new = after.get(field.attname)
        if old == new or (_empty(old) and _empty(new)):
            continue
        long_text = isinstance(field, models.TextField) and isinstance(old, str) and isinstance(new, str)
        shown_old = _display(field, old, name_of, before)
        shown_new = _display(field, new, name_of, after)
        if isinstance(old, datetime) and isinstance(new, datetime) and shown_old == shown_new:
            # Within the same minute: the seconds tell them apart.
            shown_old, shown_new = human_time(old, exact=True), human_time(new, exact=True)
        changes.append(
            FieldChange(
                name=field.name,
                label=_label(model, field, after),
                before=shown_old,
                after=shown_new,
                words=condensed(shown_diff(before=old, after=new)) if long_text and old and new else None,
                before_download=_download(field, old, download_of),
                after_download=_download(field, new, download_of),
            )
        )
    for field in model._meta.many_to_many:
        old = before.get(field.name, set()) if before is not None else set()
        new = after.get(field.name, set())
        if old != new:
            related = field.related_model
            label = related._meta.verbose_name

            def named(pk: int) -> str:
                return name_of(related, pk) if name_of is not None else f"{label} #{pk}"  # noqa: B023

            changes.append(
                FieldChange(
                    name=field.name,
                    label=str(field.verbose_name),
                    before=", ".join(named(pk) for pk in sorted(old)) or EMPTY,
                    after=", ".join(named(pk) for pk in sorted(new)) or EMPTY,
                )
            )
    return changes
