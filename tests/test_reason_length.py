"""A reason is kept in every history page and export that shows its change: the forms and
the API take one of at most REASON_MAX_LENGTH characters, and the domain refuses one far
longer from any path (a megabyte once made a history page of 7 MB)."""

import pytest
from django.core.exceptions import ValidationError

from archive.core.attribution import REASON_MAX_LENGTH, check_reason
from archive.models import Annotation, Claim
from tests.factories import AnnotationFactory, ClaimFactory
from tests.support import api_client_for, etag_of

TOO_LONG = "y" * (REASON_MAX_LENGTH + 1)


@pytest.mark.parametrize("field", ["reason", "credibility_reason"])
def test_the_api_refuses_a_grade_reason_too_long_and_changes_nothing(ws_admin, workspace, field):
    claim = ClaimFactory(workspace=workspace)
    client, url = api_client_for(ws_admin), f"/api/claims/{claim.pk}/"
    body = {"credibility": 2, "reason": "the ministry confirmed it", field: TOO_LONG}
    response = client.patch(url, body, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 400
    assert f"no more than {REASON_MAX_LENGTH} characters" in str(response.json()[field])
    assert Claim.objects.get(pk=claim.pk).version == claim.version


def test_the_api_refuses_a_delete_reason_too_long_and_deletes_nothing(analyst, workspace):
    note = AnnotationFactory(workspace=workspace, author=analyst)
    client, url = api_client_for(analyst), f"/api/annotations/{note.pk}/"
    response = client.delete(f"{url}?reason={TOO_LONG}", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 400
    assert f"at most {REASON_MAX_LENGTH} characters" in str(response.json()["reason"])
    assert Annotation.objects.filter(pk=note.pk).exists()


def test_the_domain_takes_a_reason_with_the_archives_words_around_it_but_not_one_far_longer():
    check_reason("Back to review: the words it cites changed (" + "y" * REASON_MAX_LENGTH + ")")
    with pytest.raises(ValidationError, match=f"at most {REASON_MAX_LENGTH} characters"):
        check_reason("y" * 1_000_000)
