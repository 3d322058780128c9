"""Storing a source's sentence alignment with the one it derives from, and keeping it
current: recomputed when the derivation or either text changes."""

import hashlib

from django.db import transaction
from django_tasks import task

from archive.alignment.texts import Link, align_texts
from archive.core.unit_of_work import unit_of_work
from archive.models import Alignment, Derivation, SentenceLink, Source

# Raise it when the algorithm changes: every stored alignment becomes stale.
ALGORITHM_VERSION = "1"
_SAME_TEXT_DERIVATIONS = {Derivation.REPUBLICATION, Derivation.EXCERPT}


def same_language(source: Source, counterpart: Source) -> bool:
    """A republication or excerpt repeats its original's words; otherwise compare languages."""
    if source.derivation in _SAME_TEXT_DERIVATIONS:
        return True
    return source.language.split("-")[0].lower() == counterpart.language.split("-")[0].lower()


def fingerprint(source: Source, counterpart: Source) -> str:
    parts = [
        ALGORITHM_VERSION,
        str(counterpart.pk),
        source.derivation,
        source.language,
        counterpart.language,
        source.text_sha256,
        counterpart.text_sha256,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@unit_of_work()
def align(*, source: Source) -> Alignment | None:
    """Align `source` sentence by sentence with what it derives from, replacing any
    stored alignment; None (and nothing stored) if it derives from nothing."""
    counterpart = source.derived_from
    Alignment.objects.filter(source=source).delete()
    if counterpart is None:
        return None
    links = align_texts(source.text, counterpart.text, same_language=same_language(source, counterpart))
    alignment = Alignment.objects.create(
        workspace_id=source.workspace_id,
        source=source,
        counterpart=counterpart,
        fingerprint=fingerprint(source, counterpart),
    )
    SentenceLink.objects.bulk_create(_row(alignment, link) for link in links)
    return alignment


def _row(alignment: Alignment, link: Link) -> SentenceLink:
    return SentenceLink(
        alignment=alignment,
        source_start=link.a_start,
        source_end=link.a_end,
        counterpart_start=link.b_start,
        counterpart_end=link.b_end,
        source_sentences=link.a_sentences,
        counterpart_sentences=link.b_sentences,
        confidence=link.confidence,
    )


def current_alignment(*, source: Source) -> Alignment | None:
    """The stored alignment of `source`, recomputed first if either text or the
    derivation changed since (or it was never computed)."""
    counterpart = source.derived_from
    if counterpart is None:
        return None
    stored = Alignment.objects.filter(source=source).first()
    if stored is not None and stored.fingerprint == fingerprint(source, counterpart):
        return stored
    return align(source=source)


def refresh_later(*, source_id: int) -> None:
    """Once the current transaction commits, bring up to date the alignments `source_id`
    takes part in: its own with what it derives from, and its derivatives'. Every write
    that changes a text, a derivation or a language calls this, and nothing else
    starts a recomputation."""
    transaction.on_commit(lambda: realign.enqueue(source_id))


@task()
def realign(source_id: int) -> None:
    """The recomputation as a background job: aligning a long pair takes seconds, which
    must not hold the request that changed it. Safe to run twice (stale ones only)."""
    source = Source.objects.filter(pk=source_id).first()
    if source is not None:
        refresh_alignments(source=source)


@unit_of_work()
def refresh_alignments(*, source: Source) -> list[Alignment]:
    """After `source`'s text, language or derivation changed: recompute its own alignment
    and its derivatives' where stale, and drop its own if it derives from nothing now."""
    source.refresh_from_db()
    aligned = []
    for each in [source, *source.derivatives.select_related("derived_from")]:
        if each.derived_from_id is None:
            Alignment.objects.filter(source=each).delete()
        elif alignment := current_alignment(source=each):
            aligned.append(alignment)
    return aligned


def links_of(alignment: Alignment) -> list[SentenceLink]:
    return list(alignment.links.order_by("source_start", "counterpart_start", "id"))
