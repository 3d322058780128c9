"""An object's id as a form or a query string sends it (archive.core.forms.id_from)."""

import pytest
from django.urls import reverse

from archive.core.forms import id_from
from archive.models import Question


def test_ascii_digits_are_an_id():
    assert id_from("42") == 42


@pytest.mark.parametrize("value", ["", "-1", "4.2", "٤٢", "4 2", "9" * 19], ids=str)
def test_anything_else_is_no_id(value):
    assert id_from(value) is None


@pytest.mark.parametrize("value", ["٤٢", "9" * 30])
def test_a_passage_that_is_no_id_is_refused_on_a_questions_page_saying_so(client, analyst, workspace, value):
    question = Question.objects.create(workspace=workspace, text="Who cut the water?", created_by=analyst)
    client.force_login(analyst)
    url = reverse("archive:question_evidence", args=[workspace.slug, question.pk])
    response = client.post(url, {"passage": value}, follow=True)
    assert "Choose a passage." in [str(message) for message in response.context["messages"]]
    assert not question.evidence_items.exists()
