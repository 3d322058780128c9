"""The hash-chained ledger: one entry per history row, in one chain per
workspace, and verification that catches tampering done in raw SQL."""

import zoneinfo
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import pairwise

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models import DecimalField, ProtectedError
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from archive.audit import ledger
from archive.audit.ledger import (
    ENTRY_FIELDS,
    LATER_COLUMNS,
    Unpredictable,
    as_stored,
    backfill,
    canonical_json,
    chain_head,
    live_ledger,
    verified_in_database,
    verify_workspace,
)
from archive.claims import add_evidence, create_annotation, create_claim, edit_item
from archive.core.attribution import recorded_as
from archive.core.editing import delete_object
from archive.core.unit_of_work import unit_of_work
from archive.models import (
    Annotation,
    Claim,
    HistoryAction,
    HistoryChain,
    HistoryEntry,
    Passage,
    SearchDocument,
)
from archive.models.audit import GENESIS_HASH
from tests.factories import (
    CaptureFactory,
    ClaimFactory,
    MembershipFactory,
    PassageFactory,
    SourceFactory,
    UserFactory,
    WorkspaceFactory,
)


def entries(workspace) -> list[HistoryEntry]:
    return list(HistoryEntry.objects.filter(workspace=workspace).order_by("sequence"))


def test_every_history_row_gets_one_entry_in_its_workspace_chain(workspace, analyst):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    edit_item(claim, user=analyst, expected_version=1, changes={"statement": "120 airstrikes a week."})
    claim_entries = [e for e in entries(workspace) if e.model == "claim"]
    assert [(e.action, e.user, e.object_id) for e in claim_entries] == [
        (HistoryAction.CREATED, analyst, claim.pk),
        (HistoryAction.CHANGED, analyst, claim.pk),
    ]
    assert {e.history_id for e in claim_entries} == set(claim.history.values_list("history_id", flat=True))


def test_sequence_numbers_count_up_from_one_and_each_entry_links_to_the_previous(workspace, analyst):
    ClaimFactory(workspace=workspace)
    chain = entries(workspace)
    assert [e.sequence for e in chain] == list(range(1, len(chain) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(chain))


def test_workspace_and_membership_history_belong_to_the_workspace_chain(workspace, analyst):
    assert [e.model for e in entries(workspace)][:2] == ["workspace", "membership"]


def test_chains_of_two_workspaces_are_independent(workspace):
    other = WorkspaceFactory()
    ClaimFactory(workspace=other)
    assert [e.sequence for e in entries(other)] == [1, 2]
    assert [e.sequence for e in entries(workspace)] == [1]


def test_entry_keeps_reason_and_links_to_source_and_claim(workspace, analyst, source):
    passage = PassageFactory(source=source)
    claim = ClaimFactory(workspace=workspace)
    with recorded_as(user=analyst, reason="cited by the UN report"):
        create_annotation(passages=[passage], user=analyst, body="See the UN report.")
        add_evidence(claim=claim, passage=passage, user=analyst, stance="supports")
    evidence_entry = HistoryEntry.objects.get(model="evidence")
    annotation_entry = HistoryEntry.objects.filter(model="annotation").last()
    assert (evidence_entry.source_id, evidence_entry.claim_id) == (source.pk, claim.pk)
    assert annotation_entry.source_id == source.pk
    assert annotation_entry.reason == "cited by the UN report"


def test_a_new_annotations_entry_takes_its_source_from_the_passages_given(workspace, analyst):
    """The passages' sources are known: their history is not read for them."""
    passages = [PassageFactory(source=SourceFactory(workspace=workspace)) for _ in range(2)]
    with CaptureQueriesContext(connection) as queries:
        annotation = create_annotation(passages=passages[::-1], user=analyst, body="Two accounts.")
    entry = HistoryEntry.objects.get(model="annotation", object_id=annotation.pk)
    assert entry.source_id == passages[0].source_id  # the lowest passage's, though given second
    passage_history = Passage.history.model._meta.db_table
    assert not [q for q in queries if q["sql"].startswith("SELECT") and passage_history in q["sql"]]


def test_an_annotation_on_two_sources_is_under_the_same_source_in_the_feed_and_in_search(workspace, analyst):
    """Its entries (created, then edited: read back from history) and its search document agree."""
    passages = [PassageFactory(source=SourceFactory(workspace=workspace)) for _ in range(2)]
    annotation = create_annotation(passages=passages[::-1], user=analyst, body="Two accounts.")
    edit_item(annotation, user=analyst, expected_version=1, changes={"body": "Two accounts, one place."})
    document = SearchDocument.objects.get(kind="annotation", object_id=annotation.pk)
    sources = HistoryEntry.objects.filter(model="annotation", object_id=annotation.pk).values_list(
        "source_id"
    )
    assert set(sources) == {(document.source_id,)} == {(passages[0].source_id,)}


def test_recorded_as_names_the_action_and_inner_blocks_keep_it(workspace, ws_admin):
    claim = ClaimFactory(workspace=workspace)
    with recorded_as(user=ws_admin, reason="back to the original", action=HistoryAction.REVERTED):
        edit_item(claim, user=ws_admin, expected_version=1, changes={"statement": "Restored."})
    assert HistoryEntry.objects.filter(model="claim").last().action == HistoryAction.REVERTED


def test_bulk_history_writes_enter_the_ledger_with_user_and_reason(workspace, analyst):
    with recorded_as(user=analyst, reason="bulk import", action=HistoryAction.CREATED):
        claims = bulk_create_with_history(
            [Claim(workspace=workspace, statement=f"Claim {n}") for n in range(3)], Claim
        )
    for claim in claims:
        claim.status = "disputed"
    with recorded_as(user=analyst, reason="bulk regrade", action=HistoryAction.REANCHORED):
        bulk_update_with_history(claims, Claim, ["status"])
    claim_entries = [e for e in entries(workspace) if e.model == "claim"]
    assert [(e.action, e.reason, e.user) for e in claim_entries] == [
        *[(HistoryAction.CREATED, "bulk import", analyst)] * 3,
        *[(HistoryAction.REANCHORED, "bulk regrade", analyst)] * 3,
    ]
    assert verify_workspace(workspace.pk).ok


def test_bulk_history_create_called_directly_is_chained_too(workspace, source, analyst):
    passage = PassageFactory(source=source)
    Passage.history.bulk_history_create([passage], update=True, default_user=analyst)
    assert HistoryEntry.objects.filter(model="passage", object_id=passage.pk).count() == 2
    assert verify_workspace(workspace.pk).ok


def test_users_with_history_cannot_be_deleted(workspace, analyst):
    ClaimFactory(workspace=workspace, created_by=analyst)
    create_claim(workspace=workspace, user=analyst, statement="Attributed to the analyst.")
    with pytest.raises(ProtectedError):
        analyst.delete()


# --- Verification --------------------------------------------------------------


@pytest.fixture
def chained(workspace, analyst):
    """A workspace with a claim created, edited and deleted, and an annotation."""
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    claim = edit_item(claim, user=analyst, expected_version=1, changes={"statement": "Edited."})
    kept = create_claim(workspace=workspace, user=analyst, statement="Kept.")
    edit_item(kept, user=analyst, expected_version=1, changes={"statement": "Kept, edited."})
    delete_object(claim, user=analyst, reason="duplicate")
    return workspace


def tamper(sql: str, params: list, **tables) -> None:
    """Raw SQL, as someone with access to the database would write it.

    `{name}` in `sql` is replaced by the table of the model given as `name=`.
    """
    names = {name: connection.ops.quote_name(model._meta.db_table) for name, model in tables.items()}
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**names), params)


def forge(model, values: dict) -> None:
    """INSERT a row of `model` with these column values, bypassing Django."""
    columns = ", ".join(connection.ops.quote_name(column) for column in values)
    placeholders = ", ".join(["%s"] * len(values))
    sql = "INSERT INTO {t} (" + columns + ") VALUES (" + placeholders + ")"  # noqa: S608 (our own column names)
    tamper(sql, list(values.values()), t=model)


def test_an_untouched_chain_verifies(chained):
    result = verify_workspace(chained.pk)
    assert result.ok and result.checked == result.length == HistoryEntry.objects.count()
    assert result.head_hash == HistoryChain.objects.get(workspace=chained).head_hash


def test_verification_catches_a_modified_history_row(chained):
    row = Claim.history.filter(statement="Kept.").get()
    tamper("UPDATE {t} SET statement = %s WHERE history_id = %s", ["Forged.", row.pk], t=Claim.history.model)
    result = verify_workspace(chained.pk)
    entry = HistoryEntry.objects.get(model="claim", history_id=row.pk)
    assert (result.ok, result.sequence) == (False, entry.sequence)
    assert "modified" in result.problem


def test_verification_catches_a_modified_entry(chained):
    entry = HistoryEntry.objects.get(model="claim", action="deleted")
    tamper("UPDATE {t} SET reason = %s WHERE id = %s", ["no reason", entry.pk], t=HistoryEntry)
    result = verify_workspace(chained.pk)
    assert (result.ok, result.sequence) == (False, entry.sequence)


def test_verification_catches_a_deleted_history_row(chained):
    row = Claim.history.filter(statement="Edited.", history_type="~").get()
    tamper("DELETE FROM {t} WHERE history_id = %s", [row.pk], t=Claim.history.model)
    result = verify_workspace(chained.pk)
    assert result.ok is False
    assert "missing (deleted)" in result.problem
    assert result.sequence == HistoryEntry.objects.get(model="claim", history_id=row.pk).sequence


def test_verification_reports_a_deleted_history_row_with_passages_instead_of_failing(chained, analyst):
    # Its passages' history rows stay behind, pointing at a history row no longer there.
    passage = PassageFactory(source=SourceFactory(workspace=chained), length=5)
    annotation = create_annotation(passages=[passage], user=analyst, body="See the UN report.")
    row = Annotation.history.get(id=annotation.pk)
    tamper("DELETE FROM {t} WHERE history_id = %s", [row.pk], t=Annotation.history.model)
    result = verify_workspace(chained.pk)
    assert result.ok is False
    assert "missing (deleted)" in result.problem
    assert result.sequence == HistoryEntry.objects.get(model="annotation", history_id=row.pk).sequence


def test_verification_catches_a_deleted_entry(chained):
    entry = HistoryEntry.objects.filter(workspace=chained).order_by("sequence")[2]
    tamper("DELETE FROM {t} WHERE id = %s", [entry.pk], t=HistoryEntry)
    result = verify_workspace(chained.pk)
    assert (result.ok, result.sequence) == (False, entry.sequence)
    assert f"entry #{entry.sequence} is missing" in result.problem


def test_verification_catches_entries_deleted_from_the_end(chained):
    last = HistoryEntry.objects.filter(workspace=chained).order_by("sequence").last()
    tamper("DELETE FROM {t} WHERE id = %s", [last.pk], t=HistoryEntry)
    result = verify_workspace(chained.pk)
    assert (result.ok, result.sequence) == (False, last.sequence)


def test_verification_catches_a_forged_history_row_inserted_without_an_entry(chained):
    model = Claim.history.model
    row = model.objects.filter(statement="Kept.").values().get()
    row.pop("history_id")
    forge(model, {column: "[]" if isinstance(value, list) else value for column, value in row.items()})
    result = verify_workspace(chained.pk)
    assert result.ok is False
    assert "inserted outside the chain" in result.problem


def test_verification_catches_an_entry_inserted_out_of_order(chained):
    chain = entries(chained)
    forged, after = chain[1], chain[2:]
    # Make room by shifting later entries up one, then insert a forged copy.
    for entry in reversed(after):
        tamper("UPDATE {t} SET sequence = %s WHERE id = %s", [entry.sequence + 1, entry.pk], t=HistoryEntry)
    forge(
        HistoryEntry,
        {
            **{
                name: getattr(forged, name)
                for name in ("workspace_id", "model", "action", "recorded_at", "reason")
            },
            **{"sequence": 3, "object_id": 999, "history_id": 999, "object_repr": "forged"},
            **{"prev_hash": forged.hash, "hash": "f" * 64},
        },
    )
    result = verify_workspace(chained.pk)
    assert (result.ok, result.sequence) == (False, 3)


def test_verify_history_command_passes_on_an_intact_archive(chained, capsys):
    call_command("verify_history")
    assert f"{chained.slug}: OK" in capsys.readouterr().out


def test_verify_history_command_fails_naming_the_first_bad_entry(chained):
    row = Claim.history.filter(statement="Kept.").get()
    tamper("UPDATE {t} SET statement = %s WHERE history_id = %s", ["Forged.", row.pk], t=Claim.history.model)
    sequence = HistoryEntry.objects.get(model="claim", history_id=row.pk).sequence
    with pytest.raises(CommandError, match=f"entry #{sequence} ") as error:
        call_command("verify_history", "--workspace", chained.slug)
    assert error.value.returncode == 1  # manage.py exits with it


def test_verify_history_command_checks_a_published_head(chained):
    with pytest.raises(CommandError, match="published"):
        call_command("verify_history", "--workspace", chained.slug, "--expect", f"2:{'a' * 64}")


def test_verify_history_command_takes_a_published_head_in_capitals(chained, capsys):
    entry = HistoryEntry.objects.filter(workspace=chained).order_by("sequence")[1]
    call_command("verify_history", "--workspace", chained.slug, "--expect", f"2:{entry.hash.upper()}")
    assert "entry #2 still has the published hash" in capsys.readouterr().out


def test_verify_history_command_refuses_entry_zero_as_input(chained):
    with pytest.raises(CommandError, match="an entry number from 1"):
        call_command("verify_history", "--workspace", chained.slug, "--expect", f"0:{'a' * 64}")


def test_verify_history_command_says_when_there_is_nothing_to_verify(db, capsys):
    call_command("verify_history")
    assert capsys.readouterr().out == "No workspace has a history chain to verify.\n"


def test_membership_of_a_new_user_is_chained(workspace):
    MembershipFactory(workspace=workspace, user=UserFactory(username="newcomer"))
    assert entries(workspace)[-1].model == "membership"


def test_backfill_chains_history_written_before_the_ledger(chained, source):
    rows = HistoryEntry.objects.count()
    HistoryEntry.objects.all().delete()
    HistoryChain.objects.all().delete()
    backfill(apps)
    assert HistoryEntry.objects.count() == rows
    assert verify_workspace(chained.pk).ok


def test_a_column_added_later_is_left_out_of_the_hashed_row_while_it_holds_its_default(workspace):
    """Entries chained before `verdict_scale` existed hashed workspace rows without it."""
    row_id = workspace.history.latest("history_id").history_id
    assert "verdict_scale" not in live_ledger().serialize("workspace", [row_id])[row_id]


def test_a_column_added_later_is_hashed_once_it_holds_a_value(workspace, ws_admin):
    workspace.verdict_scale = {"debunked": [1, "False"]}
    with recorded_as(user=ws_admin, reason="our own scale"):
        workspace.save()
    row_id = workspace.history.latest("history_id").history_id
    assert live_ledger().serialize("workspace", [row_id])[row_id]["verdict_scale"] == workspace.verdict_scale
    assert verify_workspace(workspace.pk).ok


def test_the_ledger_hashes_history_rows_with_the_values_the_orm_reads(workspace, analyst, source):
    """Rows are read with a plain cursor for speed: the hashed text must stay the ORM's."""
    passage = PassageFactory(workspace=workspace, source=source)
    create_annotation(passages=[passage], user=analyst, body="Shelling at six.", tags=["aleppo"])
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    add_evidence(claim=claim, passage=passage, user=analyst, stance="supports")
    workspace.verdict_scale = {"debunked": [1, "False"]}
    with recorded_as(user=analyst, reason="our own scale"):
        workspace.save()
    ledger = live_ledger()
    compared = 0
    for label, model in ledger.history_models.items():
        columns = [field.attname for field in model._meta.concrete_fields]
        expected = {values["history_id"]: values for values in model.objects.values(*columns)}
        for values in expected.values():
            for column, default in LATER_COLUMNS.get(label, {}).items():
                if values[column] == default:
                    del values[column]
            for key, m2m_model in ledger.m2m_models[label]:
                m2m_columns = [field.attname for field in m2m_model._meta.concrete_fields]
                query = m2m_model.objects.filter(history_id=values["history_id"]).order_by("pk")
                values[key] = list(query.values(*m2m_columns))
        serialized = ledger.serialize(label, list(expected))
        assert canonical_json(serialized) == canonical_json(expected)
        compared += len(expected)
    assert compared >= 6


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps a datetime as the text written")
@pytest.mark.parametrize(
    "text",
    ["2026-01-01 07:00:00", "2026-01-01 12:00:00.250000+05:00", "2026-01-01T07:00:00Z", "not a time"],
)
def test_a_datetimes_text_is_read_as_the_orm_reads_it(workspace, analyst, text):
    """The reader parses SQLite's text itself: other texts than Django's must give the ORM's value."""
    claim = create_claim(workspace=workspace, user=analyst, statement="Shelling at six.")
    history_id, rows = claim.history.get().history_id, Claim.history.model
    tamper("UPDATE {t} SET history_date = %s WHERE history_id = %s", [text, history_id], t=rows)
    columns = [field.attname for field in rows._meta.concrete_fields]
    expected = rows.objects.values(*columns).get(history_id=history_id)
    read = live_ledger().serialize("claim", [history_id])[history_id]
    assert read["history_date"] == expected["history_date"]
    assert canonical_json(read) == canonical_json(expected)


# --- The verifier's fast encoder ------------------------------------------------


def test_the_fast_encoder_writes_the_canonical_bytes_of_every_code_point():
    for first in range(0, 0x110000, 4096):
        points = range(first, min(first + 4096, 0x110000))
        text = "".join(chr(point) for point in points if not 0xD800 <= point <= 0xDFFF)
        payload = {text: text, "list": [text, text[::-1]]}
        assert ledger.fast_canonical_json(payload) == canonical_json(payload).encode()


def test_the_fast_encoder_writes_the_canonical_bytes_of_a_history_rows_values():
    payload = {
        "zz": {"b": [1, -2, 2**64 - 1, -(2**63), None, True, False], "a": {"é": "x", "": [], "Z": {}}},
        "when": datetime(2026, 7, 4, 10, 0, 1, 123400, tzinfo=UTC),
        "local": datetime(2026, 7, 4, 10, 0, 1, 5, tzinfo=zoneinfo.ZoneInfo("UTC")),
        "on": date(2017, 7, 4),
        "amount": Decimal("1.50"),
        "💥": 'Alep̀po حلب "quoted" back\\slash\ttab\nline \x01 \x7f \u2028',
    }
    assert ledger.fast_canonical_json(payload) == canonical_json(payload).encode()


@pytest.mark.parametrize(
    "value",
    [
        1e-05,
        2**64,
        datetime(2026, 7, 4, 10, 0, 1, tzinfo=UTC),
        datetime(2026, 7, 4, 10, 0, 1, 5),
        datetime(2026, 7, 4, 10, 0, 1, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Damascus")),
    ],
    ids=repr,
)
def test_a_value_the_fast_encoder_writes_otherwise_is_judged_by_the_canonical_one(value):
    entry, row = dict.fromkeys(ENTRY_FIELDS, 1), {"value": value}
    payload = {**entry, "row": row}
    assert ledger.fast_canonical_json(payload) != canonical_json(payload).encode()
    assert ledger.entry_hash_matches(GENESIS_HASH, entry, row, ledger.entry_hash(GENESIS_HASH, entry, row))
    assert not ledger.entry_hash_matches(GENESIS_HASH, entry, row, ledger.entry_hash("1" * 64, entry, row))


def _walk_only(monkeypatch) -> None:
    """Verify with the walk on every database (on PostgreSQL it runs after the database's check)."""
    monkeypatch.setattr(ledger, "verified_in_database", lambda workspace_id, *, length, head: False)


def test_the_walk_hashes_ordinary_rows_with_the_fast_encoder_alone(chained, monkeypatch):
    _walk_only(monkeypatch)
    monkeypatch.setattr(ledger, "canonical_json", None)  # calling it would fail
    assert verify_workspace(chained.pk).ok


def test_the_walk_verifies_values_the_fast_encoder_writes_otherwise_and_still_catches_tampering(
    chained, ws_admin, monkeypatch
):
    _walk_only(monkeypatch)
    chained.verdict_scale = {"small": 1e-05, "large": 1e16}
    with recorded_as(user=ws_admin, reason="odd numbers"):
        chained.save()
    assert verify_workspace(chained.pk).ok
    tamper("UPDATE {t} SET verdict_scale = %s", ['{"small": 2e-05, "large": 1e16}'], t=chained.history.model)
    assert not verify_workspace(chained.pk).ok


# --- Verification in the database (PostgreSQL) ---------------------------------

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the database hashes there")


def intact_in_database(workspace) -> bool:
    chain = HistoryChain.objects.get(workspace=workspace)
    return verified_in_database(workspace.pk, length=chain.length, head=chain.head_hash)


@postgresql_only
def test_the_database_recomputes_the_hashes_of_varied_rows_byte_for_byte(workspace, analyst):
    """Unicode and escapes, nested JSON with unsorted keys, dates, nulls, m2m rows,
    later columns: the hashes Python wrote are the ones the database recomputes."""
    odd = 'Alep̀po حلب 💥 "quoted" back\\slash\ttab\nline \u2028'
    # Control characters no typed text may hold, in what a server sent.
    sent = f"{odd} \x01 \x7f"
    source = SourceFactory(workspace=workspace, title=odd, authors=[odd, "B"], published_on="2017-07-04")
    CaptureFactory(source=source, web=True, http_headers=[["X-é", sent], ["Empty", ""]])
    passages = [PassageFactory(workspace=workspace, source=source) for _ in range(2)]
    create_annotation(passages=passages, user=analyst, body=odd, tags=["été", "z", "a"])
    claim = create_claim(workspace=workspace, user=analyst, statement=odd)
    add_evidence(claim=claim, passage=passages[0], user=analyst, stance="supports")
    workspace.verdict_scale = {
        "zz": {"b": [1, -2, 0.25, 1.5, None, True, False], "a": {"é": "x", "": []}},
        "a": {},
        "💥": "\u00e9",
    }
    with recorded_as(user=analyst, reason=odd):
        workspace.save()
    assert verify_workspace(workspace.pk).ok
    assert intact_in_database(workspace)


@postgresql_only
def test_the_database_writes_every_kind_of_history_row():
    """A column type it could not write would leave every chain to the walk."""
    for label in live_ledger().history_models:
        assert "encode(sha256(" in ledger._sql_mismatch(label)


@postgresql_only
def test_an_intact_chain_is_verified_without_reading_its_rows_into_python(chained, monkeypatch):
    monkeypatch.setattr(ledger._Rows, "stream", None)  # the walk would fail calling it
    assert verify_workspace(chained.pk).ok


@postgresql_only
def test_a_value_the_database_writes_differently_is_left_to_the_walk(workspace, ws_admin):
    """Python writes 1e-05 and 1e+16; jsonb keeps 0.00001 and 10000000000000000."""
    workspace.verdict_scale = {"small": 1e-05, "large": 1e16}
    with recorded_as(user=ws_admin, reason="odd numbers"):
        workspace.save()
    assert not intact_in_database(workspace)
    assert verify_workspace(workspace.pk).ok


def _shift_and_insert(chained) -> None:
    chain = entries(chained)
    for entry in reversed(chain[2:]):
        tamper("UPDATE {t} SET sequence = %s WHERE id = %s", [entry.sequence + 1, entry.pk], t=HistoryEntry)
    copied = ("workspace_id", "model", "action", "recorded_at", "reason")
    forge(
        HistoryEntry,
        {
            **{name: getattr(chain[1], name) for name in copied},
            **{"sequence": 3, "object_id": 999, "history_id": 999, "object_repr": "forged"},
            **{"prev_hash": chain[1].hash, "hash": chain[2].hash},
        },
    )


TAMPERINGS = {
    "a history row modified": lambda chained: tamper(
        "UPDATE {t} SET statement = 'Forged.' WHERE statement = 'Kept.'", [], t=Claim.history.model
    ),
    "an entry modified": lambda chained: tamper(
        "UPDATE {t} SET reason = 'no reason' WHERE action = 'deleted'", [], t=HistoryEntry
    ),
    "a history row deleted": lambda chained: tamper(
        "DELETE FROM {t} WHERE statement = 'Edited.' AND history_type = '~'", [], t=Claim.history.model
    ),
    "an entry deleted": lambda chained: tamper("DELETE FROM {t} WHERE sequence = 3", [], t=HistoryEntry),
    "the last entry deleted": lambda chained: tamper(
        "DELETE FROM {t} WHERE sequence = (SELECT max(sequence) FROM {t})", [], t=HistoryEntry
    ),
    "the head altered": lambda chained: tamper("UPDATE {t} SET head_hash = %s", ["a" * 64], t=HistoryChain),
    "a history row inserted without an entry": lambda chained: forge(
        Claim.history.model,
        {
            **{key: value for key, value in Claim.history.filter(statement="Kept.").values().get().items()},
            "history_id": 99999,
            "tags": "[]",
        },
    ),
    "an entry inserted out of order": _shift_and_insert,
    "an entry of an unknown model": lambda chained: tamper(
        "UPDATE {t} SET model = 'nothing' WHERE sequence = 2", [], t=HistoryEntry
    ),
}


@postgresql_only
@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_the_database_passes_no_tampered_chain(chained, tampering):
    assert intact_in_database(chained)
    TAMPERINGS[tampering](chained)
    assert not intact_in_database(chained)
    assert not verify_workspace(chained.pk).ok


def test_the_chain_head_moves_with_every_change_in_its_workspace_and_no_other(workspace, analyst):
    other = WorkspaceFactory()
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    before, elsewhere = chain_head(workspace.pk), chain_head(other.pk)
    edit_item(claim, user=analyst, expected_version=1, changes={"statement": "120 airstrikes a week."})
    assert chain_head(workspace.pk) not in ("", before)
    assert chain_head(other.pk) == elsewhere


# --- Rows handed over by their writer --------------------------------------------

TRICKY_BODY = 'Ḁ́ \U0001d518\U0001d52b\U0001d526 — مرحبا\u200f e\u0301 😀 «quoted»\r\n\ttab \\ "x" \u2028'
TRICKY_TAGS = ["حلب", "e\u0301", {"nested": {"3": [True, None, 12345678901234567890, -7]}}, ""]
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")


def annotations_handed_over(workspace, analyst, passage, **values) -> list:
    """Annotations written by the bulk path (which hands its rows to the ledger), with
    `values` set on them just before their history rows are built."""
    annotations = [Annotation(workspace=workspace, author=analyst, body="x", tags=[])]
    links = []
    with unit_of_work(), recorded_as(user=analyst, reason="ünïcödé reason ✓"):
        Annotation.objects.bulk_create(annotations)
        links = Annotation.passages.through.objects.bulk_create(
            [Annotation.passages.through(annotation=annotations[0], passage=passage)]
        )
        for name, value in values.items():
            setattr(annotations[0], name, value)
        rows = Annotation.history.bulk_history_create(annotations, m2m={"passages": links})
        # The live row as its history holds it: verification compares the two.
        Annotation.objects.filter(pk=annotations[0].pk).update(**values)
    return rows


def test_rows_handed_over_are_hashed_as_the_database_stores_them(workspace, analyst, source):
    passage = PassageFactory(workspace=workspace, source=source)
    created_at = datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=KOLKATA)
    values = {"body": TRICKY_BODY, "tags": TRICKY_TAGS, "created_at": created_at}
    with CaptureQueriesContext(connection) as queries:
        rows = annotations_handed_over(workspace, analyst, passage, **values)
    history_table = Annotation.history.model._meta.db_table
    assert not [q for q in queries if q["sql"].startswith("SELECT") and history_table in q["sql"]]
    ledger = live_ledger()
    written = ledger.serialize_written("annotation", rows, list(rows[0].passages.all()))
    assert canonical_json(written) == canonical_json(ledger.serialize("annotation", [rows[0].pk]))
    assert written[rows[0].pk]["created_at"] == created_at
    assert verify_workspace(workspace.pk).ok


@override_settings(TIME_ZONE="Asia/Kolkata")
def test_a_naive_datetime_handed_over_is_hashed_in_the_current_time_zone(workspace, analyst, source):
    passage = PassageFactory(workspace=workspace, source=source)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        annotations_handed_over(workspace, analyst, passage, updated_at=datetime(2024, 1, 1, 12, 0, 0, 1))
    assert verify_workspace(workspace.pk).ok


def test_values_whose_stored_form_cannot_be_known_are_read_back(workspace, analyst, source):
    """jsonb writes some floats another way (1e20 as 100000000000000000000)."""
    with pytest.raises(Unpredictable):
        as_stored(Annotation._meta.get_field("tags"), [1e20, 0.1])
    with pytest.raises(Unpredictable):
        as_stored(DecimalField(max_digits=5, decimal_places=2, name="price"), Decimal("1.5"))
    passage = PassageFactory(workspace=workspace, source=source)
    annotations_handed_over(workspace, analyst, passage, tags=[1e20, 0.1, -0.0, 1.0])
    assert verify_workspace(workspace.pk).ok


def test_rows_handed_over_in_a_rolled_back_savepoint_never_enter_the_chain(workspace, analyst, source):
    passage = PassageFactory(workspace=workspace, source=source)
    with unit_of_work():
        try:
            with transaction.atomic():
                create_annotation(passages=[passage], user=analyst, body="Rolled back.")
                raise DatabaseError("inner failure")
        except DatabaseError:
            pass
        kept = create_annotation(passages=[passage], user=analyst, body="Kept.")
    annotations = HistoryEntry.objects.filter(workspace=workspace, model="annotation")
    assert list(annotations.values_list("object_id", flat=True)) == [kept.pk]
    assert verify_workspace(workspace.pk).ok
