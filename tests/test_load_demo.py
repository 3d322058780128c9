import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from archive.audit.review import review_queue
from archive.models import Alignment, AnchorStatus, Claim, Evidence, PassageAnchor, Source, Stance, Workspace

LOGIN_LINE = re.compile(r"^\s+(\w+)\s+(demo-\w+) / (\S+)$", re.MULTILINE)


def run_load_demo() -> dict[str, str]:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return {username: password for _, username, password in LOGIN_LINE.findall(out.getvalue())}


def test_demo_has_a_derivation_chain_of_three_sources(db):
    run_load_demo()
    republication = Source.objects.get(derivation="republication")
    chain = republication.derivation_chain()
    assert [source.derivation or "original" for source in chain] == [
        "republication",
        "translation",
        "original",
    ]
    assert chain[-1].direction == "rtl"


def test_demo_has_a_translation_whose_original_is_not_archived(db):
    run_load_demo()
    translation = Source.objects.exclude(unarchived_title="").get()
    assert (translation.derivation, translation.derived_from, translation.language) == (
        "translation",
        None,
        "en",
    )
    assert translation.unarchived_original.language == "ar"


def test_demo_has_supporting_and_refuting_evidence_and_edits(db):
    run_load_demo()
    stances = set(Evidence.objects.values_list("stance", flat=True))
    assert {Stance.SUPPORTS, Stance.REFUTES} <= stances
    edited = Claim.history.filter(history_type="~").exclude(history_change_reason=None)
    assert edited.exists()


def test_demo_has_a_source_with_two_versions_and_its_passages_found_again(db):
    run_load_demo()
    republication = Source.objects.get(derivation="republication")
    first, second = republication.versions.order_by("number")
    assert "Update, 14 March" in second.text and "Update, 14 March" not in first.text
    carried = PassageAnchor.objects.filter(source_version=second)
    assert carried.exists()
    # Kept by the edit, so exact, though each now starts further on.
    assert {anchor.status for anchor in carried} == {AnchorStatus.EXACT}
    assert all(anchor.start > anchor.carried_from.start for anchor in carried)
    for passage in republication.passages.all():
        assert republication.text[passage.start : passage.end] == passage.exact


def test_demo_prints_working_generated_passwords(db):
    logins = run_load_demo()
    assert set(logins) == {"demo-analyst", "demo-reviewer", "demo-admin"}
    request = RequestFactory().post("/accounts/login/")
    for username, password in logins.items():
        assert len(password) >= 12
        assert authenticate(request, username=username, password=password) is not None


def test_load_demo_is_idempotent_and_passwords_change(db):
    first = run_load_demo()
    counts = (Source.objects.count(), Evidence.objects.count(), Claim.objects.count())
    second = run_load_demo()
    assert (Source.objects.count(), Evidence.objects.count(), Claim.objects.count()) == counts
    assert first["demo-analyst"] != second["demo-analyst"]


def test_the_demo_sources_are_aligned_once_loaded(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_load_demo()
    aligned = dict(Alignment.objects.values_list("source__derivation", "counterpart__derivation"))
    assert aligned == {"translation": "", "republication": "translation"}
    translation = Source.objects.get(derivation="translation", derived_from__isnull=False)
    assert translation.alignment.links.count() >= 5


def test_demo_reviewer_finds_a_claim_and_an_annotation_waiting_for_review(db):
    run_load_demo()
    queue = review_queue(workspace=Workspace.objects.get(slug="demo"))
    assert sorted((item.kind, item.author.username) for item in queue) == [
        ("annotation", "demo-analyst"),
        ("claim", "demo-analyst"),
    ]


def test_the_demos_text_correction_is_made_by_an_admin_as_the_pages_allow(db):
    run_load_demo()
    republication = Source.objects.get(derivation="republication")
    corrected = republication.history.filter(history_change_reason__contains="update note").get()
    assert corrected.history_user.username == "demo-admin"


def test_the_demos_verdict_is_given_by_the_claims_author_and_its_grade_by_the_reviewer(db):
    run_load_demo()
    claim = Claim.objects.get(status="debunked")
    versions = list(claim.history.order_by("history_date", "history_id"))
    graded = next(v for v in versions if v.credibility_reason)
    judged = next(v for v in versions if v.status == "debunked")
    assert (graded.history_user.username, judged.history_user.username) == ("demo-reviewer", "demo-analyst")
    assert graded.status != "debunked"


def test_load_demo_refuses_where_demo_data_is_off_and_makes_no_account(db, settings):
    settings.DEMO_DATA = False
    with pytest.raises(CommandError, match="DEMO_DATA=true"):
        run_load_demo()
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()
    assert not Workspace.objects.filter(slug="demo").exists()
