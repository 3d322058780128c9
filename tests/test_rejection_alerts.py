"""A rejected item's author is told, in their alerts, what was rejected and why."""

from django.urls import reverse

from archive.audit.ledger import live_ledger, verify_workspace
from archive.audit.review import approve, reject, submit_for_review
from archive.models import Alert, AlertKind, Membership, Role
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    PassageFactory,
    UserFactory,
)


def rejected(item, author, reviewer, comment="the figure is from another month"):
    return reject(submit_for_review(item, user=author), user=reviewer, comment=comment)


def test_rejecting_a_claim_tells_its_author_why(workspace, analyst, reviewer):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="Airstrikes reached 120 a week.")
    rejected(claim, analyst, reviewer)
    alert = Alert.objects.get()
    assert (alert.recipient, alert.kind, alert.claim) == (analyst, AlertKind.REJECTED, claim)
    assert alert.message == (
        "reviewer rejected your claim \u2068Airstrikes reached 120 a week.\u2069: "
        "the figure is from another month"
    )


def test_rejecting_an_annotation_names_its_source(workspace, analyst, reviewer, source):
    passage = PassageFactory(workspace=workspace, source=source)
    note = AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, body="Shelling at six.")
    rejected(note, analyst, reviewer, comment="which day?")
    alert = Alert.objects.get()
    assert (alert.annotation, alert.source) == (note, source)
    assert alert.message == "reviewer rejected your note \u2068Shelling at six.\u2069: which day?"


def test_rejecting_evidence_names_its_claim(workspace, analyst, reviewer, source):
    evidence = EvidenceFactory(
        passage=PassageFactory(workspace=workspace, source=source),
        claim=ClaimFactory(workspace=workspace, statement="The pump was hit."),
        created_by=analyst,
    )
    rejected(evidence, analyst, reviewer, comment="the passage says the tower")
    alert = Alert.objects.get()
    assert (alert.evidence, alert.claim) == (evidence, evidence.claim)
    assert alert.message.startswith(
        "reviewer rejected your evidence for the claim \u2068The pump was hit.\u2069"
    )


def test_approving_raises_no_alert(workspace, analyst, reviewer):
    claim = ClaimFactory(workspace=workspace, created_by=analyst)
    approve(submit_for_review(claim, user=analyst), user=reviewer)
    assert not Alert.objects.exists()


def test_an_author_who_left_the_workspace_gets_no_alert(workspace, analyst, reviewer, ws_admin):
    claim = submit_for_review(ClaimFactory(workspace=workspace, created_by=analyst), user=analyst)
    Membership.objects.filter(user=analyst).delete()
    reject(claim, user=reviewer, comment="no source given")
    assert not Alert.objects.exists()


def test_alerts_hash_the_columns_added_for_rejections_only_when_set(workspace, analyst, reviewer, source):
    """Alerts written before the claim and annotation columns existed must still verify."""
    rejected(ClaimFactory(workspace=workspace, created_by=analyst), analyst, reviewer)
    note = AnnotationFactory(workspace=workspace, passages=[PassageFactory(source=source)], author=analyst)
    rejected(note, analyst, reviewer)
    rows = [row.history_id for row in Alert.history.order_by("history_id")]
    claim_row, note_row = (live_ledger().serialize("alert", rows)[row] for row in rows)
    assert ("claim_id" in claim_row, "annotation_id" in claim_row) == (True, False)
    assert ("claim_id" in note_row, "annotation_id" in note_row) == (False, True)
    assert verify_workspace(workspace.pk).ok


def test_the_inbox_shows_the_rejection_with_a_link_to_the_claim(client, workspace, analyst, reviewer):
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="Airstrikes reached 120 a week.")
    rejected(claim, analyst, reviewer)
    client.force_login(analyst)
    page = client.get(reverse("archive:alerts")).content.decode()
    assert "your work was rejected" in page
    assert "the figure is from another month" in page
    assert f'href="{reverse("archive:claim", args=[workspace.slug, claim.pk])}"' in page


def another_analyst(workspace):
    return MembershipFactory(
        workspace=workspace, role=Role.ANALYST, user=UserFactory(username="colleague")
    ).user


def test_an_alerts_history_is_for_its_recipient_and_auditors_only(client, workspace, analyst, reviewer):
    rejected(ClaimFactory(workspace=workspace, created_by=analyst), analyst, reviewer)
    url = reverse("archive:object_history", args=[workspace.slug, "alert", Alert.objects.get().pk])
    seen = {}
    for user in (analyst, reviewer, another_analyst(workspace)):
        client.force_login(user)
        seen[user.username] = client.get(url).status_code
    assert seen == {"analyst": 200, "reviewer": 200, "colleague": 404}


def test_the_activity_leaves_out_another_members_alerts(client, workspace, analyst, reviewer):
    rejected(ClaimFactory(workspace=workspace, created_by=analyst), analyst, reviewer, comment="see p. 4")
    url = reverse("archive:activity", args=[workspace.slug]) + "?model=alert"
    client.force_login(analyst)
    assert len(client.get(url).context["entries"]) == 1
    client.force_login(another_analyst(workspace))
    assert client.get(url).context["entries"] == []
