"""Approving a claim does not approve its evidence: where a reviewer decides on a claim
(the queue's card, the claim's page) it says how many of its pieces of evidence are not
approved yet, and the Approve button is described by a warning saying so."""

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.audit.review import approve, reject, review_queue, submit_for_review
from archive.models import Claim, Evidence
from tests.factories import ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory

WARNING = "Approving it does not approve its evidence."


@pytest.fixture
def source(workspace):
    return SourceFactory(workspace=workspace, text="Daraa, Monday. The station stopped. More soon. " * 4)


def _claim(workspace, analyst, source, *, evidence: int) -> Claim:
    """A claim with `evidence` draft pieces of evidence (not yet submitted itself)."""
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement="The station stopped.")
    for n in range(evidence):
        passage = PassageFactory(source=source, workspace=workspace, start=10 * n, length=10)
        EvidenceFactory(passage=passage, claim=claim, created_by=analyst)
    return claim


def _queue(client, reviewer, workspace) -> lxml.html.HtmlElement:
    client.force_login(reviewer)
    html = client.get(reverse("archive:review_queue", args=[workspace.slug])).content.decode()
    return lxml.html.fromstring(html)


def _claim_page(client, reviewer, claim) -> lxml.html.HtmlElement:
    client.force_login(reviewer)
    html = client.get(reverse("archive:claim", args=[claim.workspace.slug, claim.pk])).content.decode()
    return lxml.html.fromstring(html)


def _approve_button(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    [button] = root.xpath("//button[@name='decision'][@value='approve']")
    return button


def test_queue_card_says_how_much_of_a_claims_evidence_is_draft_or_waiting(
    client, analyst, reviewer, workspace, source
):
    claim = _claim(workspace, analyst, source, evidence=2)
    submit_for_review(claim.evidence.first(), user=analyst)
    submit_for_review(claim, user=analyst)
    card = _queue(client, reviewer, workspace).get_element_by_id(f"queue-claim-{claim.pk}")
    [said] = card.find_class("unapproved-evidence")
    assert said.text_content() == "2 of its 2 pieces of evidence are not approved yet: 1 draft, 1 waiting."


def test_queue_counts_rejected_evidence_as_not_approved(analyst, reviewer, workspace, source):
    claim = _claim(workspace, analyst, source, evidence=3)
    first, second, _ = claim.evidence.order_by("pk")
    approve(submit_for_review(first, user=analyst), user=reviewer)
    reject(submit_for_review(second, user=analyst), user=reviewer, comment="Wrong passage.")
    submit_for_review(claim, user=analyst)
    [item] = review_queue(workspace=workspace)
    assert item.unapproved_evidence is not None
    assert (item.unapproved_evidence.total, item.unapproved_evidence.count) == (3, 2)
    assert item.unapproved_evidence.by_status == [(1, "draft"), (1, "rejected")]


def test_queue_card_says_nothing_of_unapproved_evidence_when_all_of_it_is_approved(
    client, analyst, reviewer, workspace, source
):
    claim = _claim(workspace, analyst, source, evidence=2)
    for evidence in claim.evidence.all():
        approve(submit_for_review(evidence, user=analyst), user=reviewer)
    submit_for_review(claim, user=analyst)
    root = _queue(client, reviewer, workspace)
    root.get_element_by_id(f"queue-claim-{claim.pk}")  # listed
    assert not root.find_class("unapproved-evidence")
    assert WARNING not in root.text_content()
    assert _approve_button(root).get("aria-describedby") is None


def test_queue_card_says_nothing_of_unapproved_evidence_for_a_claim_without_any(
    client, analyst, reviewer, workspace, source
):
    claim = _claim(workspace, analyst, source, evidence=0)
    submit_for_review(claim, user=analyst)
    root = _queue(client, reviewer, workspace)
    root.get_element_by_id(f"queue-claim-{claim.pk}")  # listed
    assert not root.find_class("unapproved-evidence")
    assert WARNING not in root.text_content()


def test_queue_approve_button_is_described_by_the_warning_that_it_leaves_the_evidence(
    client, analyst, reviewer, workspace, source
):
    claim = _claim(workspace, analyst, source, evidence=1)
    submit_for_review(claim, user=analyst)
    root = _queue(client, reviewer, workspace)
    button = _approve_button(root)
    warning = root.get_element_by_id(button.get("aria-describedby"))
    assert warning.text_content() == WARNING
    # Before the buttons, in the claim's own form: read before deciding, not a dialog.
    assert warning.getparent() is button.getparent()
    assert warning.getparent().index(warning) < warning.getparent().index(button)


def test_claim_page_says_how_much_of_its_evidence_is_not_approved_to_a_reviewer(
    client, analyst, reviewer, workspace, source
):
    claim = _claim(workspace, analyst, source, evidence=1)
    submit_for_review(claim, user=analyst)
    [said] = _claim_page(client, reviewer, claim).find_class("unapproved-evidence")
    assert said.text_content() == "1 of its 1 piece of evidence is not approved yet: 1 draft."


def test_claim_page_approve_button_is_described_by_the_warning_that_it_leaves_the_evidence(
    client, analyst, reviewer, workspace, source
):
    claim = _claim(workspace, analyst, source, evidence=2)
    submit_for_review(claim, user=analyst)
    root = _claim_page(client, reviewer, claim)
    warning = root.get_element_by_id(_approve_button(root).get("aria-describedby"))
    assert warning.text_content() == WARNING


def test_claim_page_says_nothing_of_unapproved_evidence_when_all_of_it_is_approved(
    client, analyst, reviewer, workspace, source
):
    claim = _claim(workspace, analyst, source, evidence=1)
    approve(submit_for_review(claim.evidence.get(), user=analyst), user=reviewer)
    submit_for_review(claim, user=analyst)
    root = _claim_page(client, reviewer, claim)
    assert not root.find_class("unapproved-evidence")
    assert _approve_button(root).get("aria-describedby") is None


def test_queue_counts_unapproved_evidence_without_a_query_per_claim(
    client, analyst, reviewer, workspace, source
):
    def evidence_queries() -> int:
        """The queries of a load of the queue that read evidence."""
        with CaptureQueriesContext(connection) as done:
            client.get(url)
        return sum(Evidence._meta.db_table in query["sql"] for query in done.captured_queries)

    submit_for_review(_claim(workspace, analyst, source, evidence=2), user=analyst)
    client.force_login(reviewer)
    url = reverse("archive:review_queue", args=[workspace.slug])
    one_claim = evidence_queries()
    for _ in range(3):
        submit_for_review(_claim(workspace, analyst, source, evidence=2), user=analyst)
    assert evidence_queries() == one_claim
