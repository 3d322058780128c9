"""Downloads that publish a claim: its evidence package and its ClaimReview."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from archive.findings.package import evidence_package
from archive.models import Claim
from archive.permissions import Action, WorkspaceRequest, get_in_workspace_or_404, workspace_view


@workspace_view(Action.VIEW)
@require_GET
def claim_evidence_package(request: WorkspaceRequest, claim_id: int) -> HttpResponse:
    """Everything behind the claim, signed, for a recipient to verify offline."""
    claim = get_in_workspace_or_404(Claim.objects.select_related("workspace"), request.workspace, pk=claim_id)
    namespace = request.build_absolute_uri(reverse("archive:workspace", args=[request.workspace.slug]))
    package = evidence_package(claim, base_uri=namespace)
    response = HttpResponse(package.data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{package.filename}"'
    response["X-Signing-Key"] = package.fingerprint
    return response
