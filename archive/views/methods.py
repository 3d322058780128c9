"""The HTTP methods a page takes; any other is refused with 405 (and changes nothing)."""

from django.views.decorators.http import require_http_methods

# A page with a form: shown (GET, and HEAD as for any page), and posted.
require_form_methods = require_http_methods(["GET", "HEAD", "POST"])
