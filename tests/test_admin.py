from django.contrib.admin.sites import site
from django.test import RequestFactory

from archive.models import Source


def test_admin_cannot_edit_a_stored_source_text_that_passages_point_into(source, superuser):
    source_admin = site._registry[Source]
    request = RequestFactory().get("/")
    request.user = superuser
    assert "text" in source_admin.get_readonly_fields(request, source)
    assert "text" not in source_admin.get_readonly_fields(request, None)
