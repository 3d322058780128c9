"""Downloads that publish a claim: its evidence package (its ClaimReview is the API's,
api.views.ClaimReviewView); and the packages' verifier."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive.findings.package import PackageRefused, built_package, evidence_package, verifier_sha256
from archive.findings.package import verifier as verifier_source
from archive.findings.timestamp import TimestampUnavailable
from archive.models import Claim
from archive.permissions import (
    Action,
    WorkspaceRequest,
    get_in_workspace_or_404,
    public_view,
    workspace_view,
)
from archive.views.claims import render_claim
from archive.views.downloads import accepts_api_token
from archive.views.refusals import Refusal

# What to do, said on the claim's page after why its package was not built. A refusal comes
# back the same however often one tries: the evidence is not what was recorded, and an admin
# finds out what became of it with the checks they run on the Schedules page (or the
# verify_history and verify_fixity commands the refusal names).
PACKAGE_REFUSED_NEXT = (
    "Trying again will not help: the evidence is not what was recorded. Ask an admin of this "
    "workspace to check its history and files: “Verify the history chain now” and “Check fixity "
    "now” on its Schedules page, under Manage."
)
# The time-stamping authority may answer again in a while.
TIMESTAMP_UNAVAILABLE_NEXT = "Try again later, or ask an administrator."


@accepts_api_token
@workspace_view(Action.VIEW)
@require_safe
def claim_evidence_package(request: WorkspaceRequest, claim_id: int) -> HttpResponse:
    """Everything behind the claim, signed, for a recipient to verify offline. When the
    workspace's history or a file the package would hold is not what was recorded, the
    claim page says what (409: no package is signed that its own verifier would refuse);
    when the configured time-stamping authority fails, it says so too (503: the package
    would be missing the time-stamp the deployment promises, so none is handed out)."""
    claim = get_in_workspace_or_404(Claim.objects.select_related("workspace"), request.workspace, pk=claim_id)
    namespace = request.build_absolute_uri(reverse("archive:workspace", args=[request.workspace.slug]))
    # HEAD is answered as GET is, but hands no package out: none is recorded.
    build = evidence_package if request.method == "GET" else built_package
    try:
        package = build(claim, base_uri=namespace, user=request.user)
    except PackageRefused as error:
        return _refused_package(request, claim, 409, f"{error} {PACKAGE_REFUSED_NEXT}")
    except TimestampUnavailable as error:
        unavailable = _refused_package(request, claim, 503, f"{error} {TIMESTAMP_UNAVAILABLE_NEXT}")
        unavailable["Retry-After"] = "60"
        return unavailable
    response = HttpResponse(package.data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{package.filename}"'
    response["X-Signing-Key"] = package.fingerprint
    response["X-Package-Id"] = package.package_id
    response["X-Verifier-SHA256"] = verifier_sha256()
    return response


def _refused_package(request: WorkspaceRequest, claim: Claim, status: int, problem: str) -> Refusal:
    """The claim's page saying why its package was not built (to a script, the why alone)."""
    page = render_claim(request, claim, status=status, package_error=problem)
    return Refusal(page.content, status=status, problem=f"The evidence package was not built. {problem}")


@public_view
@require_safe
def verifier(request: HttpRequest) -> HttpResponse:
    """verify.py, byte for byte the copy every package carries. A recipient runs this one (or
    checks theirs against its SHA-256 on the workspace's page), never the copy in a package,
    which a forger can replace."""
    response = HttpResponse(verifier_source(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verify.py"'
    return response
