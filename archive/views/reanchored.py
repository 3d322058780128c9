"""Confirming re-anchored passages in the browser: after a text correction or
a new capture, each moved, fuzzy or orphaned passage with where it was and
where it is now; an analyst accepts it, selects it anew or marks it orphaned."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from archive.core.attribution import REASON_MAX_LENGTH
from archive.core.editing import StaleVersion
from archive.core.graphemes import shorten
from archive.models import Passage, Source
from archive.passages.confirming import accept_anchor, orphan_passage, reanchored_passages, reselect_passage
from archive.permissions import Action, WorkspaceRequest, can, get_in_workspace_or_404, workspace_view
from archive.views.redirects import post_only_form

DECISIONS = {"accept", "reselect", "orphan"}
QUOTE_LENGTH = 120


def _render(
    request: WorkspaceRequest, source: Source, *, status: int = 200, error: str = "", failed: int = 0
):
    rows = reanchored_passages(source)
    context = {
        "source": source,
        "to_confirm": [row for row in rows if row.after is not None],
        "orphaned": [row for row in rows if row.after is None],
        "can_decide": can(request.role, Action.CONTRIBUTE),
        "error": error,
        "failed": failed,
    }
    return render(request, "archive/reanchored.html", context, status=status)


@workspace_view(Action.VIEW)
@require_safe
def reanchored(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """The source's passages to confirm after re-anchoring, and its orphans."""
    source = get_in_workspace_or_404(Source.objects.all(), request.workspace, pk=source_id)
    return _render(request, source)


@workspace_view(Action.CONTRIBUTE)
@post_only_form("archive:reanchored", keep=("source_id",))
def decide(request: WorkspaceRequest, source_id: int, passage_id: int) -> HttpResponse:
    """Accept, select anew or orphan one passage; back to the list with what was done."""
    source = get_in_workspace_or_404(Source.objects.all(), request.workspace, pk=source_id)
    passage = get_in_workspace_or_404(Passage.objects.all(), request.workspace, pk=passage_id, source=source)
    form = request.POST
    decision = form.get("decision", "")
    try:
        if decision not in DECISIONS:
            raise ValidationError("Choose to accept, select anew or mark orphaned.")
        version = int(form.get("version", ""))
        reason = form.get("reason", "")
        if len(reason) > REASON_MAX_LENGTH:
            raise ValidationError(f"The reason is too long: at most {REASON_MAX_LENGTH} characters.")
        if decision == "accept":
            passage = accept_anchor(
                passage=passage, user=request.user, expected_version=version, reason=reason
            )
            done = "Accepted where re-anchoring found it"
        elif decision == "orphan":
            passage = orphan_passage(
                passage=passage, user=request.user, expected_version=version, reason=reason
            )
            done = "Marked orphaned"
        else:
            start, end = int(form.get("start", "")), int(form.get("end", ""))
            passage = reselect_passage(
                passage=passage,
                user=request.user,
                start=start,
                end=end,
                expected_version=version,
                reason=reason,
            )
            done = "Selected anew"
    except Passage.DoesNotExist:
        raise Http404("The passage was deleted meanwhile.") from None
    except StaleVersion:
        return _render(
            request,
            source,
            status=409,
            error="Someone changed this passage meanwhile: here it is as it is now. Decide again.",
            failed=passage.pk,
        )
    except ValueError:
        return _render(
            request,
            source,
            status=400,
            error="Start, end and version must be whole numbers: select the passage in the text.",
            failed=passage.pk,
        )
    except ValidationError as error:
        return _render(request, source, status=400, error=" ".join(error.messages), failed=passage.pk)
    messages.success(request, f"{done}: “{shorten(passage.exact, QUOTE_LENGTH)}”.")
    return redirect("archive:reanchored", request.workspace.slug, source.pk)
