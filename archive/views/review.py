"""The review workflow's pages: the reviewers' queue, submitting, deciding."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from archive.api.errors import Gone
from archive.audit import review
from archive.audit.forms import (
    FlagForm,
    ReviewDecisionForm,
    ReviewQueueFilter,
    SubmitDraftsForm,
    SubmitForm,
    submit_drafts_form_name,
)
from archive.audit.kinds import REVIEWED, Reviewed
from archive.core.editing import StaleVersion
from archive.models import Annotation, Evidence, Source
from archive.permissions import Action, WorkspaceRequest, get_in_workspace_or_404, workspace_view
from archive.views import refusals
from archive.views.annotations import annotation_state, evidence_state
from archive.views.audit import decision_form_name, report_errors
from archive.views.gone import gone_page, missing
from archive.views.json_endpoints import json_endpoint, read_json
from archive.views.paging import NotAPage, paged
from archive.views.redirects import keep_refused, posted_next

QUEUE_PAGE = 20  # items, each with its context and decision form
# A decision the queue refused without JS, shown at its item on the queue it redirects to.
REFUSED_KEY = "review_refused"


def _reviewed(request: WorkspaceRequest, model: str, object_id: int):
    """The item; one deleted meanwhile is Gone (410, saying who deleted it, when and why), as
    its edits answer (archive.views.gone), anything else not there a 404."""
    if model not in REVIEWED:
        raise Http404("Only annotations, claims and evidence are reviewed.")
    found = REVIEWED[model].objects.filter(workspace=request.workspace, pk=object_id).first()
    if found is None:
        raise missing(request, REVIEWED[model], object_id)
    return found


def _back(request: WorkspaceRequest, model: str, object_id: int) -> HttpResponse:
    """To the page the form was on, or else to the object's history."""
    history = reverse("archive:object_history", args=[request.workspace.slug, model, object_id])
    return HttpResponseRedirect(posted_next(request) or history)


def _refusal(error: ValidationError | StaleVersion) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


@workspace_view(Action.REVIEW)
@require_safe
def review_queue(request: WorkspaceRequest) -> HttpResponse:
    """What waits for review, longest waiting first, each with its context and a decision form."""
    filter_form = ReviewQueueFilter(request.GET, workspace=request.workspace)
    waiting = (
        review.waiting_items(workspace=request.workspace, filters=filter_form.filters())
        if filter_form.is_valid()
        else []
    )
    try:
        listed = paged(request, waiting, per_page=QUEUE_PAGE)
    except NotAPage as error:
        return refusals.refused(request, str(error))
    items = review.queue_items(workspace=request.workspace, waiting=list(listed.page))
    refused = request.session.pop(REFUSED_KEY, None)
    # One form per item: ids of their own (names unchanged), so no two fields share one;
    # none for what one wrote or changed since its last decision: another reviewer decides.
    forms = [
        _decision_form(item, refused)
        if review.may_decide(request.role, request.user, item.obj, changed_by=item.changed_by)
        else None
        for item in items
    ]
    if refused and not any(form is not None and form.errors for form in forms):
        messages.error(request, refused["error"])  # no longer listed here: said at the top
    return render(
        request,
        "archive/audit/review_queue.html",
        {
            "queue": list(zip(items, forms, strict=True)),
            "own_work": review.OWN_WORK,
            "listed": listed,
            "filter_form": filter_form,
            "filtered": any(request.GET.get(name) for name in filter_form.fields),
        },
        # A filter refused is a bad request, as on the other lists: the page says which.
        status=200 if filter_form.is_valid() else 400,
    )


def _decision_form(item: Any, refused: dict[str, Any] | None) -> ReviewDecisionForm:
    """The item's decision form: the one refused, with what was typed and why, if it is this item's."""
    auto_id = f"id_{item.kind}_{item.obj.pk}_%s"
    if refused and refused["item"] == f"{item.kind}-{item.obj.pk}":
        form = ReviewDecisionForm(
            {"version": item.obj.version, "decision": refused["decision"], "comment": refused["comment"]},
            auto_id=auto_id,
        )
        form.is_valid()
        if refused["error"] not in form.errors.get("comment", []):
            form.add_error("comment" if refused["field"] else None, refused["error"])
        # The page opens at the refused item, its comment focused.
        attrs = form.fields["comment"].widget.attrs
        attrs.update(autofocus=True, **{"aria-describedby": f"queue-{item.kind}-{item.obj.pk}-error"})
        if refused["field"]:
            attrs["aria-invalid"] = "true"
        return form
    return ReviewDecisionForm(initial={"version": item.obj.version}, auto_id=auto_id)


def _from_queue(request: WorkspaceRequest) -> str | None:
    """The queue's address (with its filters and page) the form was posted from, if it was."""
    target = posted_next(request)
    queue = reverse("archive:review_queue", args=[request.workspace.slug])
    return target if target and urlsplit(target).path == queue else None


def _refused_in_queue(
    request: WorkspaceRequest, model: str, object_id: int, queue: str, **refusal
) -> HttpResponse:
    """Back to the queue at the refused item, where the refusal and the comment typed are shown."""
    request.session[REFUSED_KEY] = {
        "item": f"{model}-{object_id}",
        "decision": request.POST.get("decision", ""),
        "comment": request.POST.get("comment", ""),
        **refusal,
    }
    # No #anchor: a page opened at one focuses no autofocus field, and the comment's focus
    # brings the item into view anyway.
    return HttpResponseRedirect(queue.split("#")[0])


def _keep_comment(request: WorkspaceRequest, model: str, object_id: int) -> None:
    """A decision refused on an item's page: the comment typed comes back in its form there
    (archive.views.audit.review_forms)."""
    if comment := request.POST.get("comment", ""):
        keep_refused(request, form=decision_form_name(model, object_id), data={"comment": comment})


Act = Callable[[Reviewed, dict[str, Any]], str]


@json_endpoint
def _decide_json(
    request: WorkspaceRequest, model: str, object_id: int, form_class: type[forms.Form], act: Act
) -> JsonResponse:
    """The fetch() path: the same form, read from JSON; refusals in the JSON endpoints' format
    (an item deleted meanwhile: 410, who deleted it, when and why)."""
    obj = _reviewed(request, model, object_id)
    form = form_class(read_json(request, allowed=set(form_class.base_fields)))
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    try:
        done = act(obj, form.cleaned_data)
    except ObjectDoesNotExist:  # deleted while this request waited for its row lock
        raise missing(request, type(obj), object_id) from None
    obj.refresh_from_db()  # the transition saved a copy it locked
    answer: dict[str, Any] = {
        "message": f"{done}: {obj}",
        "review_status": obj.review_status,
        "review_status_label": obj.get_review_status_display(),
    }
    # The reading page shows the item anew, as after an edit there.
    if isinstance(obj, Annotation):
        answer.update(annotation_state(request, obj))
    elif isinstance(obj, Evidence):
        answer.update(evidence_state(request, obj))
    return JsonResponse(answer)


def _decide(
    request: WorkspaceRequest,
    model: str,
    object_id: int,
    form_class: type[forms.Form],
    act: Act,
) -> HttpResponse:
    """Read `form_class` from the POST and `act` on the item with its data (it returns
    what was done, for the message); a refusal is shown instead; back to the form's page.
    Posted as JSON (the pages' scripts decide in place), it answers in JSON."""
    if request.content_type == "application/json":
        return _decide_json(request, model, object_id, form_class, act)
    try:
        obj = _reviewed(request, model, object_id)
    except Gone:  # deleted meanwhile: the page saying who deleted it, when and why
        return gone_page(request, REVIEWED[model], object_id)
    form = form_class(request.POST)
    queue = _from_queue(request)
    if not form.is_valid():
        if queue:
            field, errors = next(iter(form.errors.items()))
            return _refused_in_queue(
                request,
                model,
                object_id,
                queue,
                error=" ".join(str(error) for error in errors),
                field=field != "__all__",
            )
        report_errors(request, form)
        _keep_comment(request, model, object_id)
        return _back(request, model, object_id)
    try:
        done = act(obj, form.cleaned_data)
    except ObjectDoesNotExist:  # deleted while this request waited for its row lock
        return gone_page(request, type(obj), object_id)
    except (ValidationError, StaleVersion) as error:
        if queue:
            return _refused_in_queue(request, model, object_id, queue, error=_refusal(error), field=False)
        messages.error(request, _refusal(error))
        _keep_comment(request, model, object_id)
    else:
        messages.success(request, f"{done}: {obj}")
    return _back(request, model, object_id)


@workspace_view(Action.CONTRIBUTE)
@require_POST
def submit_for_review(request: WorkspaceRequest, model: str, object_id: int) -> HttpResponse:
    def act(obj: Reviewed, data: dict[str, Any]) -> str:
        review.submit_for_review(
            obj, user=request.user, expected_version=data["version"], reason=data["reason"]
        )
        return "Submitted for review"

    return _decide(request, model, object_id, SubmitForm, act)


@workspace_view(Action.CONTRIBUTE)
@require_POST
def submit_drafts(request: WorkspaceRequest, source_id: int) -> HttpResponse:
    """Submit every draft annotation and evidence of the user on a source, back to its reading page."""
    source = get_in_workspace_or_404(Source.objects.all(), request.workspace, pk=source_id)
    form = SubmitDraftsForm(request.POST)
    if not form.is_valid():  # nothing submitted: the note comes back to be put right
        report_errors(request, form)
        keep_refused(
            request, form=submit_drafts_form_name(source.pk), data={"reason": form.data.get("reason", "")}
        )
        return redirect("archive:source", request.workspace.slug, source.pk)
    try:
        submitted = review.submit_drafts_on_source(
            source=source, user=request.user, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, StaleVersion) as error:
        messages.error(request, _refusal(error))
    else:
        count = len(submitted)
        messages.success(request, f"Submitted for review: {count} draft{'s' if count != 1 else ''}.")
    return redirect("archive:source", request.workspace.slug, source.pk)


@workspace_view(Action.REVIEW)
@require_POST
def review_decision(request: WorkspaceRequest, model: str, object_id: int) -> HttpResponse:
    """Approve or reject a submitted item, as it stood when the reviewer read it."""

    def act(obj: Reviewed, data: dict[str, Any]) -> str:
        decide = review.approve if data["decision"] == "approve" else review.reject
        decide(obj, user=request.user, expected_version=data["version"], comment=data["comment"])
        return "Approved" if data["decision"] == "approve" else "Rejected"

    return _decide(request, model, object_id, ReviewDecisionForm, act)


@workspace_view(Action.REVIEW)
@require_POST
def flag(request: WorkspaceRequest, model: str, object_id: int) -> HttpResponse:
    """Flag an annotation, claim or evidence for the workspace's admins, with what to look at."""

    def act(obj: Reviewed, data: dict[str, Any]) -> str:
        review.flag_for_admin(obj, user=request.user, reason=data["reason"], expected_version=data["version"])
        return "Flagged for an admin"

    return _decide(request, model, object_id, FlagForm, act)
