import pytest
from django.urls import reverse

from archive.claims import add_evidence, create_annotation, create_claim, edit_item
from archive.core.attribution import recorded_as
from archive.core.editing import StaleVersion, delete_object
from archive.models import Claim, Evidence, Membership, Outlet, Passage, Source
from archive.models.grading import Credibility
from archive.passages.writes import create_passage
from tests.factories import ClaimFactory, EvidenceFactory, OutletFactory, PassageFactory


def test_create_change_and_delete_are_each_recorded(workspace, analyst):
    claim = create_claim(workspace=workspace, user=analyst, statement="Airstrikes reached 120 a week.")
    edit_item(claim, user=analyst, expected_version=1, changes={"statement": "Airstrikes reached 120/week."})
    delete_object(Claim.objects.get(pk=claim.pk), user=analyst, reason="duplicate of another claim")
    types = list(
        Claim.history.filter(id=claim.pk).order_by("history_date").values_list("history_type", flat=True)
    )
    assert types == ["+", "~", "-"]


def test_history_records_the_acting_user_and_reason(workspace, reviewer):
    claim = ClaimFactory(workspace=workspace)
    edit_item(
        claim,
        user=reviewer,
        expected_version=claim.version,
        changes={"credibility": Credibility.DOUBTFUL},
        reason="contradicted by the original",
    )
    latest = claim.history.first()
    assert latest.history_user == reviewer
    assert latest.history_change_reason == "contradicted by the original"
    assert latest.credibility == Credibility.DOUBTFUL


def test_deleting_keeps_the_last_state_in_history(workspace, analyst, source):
    passage = create_passage(source=source, user=analyst, start=0, end=8)
    evidence = add_evidence(
        claim=ClaimFactory(workspace=workspace), passage=passage, user=analyst, stance="refutes"
    )
    evidence_id = evidence.pk
    delete_object(evidence, user=analyst, reason="wrong passage")
    assert not Evidence.objects.filter(pk=evidence_id).exists()
    last = Evidence.history.filter(id=evidence_id).first()
    assert last.history_type == "-"
    assert (last.stance, last.passage_id, last.history_user) == ("refutes", passage.pk, analyst)
    assert last.history_change_reason == "wrong passage"


def test_recorded_as_attributes_changes_made_outside_a_request(workspace, ws_admin):
    with recorded_as(user=ws_admin, reason="nightly import"):
        outlet = OutletFactory(workspace=workspace)
    row = Outlet.history.get(id=outlet.pk)
    assert (row.history_user, row.history_change_reason) == (ws_admin, "nightly import")


def test_changes_without_any_attribution_have_no_user(workspace):
    claim = ClaimFactory(workspace=workspace)
    assert claim.history.first().history_user is None


def test_annotation_history_keeps_its_passages(workspace, analyst, source):
    passage = PassageFactory(source=source)
    annotation = create_annotation(passages=[passage], user=analyst, body="Compare with Baladi's original.")
    latest = annotation.history.first()
    assert [row.passage_id for row in latest.passages.all()] == [passage.pk]


@pytest.mark.parametrize("model", [Source, Passage, Membership])
def test_every_model_has_history(model):
    assert hasattr(model, "history")


def test_stale_edit_is_refused_and_changes_nothing(workspace, analyst):
    claim = ClaimFactory(workspace=workspace, statement="First version")
    edit_item(claim, user=analyst, expected_version=1, changes={"statement": "Second version"})
    with pytest.raises(StaleVersion) as error:
        edit_item(claim, user=analyst, expected_version=1, changes={"statement": "Overwrite"})
    assert error.value.current.statement == "Second version"
    assert Claim.objects.get(pk=claim.pk).statement == "Second version"


def test_changes_through_the_admin_record_user_and_reason(client, workspace, superuser):
    claim = ClaimFactory(workspace=workspace, statement="Airstrikes reached 120 a week.")
    client.force_login(superuser)
    url = reverse("admin:archive_claim_change", args=[claim.pk])
    response = client.post(
        url,
        {
            "workspace": workspace.pk,
            "statement": "Airstrikes reached 120 a week in June 2017.",
            "credibility": 3,
            "credibility_reason": "",
            "status": "open",
            "tags": "[]",
            "review_status": "draft",
            "change_reason": "date added from the article",
        },
    )
    assert response.status_code == 302, response.content
    latest = claim.history.first()
    assert (latest.history_user, latest.history_change_reason) == (superuser, "date added from the article")
    assert latest.statement.endswith("June 2017.")


@pytest.mark.parametrize(
    "factory", [ClaimFactory, OutletFactory, EvidenceFactory], ids=["claim", "outlet", "evidence"]
)
def test_admin_shows_each_models_history(client, workspace, superuser, factory):
    obj = factory(workspace=workspace) if factory is not EvidenceFactory else factory()
    client.force_login(superuser)
    opts = obj._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
    assert response.status_code == 200
    assert "Added" in response.content.decode() or "Created" in response.content.decode()
