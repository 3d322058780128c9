"""Keeping the search index current.

Every save and delete of a source, passage, annotation, claim or evidence
re-indexes what it affects, in the same transaction (archive.search.signals).
Code that writes without signals (QuerySet.update, bulk_create,
bulk_update, bulk_update_with_history, raw SQL) must call
`index_objects(objects=...)` afterwards with the objects it changed,
created or deleted (deleted objects only need their primary key), or
`index_workspace(workspace=...)` after loading a whole workspace.

A document is rewritten only when what it would hold changed (its digest),
so re-indexing an unchanged object costs a read, not a write.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from archive.core.db import prefetched, upsert_rows
from archive.core.unit_of_work import defer
from archive.models import (
    Annotation,
    Claim,
    Evidence,
    Passage,
    SearchDocument,
    SearchKind,
    Source,
    Workspace,
)
from archive.search.backends import get_backend, stemmed_languages
from archive.search.normalize import (
    fold,
    guess_language,
    index_stems,
    is_spelled_word,
    primary_language,
    tokens,
)

# Longer texts are indexed up to here (PostgreSQL's tsvector holds at most 1 MB).
MAX_INDEXED_CHARS = 1_000_000
# And up to where their tsvector would be this big (_vector_bytes), below that 1 MB.
MAX_VECTOR_BYTES = 1_000_000
_MAX_PLACES = 16_384  # PostgreSQL counts the places of the words up to here
_DOCUMENT_FIELDS = [
    "workspace_id", "source_id", "outlet_id", "language", "date", "tags", "stances", "review_status",
    "author_id", "head", "body", "stems",
]  # fmt: skip
_BATCH_SIZE = 500


def _bars(values: Iterable[str]) -> str:
    """Joined as "|a|b|", so that a `contains` lookup finds a whole value."""
    values = sorted({value for value in values if value})
    return "|" + "|".join(values) + "|" if values else ""


def _vector_bytes(head_words: list[str], body_words: list[str], stems: str) -> int:
    """About how big PostgreSQL's tsvector of these is, rather more than less:
    each distinct word with 7 bytes of its own, and 2 for each place one
    stands (PostgreSQL counts places up to 16,383)."""
    distinct = set(head_words).union(body_words, stems.split())
    places = min(len(head_words), _MAX_PLACES) + min(len(body_words), _MAX_PLACES) + len(distinct)
    return 8 + sum(len(word.encode()) + 7 for word in distinct) + 2 * places


def _document(
    *, kind: str, object_id: int, head: str, body: str, stem_language: str, **fields
) -> SearchDocument:
    head_words, body_words = tokens(head[:MAX_INDEXED_CHARS]), tokens(body[:MAX_INDEXED_CHARS])
    stems = index_stems(head_words + body_words, stem_language)
    # Chinese and Japanese pairs are many and mostly distinct: PostgreSQL would
    # refuse the vector of a text of them long before MAX_INDEXED_CHARS (near
    # 150,000 characters), and with it the save. Its words are indexed up to
    # where the vector fits, on both databases alike.
    # The head too, once the body is all gone: a source's names are many words (and refused
    # past a hundred names, but an import may bring older rows).
    while (size := _vector_bytes(head_words, body_words, stems)) > MAX_VECTOR_BYTES and (
        body_words or head_words
    ):
        keep = min(0.9, MAX_VECTOR_BYTES / size)
        if body_words:
            body_words = body_words[: int(len(body_words) * keep)]
        else:
            head_words = head_words[: int(len(head_words) * keep)]
        stems = index_stems(head_words + body_words, stem_language)
    document = SearchDocument(
        kind=kind,
        object_id=object_id,
        head=" ".join(head_words),
        body=" ".join(body_words),
        stems=stems,
        **fields,
    )
    document.digest = hashlib.sha256(
        repr([getattr(document, field) for field in _DOCUMENT_FIELDS]).encode()
    ).hexdigest()
    return document


def _source_fields(outlet_id, language, published_on) -> dict:
    """What passages and annotations copy from their source."""
    return {"outlet_id": outlet_id, "language": primary_language(language), "date": published_on}


def _sources(ids: set[int]) -> list[SearchDocument]:
    rows = Source.objects.filter(pk__in=ids).values(
        "pk",
        "workspace_id",
        "title",
        "authors",
        "translators",
        "unarchived_title",
        "text",
        "outlet_id",
        "language",
        "published_on",
        "captured_by_id",
    )
    return [
        _document(
            kind=SearchKind.SOURCE,
            object_id=row["pk"],
            # The title of an original that is not archived finds the source that records it.
            head=" ".join(
                [
                    row["title"],
                    *map(str, row["authors"]),
                    *map(str, row["translators"]),
                    row["unarchived_title"],
                ]
            ),
            body=row["text"],
            stem_language=primary_language(row["language"]),
            workspace_id=row["workspace_id"],
            source_id=row["pk"],
            author_id=row["captured_by_id"],
            **_source_fields(row["outlet_id"], row["language"], row["published_on"]),
        )
        for row in rows
    ]


def _stances(evidence, key: str) -> dict[int, list[str]]:
    stances = defaultdict(list)
    for owner, stance in evidence.values_list(key, "stance"):
        stances[owner].append(stance)
    return stances


def _passages(ids: set[int]) -> list[SearchDocument]:
    rows = Passage.objects.filter(pk__in=ids).values(
        "pk", "workspace_id", "exact", "source_id", "created_by_id",
        "source__outlet_id", "source__language", "source__published_on",
    )  # fmt: skip
    stances = _stances(Evidence.objects.filter(passage_id__in=ids), "passage_id")
    return [
        _document(
            kind=SearchKind.PASSAGE,
            object_id=row["pk"],
            head="",
            body=row["exact"],
            stem_language=primary_language(row["source__language"]),
            workspace_id=row["workspace_id"],
            source_id=row["source_id"],
            stances=_bars(stances[row["pk"]]),
            author_id=row["created_by_id"],
            **_source_fields(row["source__outlet_id"], row["source__language"], row["source__published_on"]),
        )
        for row in rows
    ]


def _tags(tags: list) -> str:
    return _bars(fold(str(tag)).strip() for tag in tags)


_ANNOTATION_FIELDS = ("workspace_id", "body", "tags", "review_status", "author_id")


def _annotation_as_written(annotation: Annotation) -> dict:
    """The fields `_annotations` reads, from an annotation just saved: as read back
    (JSON through JSON, choices as their text), and its first source's fields
    (`first_source`) where its passages came with their sources."""
    values = {name: getattr(annotation, name) for name in _ANNOTATION_FIELDS}
    passages = prefetched(annotation, "passages")
    if passages and all(Passage.source.is_cached(passage) for passage in passages):
        source = min(passages, key=lambda passage: passage.pk).source
        values["first_source"] = {
            "source_id": source.pk,
            **_source_fields(source.outlet_id, source.language, source.published_on),
        }
    return values | {
        "pk": annotation.pk,
        "body": str(values["body"]),
        "tags": json.loads(json.dumps(values["tags"])),
        "review_status": str(values["review_status"]),
    }


def _annotations(ids: set[int], written: dict[int, dict]) -> list[SearchDocument]:
    """Documents of these annotations; those in `written` (id -> the fields just
    saved, see _annotation_as_written) are not read again."""
    unread = ids.difference(written)
    rows = [written[pk] for pk in ids if pk in written]
    if unread:
        rows += Annotation.objects.filter(pk__in=unread).values("pk", *_ANNOTATION_FIELDS)
    # An annotation is filed under the source of its first passage (lowest id).
    first_source = {row["pk"]: row["first_source"] for row in rows if "first_source" in row}
    if unknown := ids.difference(first_source):
        links = (
            Annotation.passages.through.objects.filter(annotation_id__in=unknown)
            .order_by("-passage_id")
            .values_list(
                "annotation_id", "passage__source_id", "passage__source__outlet_id",
                "passage__source__language", "passage__source__published_on",
            )
        )  # fmt: skip
        for annotation_id, source_id, outlet_id, language, published_on in links:
            first_source[annotation_id] = {
                "source_id": source_id,
                **_source_fields(outlet_id, language, published_on),
            }
    return [
        _document(
            kind=SearchKind.ANNOTATION,
            object_id=row["pk"],
            head=" ".join(map(str, row["tags"])),
            body=row["body"],
            stem_language=guess_language(row["body"]),
            workspace_id=row["workspace_id"],
            tags=_tags(row["tags"]),
            review_status=row["review_status"],
            author_id=row["author_id"],
            **first_source.get(row["pk"], {}),
        )
        for row in rows
    ]


def _claims(ids: set[int]) -> list[SearchDocument]:
    rows = Claim.objects.filter(pk__in=ids).values(
        "pk", "workspace_id", "statement", "credibility_reason", "tags", "review_status", "created_by_id",
        "created_at",
    )  # fmt: skip
    stances, notes = defaultdict(list), defaultdict(list)
    for claim_id, stance, note in Evidence.objects.filter(claim_id__in=ids).values_list(
        "claim_id", "stance", "note"
    ):
        stances[claim_id].append(stance)
        notes[claim_id].append(note)
    return [
        _document(
            kind=SearchKind.CLAIM,
            object_id=row["pk"],
            # The statement and tags rank above the reasoning and the evidence notes.
            head=" ".join([row["statement"], *map(str, row["tags"])]),
            body="\n".join([row["credibility_reason"], *notes[row["pk"]]]),
            stem_language=guess_language(row["statement"]),
            workspace_id=row["workspace_id"],
            date=timezone.localdate(row["created_at"]),
            tags=_tags(row["tags"]),
            stances=_bars(stances[row["pk"]]),
            review_status=row["review_status"],
            author_id=row["created_by_id"],
        )
        for row in rows
    ]


_BUILDERS: dict[str, Callable[[set[int]], list[SearchDocument]]] = {
    SearchKind.SOURCE: _sources,
    SearchKind.PASSAGE: _passages,
    SearchKind.CLAIM: _claims,
}
_KINDS: list[tuple[type[Source | Passage | Annotation | Claim], str]] = [
    (Source, SearchKind.SOURCE),
    (Passage, SearchKind.PASSAGE),
    (Annotation, SearchKind.ANNOTATION),
    (Claim, SearchKind.CLAIM),
]


def _words_for_suggestions(documents: list[SearchDocument]) -> dict[int, set[str]]:
    words: defaultdict[int, set[str]] = defaultdict(set)
    for document in documents:
        words[document.workspace_id].update(
            word for word in f"{document.head} {document.body}".split() if is_spelled_word(word)
        )
    return words


def index_kind(
    *,
    kind: str,
    ids: Iterable[int],
    known: dict[int, str] | None = None,
    new: Iterable[int] = (),
    written: dict[int, dict] | None = None,
) -> None:
    """Bring the documents of these objects of one kind up to date.

    `known` (object id -> digest) may give the documents already indexed, so
    a full rebuild need not look them up; `new` names objects of `ids` created
    in this transaction, which have none yet; `written` gives the fields of
    annotations of `ids` just created, which need not be read again.
    """
    ids = set(ids)
    if not ids:
        return
    if known is None:
        existing = ids.difference(new)
        known = (
            dict(
                SearchDocument.objects.filter(kind=kind, object_id__in=existing).values_list(
                    "object_id", "digest"
                )
            )
            if existing
            else {}
        )
    documents = _annotations(ids, written or {}) if kind == SearchKind.ANNOTATION else _BUILDERS[kind](ids)
    changed = [document for document in documents if known.get(document.object_id) != document.digest]
    gone = set(known) - {document.object_id for document in documents}
    if gone:
        SearchDocument.objects.filter(kind=kind, object_id__in=gone).delete()
    if not changed:
        return
    moved = _sources_with_new_filters(changed) if kind == SearchKind.SOURCE else set()
    upsert_rows(
        SearchDocument,
        changed,
        unique_fields=["kind", "object_id"],
        update_fields=[*_DOCUMENT_FIELDS, "digest"],
    )
    if kind == SearchKind.SOURCE:
        stemmed_languages.indexed(document.language for document in changed)
    backend = get_backend()
    if backend.suggests:
        backend.record_words(_words_for_suggestions(changed))
    if moved:
        # Passages and annotations carry their source's outlet, language and date.
        index_kind(
            kind=SearchKind.PASSAGE,
            ids=Passage.objects.filter(source_id__in=moved).values_list("pk", flat=True),
        )
        index_kind(
            kind=SearchKind.ANNOTATION,
            ids=Annotation.objects.filter(passages__source_id__in=moved)
            .values_list("pk", flat=True)
            .distinct(),
        )


def _sources_with_new_filters(documents: list[SearchDocument]) -> set[int]:
    before = {
        object_id: (outlet_id, language, date)
        for object_id, outlet_id, language, date in SearchDocument.objects.filter(
            kind=SearchKind.SOURCE, object_id__in=[document.object_id for document in documents]
        ).values_list("object_id", "outlet_id", "language", "date")
    }
    return {
        document.object_id
        for document in documents
        if document.object_id in before
        and before[document.object_id] != (document.outlet_id, document.language, document.date)
    }


# A document to bring up to date: its kind, its object's id, and, if the object was
# created in this transaction (so has no document yet), what it was created with
# (the fields the document needs, when they are known; else an empty dict), or None.
_Key = tuple[str, int, dict | None]


def _keys(objects: Iterable[Model], *, created: bool = False) -> Iterator[_Key]:
    """The documents these objects affect (`created`: the objects are new)."""
    for obj in objects:
        if isinstance(obj, Evidence):  # its claim and passage are not new
            yield SearchKind.CLAIM, obj.claim_id, None
            yield SearchKind.PASSAGE, obj.passage_id, None
            continue
        kind = next((kind for model, kind in _KINDS if isinstance(obj, model)), None)
        if kind is None:
            raise TypeError(f"{type(obj).__name__} is not searchable.")
        written = (_annotation_as_written(obj) if isinstance(obj, Annotation) else {}) if created else None
        yield kind, obj.pk, written


def _index_keys(keys: Iterable[_Key]) -> None:
    ids: dict[str, set[int]] = defaultdict(set)
    # Taken as created only if every change to it in the unit was its creation: one
    # created then edited or deleted is read, and its document looked up.
    created: dict[str, dict[int, dict | None]] = defaultdict(dict)
    for kind, object_id, written in keys:
        ids[kind].add(object_id)
        before = created[kind].get(object_id, {})
        created[kind][object_id] = written if before is not None and written is not None else None
    for _, kind in _KINDS:
        new = {pk: written for pk, written in created[kind].items() if written is not None}
        index_kind(kind=kind, ids=ids[kind], new=new, written={pk: w for pk, w in new.items() if w})


def index_objects(*, objects: Iterable[Model]) -> None:
    """Bring the index up to date for these sources, passages, annotations,
    claims and evidence (evidence: its claim and passage), whether they were
    created, changed or deleted. Runs in the caller's transaction."""
    _index_keys(_keys(objects))


def index_later(
    *, objects: Iterable[Model] = (), kind: str = "", ids: Iterable[int] = (), created: bool = False
) -> None:
    """index_objects(objects=...), or index_kind(kind=..., ids=...), at the end of
    the current unit of work (archive.core.unit_of_work), once per document however
    often the unit changed it; outside a unit, now. Ids are taken now: a
    deleted object has none by the end of the unit. `created`: the objects were
    just created (their documents need not be looked up)."""
    defer(_index_keys, *_keys(objects, created=created), *((kind, object_id, None) for object_id in ids))


def index_workspace(*, workspace: Workspace) -> None:
    """Index everything of one workspace, e.g. after importing it in bulk."""
    for model, kind in _KINDS:
        ids = list(model.objects.filter(workspace=workspace).values_list("pk", flat=True))
        for first in range(0, len(ids), _BATCH_SIZE):
            index_kind(kind=kind, ids=ids[first : first + _BATCH_SIZE])


@transaction.atomic
def rebuild_index(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Empty the index and index everything again; returns how many objects.

    One transaction: searches meanwhile see the old index until it commits.
    `progress(done, total)` is called after every batch.
    """
    get_backend().clear()
    total = sum(model.objects.count() for model, _ in _KINDS)
    done = 0
    for model, kind in _KINDS:
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for first in range(0, len(ids), _BATCH_SIZE):
            batch = ids[first : first + _BATCH_SIZE]
            index_kind(kind=kind, ids=batch, known={})
            done += len(batch)
            if progress:
                progress(done, total)
    return done
