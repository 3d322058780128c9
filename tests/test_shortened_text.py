"""Text shortened for display (page titles, lists, alerts, admin names, diffs)
never cuts a grapheme cluster in two: a flag right at the cut is kept whole or
left out, through the one helper, archive.core.graphemes.shorten."""

from pathlib import Path

import pytest
import regex
from django.conf import settings
from django.urls import reverse

from archive.audit.diffing import Segment, condensed
from archive.audit.review import reject, submit_for_review
from archive.claims.claims import create_claim
from archive.core.json_input import JSONInputError, parse_json_body
from archive.findings import ach
from archive.models import Alert, Job, JobKind, JobStatus
from tests.factories import ClaimFactory, PassageFactory

FLAG = "🇸🇾"
HALF_A_FLAG = "\U0001f1f8"  # its first regional indicator, alone


def flag_at(index: int, length: int) -> str:
    """`length` code points with the flag starting at `index`."""
    return ("x" * index + FLAG).ljust(length, "y")


def broken_flag(text: str) -> bool:
    """Whether `text` holds half a flag."""
    return HALF_A_FLAG in text.replace(FLAG, "")


def whole_clusters(shown: str, original: str) -> bool:
    """Whether `shown` is `original` or its first few whole clusters followed by "…"."""
    if shown == original:
        return True
    clusters = regex.findall(r"\X", original)
    kept = shown.removesuffix("…")
    return shown.endswith("…") and any("".join(clusters[:n]) == kept for n in range(len(clusters)))


def test_a_rejected_claims_alert_keeps_a_flag_at_the_cut_whole(workspace, analyst, reviewer):
    statement = flag_at(118, 200)
    claim = create_claim(workspace=workspace, user=analyst, statement=statement)
    reject(submit_for_review(claim, user=analyst), user=reviewer, comment="source?")
    message = Alert.objects.get().message
    quoted = message.split("\u2068", 1)[1].split("\u2069", 1)[0]
    assert whole_clusters(quoted, statement)
    assert not broken_flag(message)


def test_the_jobs_list_keeps_a_flag_in_a_long_target_whole(client, workspace, analyst):
    target = "https://example.org/" + flag_at(58, 120)
    Job.objects.create(
        kind=JobKind.CAPTURE, workspace=workspace, started_by=analyst, status=JobStatus.FAILED, target=target
    )
    client.force_login(analyst)
    page = client.get(reverse("archive:jobs")).content.decode()
    assert "https://example.org/" + "x" * 58 + "…" in page
    assert not broken_flag(page)


def test_a_question_page_title_keeps_a_flag_at_the_cut_whole(client, workspace, analyst):
    question = ach.create_question(workspace=workspace, user=analyst, text=flag_at(58, 100))
    client.force_login(analyst)
    page = client.get(reverse("archive:question", args=[workspace.slug, question.pk])).content.decode()
    title = regex.search(r"<title>(.*?)</title>", page, regex.S).group(1)
    assert "x" * 58 + "…" in title
    assert not broken_flag(title)


def test_an_objects_history_page_title_keeps_a_flag_at_the_cut_whole(client, workspace, analyst):
    claim = create_claim(workspace=workspace, user=analyst, statement=flag_at(58, 100))
    client.force_login(analyst)
    url = reverse("archive:object_history", args=[workspace.slug, "claim", claim.pk])
    page = client.get(url).content.decode()
    title = regex.search(r"<title>(.*?)</title>", page, regex.S).group(1)
    assert "x" * 58 + "…" in title
    assert not broken_flag(title)


def test_no_template_shortens_text_with_truncatechars():
    # Django's truncatechars counts code points and cuts flags and emoji sequences in two.
    users = [
        str(path.relative_to(settings.BASE_DIR))
        for path in Path(settings.BASE_DIR, "templates").rglob("*")
        if path.is_file() and "truncatechars" in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert users == []


def test_a_claims_name_in_the_admin_keeps_a_flag_at_the_cut_whole(workspace):
    statement = flag_at(76, 100)
    assert whole_clusters(str(ClaimFactory.build(workspace=workspace, statement=statement)), statement)


def test_a_passages_name_keeps_a_flag_at_the_cut_whole(workspace):
    exact = flag_at(56, 80)
    name = str(PassageFactory.build(workspace=workspace, exact=exact))
    assert whole_clusters(name.strip("“”"), exact)


def test_a_condensed_diff_keeps_a_flag_at_the_edge_of_its_context_whole():
    unchanged = "a" * 239 + FLAG + "b" * 1000 + FLAG + "c" * 239
    shown = condensed([Segment("insert", "new"), Segment("equal", unchanged), Segment("delete", "old")])
    assert shown[1].text.endswith(FLAG) and shown[3].text.startswith(FLAG)
    assert "".join(segment.text for segment in (shown[1], shown[3])).count(FLAG) == 2


def test_a_json_error_names_a_long_key_without_cutting_a_flag():
    key = flag_at(96, 120)
    with pytest.raises(JSONInputError) as refused:
        parse_json_body(('{"' + key + '": "\\ud800"}').encode())
    assert "x" * 96 + FLAG in str(refused.value)
    assert not broken_flag(str(refused.value))
