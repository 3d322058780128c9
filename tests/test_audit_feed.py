"""The activity feed and its exports (the history chain's page: test_audit_status.py)."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.claims import add_evidence, create_claim, edit_item
from archive.claims.discussion import reply
from archive.core.attribution import recorded_as
from archive.core.editing import delete_object
from archive.models import HistoryAction, HistoryEntry, Membership, RecaptureCheck
from archive.sources.outlets import create_outlet, edit_outlet, grade_outlet
from archive.sources.writes import create_source
from archive.views.audit import PAGE_SIZE
from archive.workspaces import remove_member
from tests.factories import CaptureFactory, ClaimFactory, PassageFactory, SourceFactory, WorkspaceFactory
from tests.support import graded_as_before


def feed_page(client, workspace, **params) -> str:
    response = client.get(reverse("archive:activity", args=[workspace.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def feed(client, workspace, **params) -> str:
    """The feed's table of changes (and pager), without the filter form."""
    page = feed_page(client, workspace, **params)
    return page[page.index('<table class="listing activity"') :]


def export(client, workspace, fmt: str, **params):
    return client.get(reverse(f"archive:activity_{fmt}", args=[workspace.slug]), params)


@pytest.fixture
def activity(workspace, analyst, ws_admin, source):
    """Changes by two people: a claim created, edited, deleted; evidence on the source."""
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    claim = edit_item(
        claim, user=ws_admin, expected_version=1, changes={"credibility": 2}, reason="two outlets agree"
    )
    other = create_claim(workspace=workspace, user=analyst, statement="The siege began in 2012.")
    add_evidence(claim=other, passage=PassageFactory(source=source), user=analyst, stance="supports")
    delete_object(claim, user=ws_admin, reason="duplicate of another claim")
    return {"claim": claim, "other": other}


def test_feed_shows_time_user_action_object_and_reason(client, reviewer, workspace, activity):
    client.force_login(reviewer)
    page = feed(client, workspace)
    assert "duplicate of another claim" in page
    assert "two outlets agree" in page
    assert "Airstrikes reached 120 a week." in page
    assert ">deleted<" in page and ">ws-admin<" in page


def test_feed_names_each_kind_of_object_in_words(client, reviewer, workspace, analyst):
    """As its filter does: "source version", not the table's "sourceversion"."""
    create_source(workspace=workspace, user=analyst, title="Siege", text="The siege began.", language="en")
    create_claim(workspace=workspace, user=analyst, statement="The siege began in 2012.")
    client.force_login(reviewer)
    page = feed(client, workspace)
    assert '<span class="kind">claim</span>' in page
    assert "sourceversion<" not in page


def test_feed_names_a_source_version_by_its_number_saying_version_once(client, reviewer, workspace, analyst):
    create_source(workspace=workspace, user=analyst, title="Siege", text="The siege began.", language="en")
    client.force_login(reviewer)
    text = re.sub(r"<[^>]+>", "", feed(client, workspace))
    assert "created version 1 of “Siege”" in " ".join(text.split())
    assert "version version" not in text


def feed_text(client, workspace, **params) -> str:
    """The feed's table as a reader sees it: its words, without markup."""
    return " ".join(re.sub(r"<[^>]+>", "", feed(client, workspace, **params)).split())


def _sequences_in_page(page: str) -> list[int]:
    return [int(number) for number in re.findall(r'<td class="sequence"[^>]*>(\d+)</td>', page)]


def test_feed_names_a_discussion_saying_discussion_once(client, reviewer, workspace, analyst):
    claim = create_claim(workspace=workspace, user=analyst, statement="The siege began in 2012.")
    reply(item=claim, user=analyst, body="Which month?")
    client.force_login(reviewer)
    text = feed_text(client, workspace)
    assert "created Discussion of" in text
    assert "discussion discussion" not in text.lower()


def test_feed_names_a_reply_saying_reply_once(client, reviewer, workspace, analyst):
    claim = create_claim(workspace=workspace, user=analyst, statement="The siege began in 2012.")
    reply(item=claim, user=analyst, body="Which month?")
    client.force_login(reviewer)
    text = feed_text(client, workspace)
    assert "created Reply by analyst: Which month?" in text
    assert "reply reply" not in text.lower()


def test_feed_names_a_recapture_check_saying_recapture_once(client, reviewer, workspace, ws_admin):
    source = create_source(workspace=workspace, user=ws_admin, title="Siege", text="It began.", language="en")
    with recorded_as(user=ws_admin, reason="checked again"):
        RecaptureCheck.objects.create(
            workspace=workspace, source=source, outcome="unchanged", url="https://example.org/siege"
        )
    client.force_login(reviewer)
    text = feed_text(client, workspace)
    assert "created recapture of Siege: unchanged" in text
    assert "recapture check recapture" not in text


def test_feed_names_a_web_capture_saying_capture_once(client, reviewer, workspace, ws_admin):
    source = create_source(workspace=workspace, user=ws_admin, title="Siege", text="It began.", language="en")
    with recorded_as(user=ws_admin, reason="captured from the web"):
        CaptureFactory(source=source, web=True)
    client.force_login(reviewer)
    text = feed_text(client, workspace)
    assert "created web capture of Siege" in text
    assert "capture web capture" not in text


@pytest.fixture
def old_outlet_grade(workspace, ws_admin):
    """An outlet graded B the way grades were recorded before they were "graded" (as
    "changed"), then renamed: returns the outlet and the grade's entry."""
    outlet = create_outlet(workspace=workspace, user=ws_admin, name="Hawran Voice")
    outlet = graded_as_before(outlet, user=ws_admin)
    grade = HistoryEntry.objects.filter(workspace=workspace, model="outlet").order_by("-sequence").first()
    assert grade is not None and grade.action == HistoryAction.CHANGED  # as recorded then
    edit_outlet(outlet, user=ws_admin, expected_version=outlet.version, changes={"name": "Hawran Voice News"})
    return outlet, grade


def test_grading_an_outlet_is_recorded_as_graded(workspace, ws_admin):
    outlet = create_outlet(workspace=workspace, user=ws_admin, name="Hawran Voice")
    grade_outlet(outlet=outlet, user=ws_admin, reliability="B", reason="Accurate.", expected_version=1)
    last = HistoryEntry.objects.filter(workspace=workspace, model="outlet").order_by("-sequence").first()
    assert last is not None and last.action == HistoryAction.GRADED


def test_an_outlet_edit_that_changes_its_grade_is_recorded_as_graded(workspace, ws_admin):
    outlet = create_outlet(workspace=workspace, user=ws_admin, name="Hawran Voice")
    edit_outlet(
        outlet, user=ws_admin, expected_version=1, changes={"reliability": "C"}, reason="Mixed record."
    )
    last = HistoryEntry.objects.filter(workspace=workspace, model="outlet").order_by("-sequence").first()
    assert last is not None and last.action == HistoryAction.GRADED


def test_graded_filter_finds_an_outlet_grade_recorded_as_changed_and_not_its_other_edits(
    client, reviewer, workspace, old_outlet_grade
):
    _, grade = old_outlet_grade
    client.force_login(reviewer)
    assert _sequences_in_page(feed(client, workspace, action="graded")) == [grade.sequence]


def test_changed_filter_leaves_out_an_outlet_grade_recorded_as_changed(
    client, reviewer, workspace, old_outlet_grade
):
    _, grade = old_outlet_grade
    client.force_login(reviewer)
    shown = _sequences_in_page(feed(client, workspace, action="changed"))
    assert shown and grade.sequence not in shown  # the rename is there, the grade is not


def test_feed_shows_an_outlet_grade_recorded_as_changed_as_graded(
    client, reviewer, workspace, old_outlet_grade
):
    client.force_login(reviewer)
    text = feed_text(client, workspace)
    assert "graded outlet Hawran Voice reliability graded B" in text


def test_csv_export_gives_an_outlet_grade_recorded_as_changed_as_graded(
    client, ws_admin, workspace, old_outlet_grade
):
    _, grade = old_outlet_grade
    client.force_login(ws_admin)
    response = export(client, workspace, "csv", model="outlet")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row["action"] for row in rows] == ["changed", "graded", "created"]
    assert int(rows[1]["sequence"]) == grade.sequence


def test_feed_is_newest_first(client, reviewer, workspace, activity):
    client.force_login(reviewer)
    page = feed(client, workspace)
    assert page.index("duplicate of another claim") < page.index("two outlets agree")


def test_feed_filters_by_user(client, reviewer, workspace, activity, ws_admin):
    client.force_login(reviewer)
    page = feed(client, workspace, user=ws_admin.pk)
    assert "two outlets agree" in page
    assert "The siege began in 2012." not in page


def test_feed_filters_by_object_type_and_action(client, reviewer, workspace, activity):
    client.force_login(reviewer)
    page = feed(client, workspace, model="claim", action="deleted")
    assert "duplicate of another claim" in page
    assert "two outlets agree" not in page


def test_feed_filters_by_claim_including_its_evidence(client, reviewer, workspace, activity):
    client.force_login(reviewer)
    page = feed(client, workspace, claim=activity["other"].pk)
    assert "The siege began in 2012." in page
    assert ">evidence<" in page
    assert "Airstrikes reached 120 a week." not in page


def test_feed_filters_by_source_including_passages_and_evidence(
    client, reviewer, workspace, activity, source
):
    client.force_login(reviewer)
    page = feed(client, workspace, source=source.pk)
    assert ">passage<" in page and ">evidence<" in page
    assert "Airstrikes reached 120 a week." not in page


def test_feed_filters_by_date_range(client, reviewer, workspace, activity):
    HistoryEntry.objects.filter(reason="two outlets agree").update(
        recorded_at=timezone.now() - timedelta(days=9)
    )
    client.force_login(reviewer)
    since = (timezone.now() - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    until = (timezone.now() - timedelta(days=8)).strftime("%Y-%m-%dT%H:%M")
    page = feed(client, workspace, since=since, until=until)
    assert "two outlets agree" in page
    assert "duplicate of another claim" not in page


def test_feed_explains_a_bad_date_range(client, reviewer, workspace, activity):
    client.force_login(reviewer)
    page = feed_page(client, workspace, since="2025-03-02T10:00", until="2025-03-01T10:00")
    assert "must be before" in page


def test_feed_explains_an_unknown_user(client, reviewer, workspace, activity):
    client.force_login(reviewer)
    page = feed_page(client, workspace, user="999999")
    assert "Select a valid choice" in page
    assert "Correct the filters above." in page


def test_feed_pages_by_sequence(client, reviewer, workspace, analyst):
    for n in range(PAGE_SIZE + 5):
        ClaimFactory(workspace=workspace, statement=f"Numbered claim {n:03}")
    client.force_login(reviewer)
    first = feed(client, workspace, model="claim")
    assert "Numbered claim 054" in first and "Numbered claim 004" not in first
    oldest_shown = HistoryEntry.objects.filter(model="claim").order_by("-sequence")[PAGE_SIZE - 1].sequence
    assert f"before={oldest_shown}" in first
    second = feed(client, workspace, model="claim", before=oldest_shown)
    assert "Numbered claim 004" in second and "Numbered claim 005" not in second


def test_feed_shows_nothing_of_other_workspaces(client, reviewer, workspace, activity):
    ClaimFactory(workspace=WorkspaceFactory(), statement="A claim elsewhere")
    client.force_login(reviewer)
    assert "A claim elsewhere" not in feed(client, workspace)


def test_analyst_reads_the_feed_but_gets_no_export_links(client, analyst, workspace, activity):
    client.force_login(analyst)
    page = feed_page(client, workspace)
    assert "duplicate of another claim" in page
    assert reverse("archive:activity_csv", args=[workspace.slug]) not in page


def test_analyst_cannot_export(client, analyst, workspace, activity):
    client.force_login(analyst)
    assert export(client, workspace, "csv").status_code == 403


def test_outsider_gets_404_for_feed_and_export(client, outsider, workspace, activity):
    client.force_login(outsider)
    assert client.get(reverse("archive:activity", args=[workspace.slug])).status_code == 404
    assert export(client, workspace, "json").status_code == 404


def _sequences_in_feed(workspace, **filters) -> list[int]:
    return list(
        HistoryEntry.objects.filter(workspace=workspace, **filters)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
    )


def test_csv_export_has_exactly_the_filtered_rows(client, reviewer, workspace, activity, ws_admin):
    client.force_login(reviewer)
    response = export(client, workspace, "csv", user=ws_admin.pk)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [int(row["sequence"]) for row in rows] == _sequences_in_feed(workspace, user=ws_admin)
    assert {row["user"] for row in rows} == {"ws-admin"}
    assert response["Content-Disposition"].startswith("attachment;")


def test_json_export_has_exactly_the_filtered_rows_and_the_head(client, reviewer, workspace, activity):
    client.force_login(reviewer)
    response = export(client, workspace, "json", model="claim", action="created")
    data = json.loads(b"".join(response.streaming_content))
    assert [row["sequence"] for row in data["entries"]] == _sequences_in_feed(
        workspace, model="claim", action="created"
    )
    assert data["filters"] == {"model": "claim", "action": "created"}
    assert data["head"]["hash"] == HistoryEntry.objects.filter(workspace=workspace).latest("sequence").hash


def test_export_refuses_bad_filters_with_a_clear_error(client, reviewer, workspace):
    client.force_login(reviewer)
    response = export(client, workspace, "csv", since="not a date")
    assert response.status_code == 400
    assert "since" in response.content.decode()


# Offsets that take a moment past either end of the calendar, once in UTC.
BEYOND_THE_CALENDAR = {"since": "0001-01-01T00:00:00+05:00", "until": "9999-12-31T23:59:59-05:00"}


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("bound", ["since", "until"])
def test_export_refuses_a_moment_beyond_the_calendar_before_sending_anything(
    client, reviewer, workspace, activity, fmt, bound
):
    client.force_login(reviewer)
    response = export(client, workspace, fmt, **{bound: BEYOND_THE_CALENDAR[bound]})
    assert response.status_code == 400
    assert "out of range" in response.content.decode()


def test_feed_explains_a_moment_beyond_the_calendar(client, reviewer, workspace, activity):
    client.force_login(reviewer)
    assert "out of range" in feed_page(client, workspace, since=BEYOND_THE_CALENDAR["since"])


@pytest.mark.parametrize("before", ["²", "٣", "0", "-1"])
def test_feed_ignores_a_before_that_is_not_an_ascii_number_from_1(
    client, reviewer, workspace, activity, before
):
    client.force_login(reviewer)
    rows = feed(client, workspace, before=before)
    assert rows[: rows.index("<nav")] == (everything := feed(client, workspace))[: everything.index("<nav")]


def test_csv_export_defuses_formulas_in_reasons(client, reviewer, workspace, analyst):
    claim = ClaimFactory(workspace=workspace)
    edit_item(claim, user=analyst, expected_version=1, changes={"status": "disputed"}, reason="=HYPERLINK(1)")
    client.force_login(reviewer)
    body = b"".join(export(client, workspace, "csv").streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


def test_changes_made_in_another_workspace_do_not_enter_this_chain(workspace, analyst):
    before = HistoryEntry.objects.filter(workspace=workspace).count()
    with recorded_as(user=analyst):
        SourceFactory(workspace=WorkspaceFactory())
    assert HistoryEntry.objects.filter(workspace=workspace).count() == before


@pytest.fixture
def former_member(workspace, analyst, ws_admin, activity):
    """The analyst, whose changes are in the feed, removed from the workspace."""
    membership = Membership.objects.get(workspace=workspace, user=analyst)
    remove_member(membership=membership, user=ws_admin, reason="left the project")
    return analyst


def test_feed_filters_by_a_former_member(client, reviewer, workspace, former_member):
    client.force_login(reviewer)
    page = feed_page(client, workspace, user=former_member.pk)
    assert "analyst (former member)" in page
    assert "Select a valid choice" not in page
    assert "The siege began in 2012." in feed(client, workspace, user=former_member.pk)


def test_csv_export_by_a_former_member(client, reviewer, workspace, former_member):
    client.force_login(reviewer)
    response = export(client, workspace, "csv", user=former_member.pk)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [int(row["sequence"]) for row in rows] == _sequences_in_feed(workspace, user=former_member)
    assert {row["user"] for row in rows} == {"analyst"}
