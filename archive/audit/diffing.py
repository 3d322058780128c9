"""What changed between two versions of an object: field by field, and word
by word for long text (source texts, annotation bodies, claim statements)."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db import models

from archive.core.graphemes import grapheme_bounds

# Bookkeeping that changes with every save: shown nowhere in diffs.
_NOT_SHOWN = {"id", "version", "created_at", "updated_at", "workspace"}
# Words, runs of spaces and single other characters: joined back they are the text.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
EMPTY = "—"


# Unchanged text longer than this is shortened to its ends in a diff.
CONTEXT = 240


@dataclass(frozen=True)
class Segment:
    """A run of text that is unchanged ("equal"), added ("insert"), removed
    ("delete"), or unchanged and left out ("skip", whose text says how much)."""

    op: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str
    words: list[Segment] | None = None
    """For long text, the word-level diff from before to after."""


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


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []


def _display(field: models.Field, value: object, name_of: NameOf | None = None) -> str:
    if _empty(value):
        return EMPTY
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


def field_changes(
    model: type[models.Model], before: dict | None, after: dict, *, name_of: NameOf | None = None
) -> list[FieldChange]:
    """The differences between two versions of a `model` object, given as {attname: value}.

    `before` is None for the first version: every field that has a value is
    shown as added. A field empty before and after (None, "" or []) is no change,
    whichever empty it holds. Many-to-many fields are given as sets of ids under their name.
    Related objects are named by `name_of`, else by model and id ("passage #3").
    """
    changes = []
    for field in shown_fields(model):
        old = before.get(field.attname) if before is not None else None
        new = after.get(field.attname)
        if old == new or (_empty(old) and _empty(new)):
            continue
        long_text = isinstance(field, models.TextField) and isinstance(old, str) and isinstance(new, str)
        changes.append(
            FieldChange(
                name=field.name,
                label=str(field.verbose_name),
                before=_display(field, old, name_of),
                after=_display(field, new, name_of),
                words=condensed(word_diff(old, new)) if long_text and old and new else None,
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
