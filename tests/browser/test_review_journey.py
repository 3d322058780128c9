"""Review from end to end, in Chromium, on the real article.

The analyst highlights and annotates a passage, cites another as evidence for
a new claim and submits both from the reading page; the reviewer works through
the queue (keyboard keys included), approving one and rejecting the other with
a comment; the analyst reads the outcome, revises the rejected note and
submits it again; the reviewer approves it. The database and the history are
checked after each step, and axe-core finds no serious or critical problem on
any page the journey passes through.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Annotation, Claim, Evidence, HistoryAction, HistoryEntry, ReviewStatus
from tests.browser.accessibility import assert_accessible
from tests.browser.reading import annotate, open_reading_page, select
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory, PassageFactory, SourceFactory

NOTED = "captured many areas in the city"
CITED = "the factions of the armed opposition retreated"
STATEMENT = "Opposition factions in Aleppo retreated to the central neighbourhoods"
COMMENT = "Name the areas: the article lists them (al-Khalidiyya, Ramouseh)."
REVISED = "Al-Tawhid Brigade captured al-Khalidiyya to Ramouseh, most of the old city."


def actions(obj) -> list[str]:
    """The object's history in the ledger, oldest first: created, submitted, rejected, ..."""
    entries = HistoryEntry.objects.filter(model=obj._meta.model_name, object_id=obj.pk).order_by("sequence")
    return list(entries.values_list("action", flat=True))


def sidebar_item(page, obj):
    return page.locator(f"#reading-items #{obj._meta.model_name}-{obj.pk}")


def queue_url(workspace) -> str:
    return reverse("archive:review_queue", args=[workspace.slug])


def history_url(obj) -> str:
    return reverse("archive:object_history", args=[obj.workspace.slug, obj._meta.model_name, obj.pk])


def claim_url(claim) -> str:
    return reverse("archive:claim", args=[claim.workspace.slug, claim.pk])


def visit(page, url: str, where: str):
    """Open `url`, expect a 200 and a page axe-core has nothing serious or critical against."""
    response = page.goto(url)
    assert response is not None and response.status == 200, where
    assert_accessible(page, where)


@pytest.fixture
def article(workspace, corpus_text):
    assert corpus_text.count(NOTED) == 1 and corpus_text.count(CITED) == 1
    return SourceFactory(workspace=workspace, text=corpus_text, title="Why Aleppo fell and Daraa withstood")


def analyst_annotates_cites_and_submits(page, article) -> tuple[Annotation, Evidence]:
    open_reading_page(page, article)
    assert_accessible(page, "reading page (analyst, before)")
    annotate(page, NOTED, "Which areas? Check against the brigade's own statements.")
    select(page, CITED)
    page.get_by_role("button", name="Cite as evidence").click()
    page.get_by_role("combobox").fill(STATEMENT)
    page.get_by_role("option", name=f"New claim: “{STATEMENT}”").click()
    page.get_by_label("supports").check()
    page.get_by_label("Note", exact=True).fill("The article's account of the fall of Aleppo.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#source-text mark.hl-supports")

    annotation, evidence = Annotation.objects.get(), Evidence.objects.select_related("claim", "passage").get()
    assert [p.exact for p in annotation.passages.all()] == [NOTED]
    assert (evidence.passage.exact, evidence.claim.statement) == (CITED, STATEMENT)
    assert {annotation.review_status, evidence.review_status} == {ReviewStatus.DRAFT}
    assert actions(annotation) == actions(evidence) == [HistoryAction.CREATED]

    # Both drafts go to the reviewers from the reading page.
    page.reload()
    page.wait_for_selector("#reading[data-ready=true]")
    page.locator("#submit-drafts summary").click()
    page.get_by_label("Note for the reviewer (optional)").fill("Both from the station's report.")
    page.get_by_role("button", name="Submit my drafts (2)").click()
    page.wait_for_selector("#reading[data-ready=true]")
    for obj in (annotation, evidence):
        obj.refresh_from_db()
        assert obj.review_status == ReviewStatus.SUBMITTED
        assert actions(obj) == [HistoryAction.CREATED, HistoryAction.SUBMITTED]
        assert obj.history.first().history_change_reason == "Both from the station's report."
        expect(sidebar_item(page, obj).locator(".meta .status").first).to_have_text("submitted")
    assert_accessible(page, "reading page (analyst, submitted)")
    assert page.errors == []
    return annotation, evidence


def reviewer_approves_evidence_and_rejects_note(page, workspace, annotation, evidence) -> None:
    visit(page, queue_url(workspace), "review queue (reviewer)")
    for obj, phrase in ((annotation, NOTED), (evidence, CITED)):
        item = page.locator(f"#queue-{obj._meta.model_name}-{obj.pk}")
        expect(item.locator("blockquote mark.quoted")).to_have_text(phrase)  # the passage, in context
        passage = obj.passages.get() if isinstance(obj, Annotation) else obj.passage
        expect(item.locator("a.open-highlight")).to_have_attribute(
            "href",
            reverse("archive:source", args=[workspace.slug, passage.source_id]) + f"#passage-{passage.pk}",
        )

    # Keys: j to the first item (the note, longest waiting), j to the evidence, a approves it.
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator(f"#queue-evidence-{evidence.pk}")).to_be_focused()
    page.keyboard.press("a")  # decided in place: the item leaves the queue
    expect(page.locator(f"#queue-evidence-{evidence.pk}")).to_have_count(0)
    evidence.refresh_from_db()
    assert evidence.review_status == ReviewStatus.APPROVED
    assert actions(evidence)[-1] == HistoryAction.APPROVED
    assert (
        HistoryEntry.objects.filter(object_id=evidence.pk, model="evidence").last().user.username
        == "reviewer"
    )

    # r with no comment goes to the comment field; then the comment, and r again rejects.
    note = page.locator(f"#queue-annotation-{annotation.pk}")
    page.keyboard.press("j")
    expect(note).to_be_focused()
    page.keyboard.press("r")
    comment = note.get_by_label("Comment (required to reject)")
    expect(comment).to_be_focused()
    comment.fill(COMMENT)
    note.focus()
    page.keyboard.press("r")
    said = f"Rejected: {annotation}"
    expect(page.locator("#queue-status")).to_have_text(said if said.endswith(".") else f"{said}.")
    annotation.refresh_from_db()
    assert annotation.review_status == ReviewStatus.REJECTED
    entry = (
        HistoryEntry.objects.filter(model="annotation", object_id=annotation.pk).order_by("sequence").last()
    )
    assert (entry.action, entry.reason) == (HistoryAction.REJECTED, COMMENT)
    expect(page.locator("#review-queue")).to_contain_text("Nothing waits for review.")
    assert_accessible(page, "review queue (reviewer, empty)")
    visit(page, history_url(annotation), "history page (reviewer)")
    visit(page, claim_url(evidence.claim), "claim page (reviewer)")
    visit(page, reverse("archive:claims", args=[workspace.slug]), "claims list (reviewer)")
    assert page.errors == []


def analyst_reads_revises_and_resubmits(page, article, annotation, evidence) -> None:
    open_reading_page(page, article)
    note, cited = sidebar_item(page, annotation), sidebar_item(page, evidence)
    expect(note.locator(".meta .status").first).to_have_text("rejected")
    expect(cited.locator(".meta .status").first).to_have_text("approved")
    expect(note.locator(".review-comment")).to_contain_text(COMMENT)
    assert_accessible(page, "reading page (analyst, decided)")

    cited.get_by_role("link", name=STATEMENT).click()
    page.wait_for_url(f"**{claim_url(evidence.claim)}")
    expect(page.locator(f"#evidence-{evidence.pk} .status")).to_have_text("approved")
    assert_accessible(page, "claim page (analyst)")
    visit(page, reverse("archive:claims", args=[evidence.claim.workspace.slug]), "claims list (analyst)")

    open_reading_page(page, article)
    note = sidebar_item(page, annotation)
    note.get_by_role("button", name="Edit").click()
    page.get_by_label("Note", exact=True).fill(REVISED)
    page.get_by_role("button", name="Save").click()
    expect(note.locator(".item-body")).to_have_text(REVISED)
    annotation.refresh_from_db()
    assert (annotation.body, annotation.review_status) == (REVISED, ReviewStatus.REJECTED)
    assert actions(annotation)[-1] == HistoryAction.CHANGED

    note.get_by_role("button", name="Submit again for review").click()
    expect(page.locator("#reading-status")).to_have_text("Note submitted for review.")
    annotation.refresh_from_db()
    assert annotation.review_status == ReviewStatus.SUBMITTED
    assert actions(annotation) == [
        HistoryAction.CREATED,
        HistoryAction.SUBMITTED,
        HistoryAction.REJECTED,
        HistoryAction.CHANGED,
        HistoryAction.SUBMITTED,
    ]
    expect(sidebar_item(page, annotation).locator(".meta .status").first).to_have_text("submitted")
    visit(page, history_url(annotation), "history page (analyst)")
    assert page.errors == []


def test_review_journey_analyst_and_reviewer(page_for, analyst, reviewer, workspace, article):
    analyst_page, reviewer_page = page_for(analyst), page_for(reviewer)
    annotation, evidence = analyst_annotates_cites_and_submits(analyst_page, article)
    reviewer_approves_evidence_and_rejects_note(reviewer_page, workspace, annotation, evidence)
    analyst_reads_revises_and_resubmits(analyst_page, article, annotation, evidence)

    # The reviewer approves the revised note, which shows no more in the queue.
    visit(reviewer_page, queue_url(workspace), "review queue (reviewer, resubmitted)")
    item = reviewer_page.locator(f"#queue-annotation-{annotation.pk}")
    expect(item.locator(".body")).to_have_text(REVISED)
    reviewer_page.keyboard.press("j")
    reviewer_page.keyboard.press("a")
    expect(reviewer_page.locator("#queue-status")).to_have_text(f"Approved: {annotation}.")
    annotation.refresh_from_db()
    assert annotation.review_status == ReviewStatus.APPROVED
    assert actions(annotation)[-2:] == [HistoryAction.SUBMITTED, HistoryAction.APPROVED]
    assert Claim.objects.get().review_status == ReviewStatus.DRAFT  # the claim was never submitted

    open_reading_page(analyst_page, article)
    expect(sidebar_item(analyst_page, annotation).locator(".meta .status").first).to_have_text("approved")
    assert analyst_page.errors == reviewer_page.errors == []


def _pages(world: dict, role: str) -> list[tuple[str, str]]:
    """Every kind of page, as (what, URL), that `role` may open."""
    slug = world["workspace"].slug
    source, claim, annotation = world["source"], world["claim"], world["annotation"]
    question, outlet = world["question"], world["outlet"]

    def url(name: str, *args) -> str:
        return reverse(f"archive:{name}", args=[slug, *args])

    pages = [
        ("home", reverse("archive:home")),
        ("search", reverse("archive:search") + "?q=Aleppo"),
        ("workspace", url("workspace")),
        ("reading page", url("source", source.pk)),
        ("source provenance", url("source_provenance", source.pk)),
        ("source as of", url("source_as_of", source.pk)),
        ("claims list", url("claims")),
        ("claim page", url("claim", claim.pk)),
        ("claim as of", url("claim_as_of", claim.pk)),
        ("questions", url("questions")),
        ("question", url("question", question.pk)),
        ("outlets", url("outlets")),
        ("activity", url("activity")),
        ("annotation history", url("object_history", "annotation", annotation.pk)),
        ("claim history", url("object_history", "claim", claim.pk)),
        ("discussion history", url("object_history", "discussion", world["discussion"].pk)),
        ("reply history", url("object_history", "reply", world["reply"].pk)),
    ]
    if role in ("analyst", "admin"):
        pages.append(("import", url("import")))
    if role in ("reviewer", "admin"):
        pages += [("review queue", url("review_queue")), ("audit status", url("audit_status"))]
    if role == "admin":
        pages += [
            ("text correction", url("source_text", source.pk)),
            ("derivation", url("source_derivation", source.pk)),
            ("outlet grade", url("outlet_grade", outlet.pk)),
        ]
    return pages


@pytest.fixture
def world(workspace, analyst, reviewer, corpus_text):
    from archive.audit.review import submit_for_review
    from archive.claims import reply
    from archive.models import Hypothesis, Question
    from tests.factories import OutletFactory

    outlet = OutletFactory(workspace=workspace)
    source = SourceFactory(workspace=workspace, text=corpus_text, title="Why Aleppo fell", outlet=outlet)
    start = corpus_text.index(NOTED)
    noted = PassageFactory(source=source, start=start, length=len(NOTED), created_by=analyst)
    start = corpus_text.index(CITED)
    cited = PassageFactory(source=source, start=start, length=len(CITED), created_by=analyst)
    annotation = AnnotationFactory(workspace=workspace, passages=[noted], author=analyst, body="Which areas?")
    claim = ClaimFactory(workspace=workspace, created_by=analyst, statement=STATEMENT)
    evidence = EvidenceFactory(claim=claim, passage=cited, created_by=analyst, stance="supports")
    for obj in (annotation, claim, evidence):
        submit_for_review(obj, user=analyst)
    answer = reply(item=annotation, user=reviewer, body="The article names them: al-Khalidiyya to Ramouseh.")
    reply(item=claim, user=reviewer, body="Is the summer of 2012 right?")
    question = Question.objects.create(workspace=workspace, text="Why did Aleppo fall?", created_by=analyst)
    Hypothesis.objects.create(question=question, claim=claim)
    return {
        "workspace": workspace,
        "source": source,
        "annotation": annotation,
        "claim": claim,
        "question": question,
        "outlet": outlet,
        "discussion": answer.discussion,
        "reply": answer,
    }


@pytest.mark.parametrize("role", ["analyst", "reviewer", "ws_admin"])
def test_every_page_kind_is_accessible_to_each_role(request, page_for, world, role):
    user = request.getfixturevalue(role)
    page = page_for(user)
    for what, url in _pages(world, user.memberships.get().role):
        visit(page, url, f"{what} ({role})")

    # Taking part in the claim's discussion, in the browser: the page stays accessible.
    page.goto(claim_url(world["claim"]))
    page.get_by_label("Your reply").fill(f"A reply from the {role}.")
    with page.expect_navigation():
        page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#discussion .replies")).to_contain_text(f"A reply from the {role}.")
    assert_accessible(page, f"claim page after a reply ({role})")
    # On the reading page, the reply form under the note opens from its summary.
    open_reading_page(page, world["source"])
    item = sidebar_item(page, world["annotation"])
    expect(item.locator(".discussion .replies")).to_contain_text("al-Khalidiyya to Ramouseh")
    item.locator("summary", has_text=re.compile(r"^Reply$")).click()  # not "Edit reply"
    assert_accessible(page, f"reading page with the reply form open ({role})")
    assert page.errors == []
