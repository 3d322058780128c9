"""The search index follows every write: saves, deletes, reverts, bulk
re-anchoring (through index_objects) and full rebuilds."""

import random
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.claims import create_annotation, edit_item
from archive.core.editing import delete_object
from archive.models import (
    Annotation,
    Passage,
    Role,
    SearchDocument,
    SearchTerm,
    Source,
    Stance,
    UnarchivedOriginal,
)
from archive.search import SearchFilters, index_objects, index_workspace, rebuild_index, search
from archive.sources.writes import edit_source, set_derivation
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
    UserFactory,
)
from tests.support import reverted


def found(user, query: str, **options) -> dict[str, list]:
    """The objects matching `query`, by kind."""
    return {
        group.kind: [hit.object for hit in group.hits]
        for group in search(user=user, query=query, **options).kinds
    }


def test_a_new_source_is_found_at_once(analyst, workspace):
    source = SourceFactory(workspace=workspace, text="The Castello road was cut.")
    assert found(analyst, "castello")["source"] == [source]


def test_an_edited_claim_is_found_by_its_new_words_only(analyst, workspace):
    claim = ClaimFactory(workspace=workspace, statement="The siege began in July.")
    edit_item(
        claim, user=analyst, expected_version=claim.version, changes={"statement": "The blockade began."}
    )
    assert found(analyst, "siege")["claim"] == []
    assert found(analyst, "blockade")["claim"] == [claim]


def test_a_deleted_passage_is_no_longer_found(analyst, source):
    passage = PassageFactory(source=source, start=0, length=7)
    delete_object(passage, user=analyst, reason="duplicate")
    assert found(analyst, "russian")["passage"] == []


def test_a_reverted_claim_is_found_by_its_old_words(reviewer, workspace):
    claim = ClaimFactory(workspace=workspace, statement="The siege began in July.")
    first = claim.history.get().history_id
    claim = edit_item(
        claim, user=reviewer, expected_version=claim.version, changes={"statement": "Blockade."}
    )
    reverted(claim, history_id=first, user=reviewer, reason="wrong")
    assert found(reviewer, "siege")["claim"] == [claim]


def test_a_deleted_claim_brought_back_is_found_again(reviewer, workspace):
    claim = ClaimFactory(workspace=workspace, statement="The siege began in July.")
    pk, last = claim.pk, claim.history.get().history_id
    delete_object(claim, user=reviewer, reason="mistake")
    reverted(claim, history_id=last, user=reviewer, reason="undo")
    assert [claim.pk for claim in found(reviewer, "siege")["claim"]] == [pk]


def test_bulk_reanchored_passages_are_found_after_index_objects(analyst, workspace):
    """What re-anchoring does: bulk_update (no signals), then index_objects."""
    source = SourceFactory(workspace=workspace, text="Strikes reached 120 a week. Later 130 a week.")
    passage = PassageFactory(source=source, start=16, length=10)
    passage.start, passage.end, passage.exact = 34, 44, "130 a week"
    Passage.objects.bulk_update([passage], ["start", "end", "exact"])
    assert found(analyst, '"120 a week"')["passage"] == [passage]  # not yet
    index_objects(objects=[passage])
    assert found(analyst, '"120 a week"')["passage"] == []
    assert found(analyst, '"130 a week"')["passage"] == [passage]


def test_index_objects_forgets_objects_deleted_in_bulk(analyst, source):
    passage = PassageFactory(source=source, start=0, length=7)
    Passage.objects.filter(pk=passage.pk)._raw_delete(using="default")  # no signals
    index_objects(objects=[passage])
    assert not SearchDocument.objects.filter(kind="passage", object_id=passage.pk).exists()


def test_index_workspace_indexes_what_was_loaded_in_bulk(analyst, workspace):
    source = Source.objects.bulk_create(
        [Source(workspace=workspace, title="Bulk", text="Castello road.", language="en")]
    )[0]
    assert found(analyst, "castello")["source"] == []
    index_workspace(workspace=workspace)
    assert found(analyst, "castello")["source"] == [source]


def test_index_objects_refuses_what_is_not_searchable(workspace):
    with pytest.raises(TypeError):
        index_objects(objects=[workspace])


def test_new_evidence_gives_its_claim_and_passage_a_stance(analyst, source):
    claim = ClaimFactory(workspace=source.workspace, statement="Airstrikes reached 120 a week.")
    passage = PassageFactory(source=source, start=0, length=7)
    EvidenceFactory(claim=claim, passage=passage, stance=Stance.REFUTES)
    refuting = found(analyst, "russian OR airstrikes", filters=SearchFilters(stance=Stance.REFUTES))
    assert (refuting["claim"], refuting["passage"]) == ([claim], [passage])


def test_a_source_moved_to_another_outlet_takes_its_passages_along(analyst, source):
    passage = PassageFactory(source=source, start=0, length=7)
    outlet = OutletFactory(workspace=source.workspace)
    edit_source(
        source, user=analyst, expected_version=source.version, changes={"outlet": outlet}, reason="Moved"
    )
    assert found(analyst, "russian", filters=SearchFilters(outlet=outlet))["passage"] == [passage]


def test_an_annotation_is_filed_under_its_passages_source(analyst, source):
    outlet = OutletFactory(workspace=source.workspace)
    source.outlet = outlet
    source.save()
    annotation = AnnotationFactory(workspace=source.workspace, body="Check the figure.")
    annotation.passages.add(PassageFactory(source=source, start=0, length=7))
    assert found(analyst, "figure", filters=SearchFilters(outlet=outlet))["annotation"] == [annotation]


def test_saving_an_unchanged_object_writes_nothing_to_the_index(source):
    with CaptureQueriesContext(connection) as queries:
        source.save()
    writes = [q["sql"] for q in queries if "searchdocument" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == []


def test_rebuild_restores_the_index(analyst, source):
    SearchDocument.objects.all().delete()
    assert rebuild_index() == 1
    assert found(analyst, "russian")["source"] == [source]


def test_the_rebuild_command_shows_progress(source):
    output = StringIO()
    call_command("rebuild_search_index", stdout=output)
    assert "[##############################] 1/1 100%" in output.getvalue()
    assert "Indexed 1 objects" in output.getvalue()


def test_a_member_added_later_finds_what_was_indexed_before(workspace, source):
    from tests.factories import MembershipFactory

    newcomer = MembershipFactory(workspace=workspace, role=Role.REVIEWER, user=UserFactory()).user
    assert found(newcomer, "russian")["source"] == [source]


def test_chinese_pairs_are_not_kept_as_words_for_suggestions(workspace):
    SourceFactory(workspace=workspace, title="Reuters", language="zh", text="叙利亚供水站因炮击停止运转。")
    words = SearchTerm.objects.filter(workspace=workspace).values_list("word", flat=True)
    assert sorted(words) == ["reuters"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's tsvector holds at most 1 MB")
def test_a_long_chinese_source_is_indexed_as_far_as_postgresql_can_hold_it(analyst, workspace):
    characters = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    clauses = ("".join(random.Random(n).choices(characters, k=10)) for n in range(40_000))
    text = "、".join(["供水站因炮击停止运转", *clauses])  # 440,000 characters
    source = SourceFactory(workspace=workspace, language="zh", text=text)
    assert found(analyst, "供水站")["source"] == [source]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 triggers")
def test_the_fts5_triggers_exist(db):
    """A migration that alters archive_searchdocument on SQLite drops them: it must create them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'archive_search_fts%'"
        )
        assert sorted(row[0] for row in cursor.fetchall()) == [
            "archive_search_fts_delete",
            "archive_search_fts_insert",
            "archive_search_fts_update",
        ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's tsvector")
def test_the_search_vector_is_generated_and_indexed(source):
    with connection.cursor() as cursor:
        cursor.execute("SELECT vector::text FROM archive_searchdocument WHERE object_id = %s", [source.pk])
        assert re.search(r"'russian':\d+B", cursor.fetchone()[0])  # a word of the body, weight B
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'searchdocument_vector'")
        assert "USING gin (vector)" in cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage")
def test_a_long_texts_words_are_stored_uncompressed_for_phrase_checks(workspace):
    source = SourceFactory(workspace=workspace, text=" ".join(f"word{n}" for n in range(2000)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(body), octet_length(body) FROM archive_searchdocument "
            "WHERE kind = 'source' AND object_id = %s",
            [source.pk],
        )
        assert cursor.fetchone() == (None, len(source.text))


def test_a_new_annotation_is_indexed_from_what_was_written_as_a_rebuild_would_index_it(analyst, source):
    """The document of an annotation just created is built without reading it again:
    indexing it afterwards from the database finds nothing to rewrite."""
    passage = PassageFactory(source=source)
    annotation = create_annotation(
        passages=[passage], user=analyst, body="Ḁ́ shelling\r\nat six «ok»", tags=["حلب", "Night raid"]
    )
    document = SearchDocument.objects.get(kind="annotation", object_id=annotation.pk)
    assert (document.tags, document.source_id, document.review_status) == (
        "|night raid|حلب|",
        source.pk,
        "draft",
    )
    table = SearchDocument._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        index_objects(objects=[annotation])
    assert not [q for q in queries if table in q["sql"] and not q["sql"].startswith("SELECT")]


def test_a_new_annotation_on_passages_held_with_their_sources_is_filed_as_a_rebuild_would_file_it(
    analyst, workspace
):
    """Its passages' sources come from the passages given, not from a read of its links."""
    english, arabic = (
        PassageFactory(
            source=SourceFactory(workspace=workspace, outlet=OutletFactory(workspace=workspace), language=tag)
        )
        for tag in ("en-GB", "ar")
    )
    held = list(Passage.objects.select_related("source").filter(pk__in=[english.pk, arabic.pk]))
    held.sort(key=lambda passage: passage.pk, reverse=True)  # the Arabic one, made later, first
    links = Annotation.passages.through._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        annotation = create_annotation(passages=held, user=analyst, body="Two accounts of the shelling")
    assert not [q for q in queries if q["sql"].startswith("SELECT") and links in q["sql"]]
    document = SearchDocument.objects.get(kind="annotation", object_id=annotation.pk)
    first = english.source  # the lowest passage id's
    assert (document.source_id, document.outlet_id, document.language) == (first.pk, first.outlet_id, "en")
    table = SearchDocument._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        index_objects(objects=[annotation])
    assert not [q for q in queries if table in q["sql"] and not q["sql"].startswith("SELECT")]


def test_a_source_is_found_by_the_title_of_its_original_that_is_not_archived(analyst, ws_admin, workspace):
    source = SourceFactory(workspace=workspace, title="Water returns", text="The station pumps again.")
    set_derivation(
        source=source,
        user=ws_admin,
        derived_from=None,
        derivation="translation",
        reason="the Arabic original is offline",
        unarchived_original=UnarchivedOriginal(title="عودة المياه إلى درعا", language="ar"),
    )
    assert found(analyst, "درعا")["source"] == [source]
