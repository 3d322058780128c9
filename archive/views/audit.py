"""The audit pages: the workspace's activity feed and its exports, each
object's history with diffs and reverts, and the history chain's status."""

import itertools
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from archive.audit.forms import ActivityFilter, FlagForm, RevertForm, ReviewDecisionForm, SubmitForm
from archive.audit.history import history_rows, object_versions
from archive.audit.kinds import REVIEWED, may_see_history, object_name, others_personal_entries
from archive.audit.ledger import live_ledger
from archive.audit.revert import may_revert, revert_object
from archive.audit.review import (
    latest_decision,
    latest_flag,
    may_decide,
    may_submit,
    rejection_comments,
    submission_notes,
    unapproved_evidence,
    with_evidence_review,
)
from archive.audit.verification import last_verification, verify_and_record
from archive.core.forms import id_from
from archive.core.spreadsheets import csv_download
from archive.models import Claim, HistoryChain, HistoryEntry, HistoryVerification, ReviewStatus
from archive.models.audit import GENESIS_HASH
from archive.permissions import (
    Action,
    WorkspaceRequest,
    can,
    can_change,
    get_in_workspace_or_404,
    workspace_view,
)
from archive.views.downloads import accepts_api_token
from archive.views.paging import NotAPage, paged
from archive.views.redirects import keep_refused, take_refused
from archive.views.refusals import refused

PAGE_SIZE = 50
EXPORT_COLUMNS = [
    "sequence",
    "recorded_at",
    "user",
    "action",
    "model",
    "object_id",
    "object_repr",
    "reason",
    "source_id",
    "claim_id",
    "history_id",
    "hash",
]


def report_errors(request: HttpRequest, form: forms.Form) -> None:
    """A refused form's errors as messages, for views that redirect back."""
    for errors in form.errors.values():
        messages.error(request, " ".join(str(error) for error in errors))


def _filter_form(request: WorkspaceRequest) -> ActivityFilter:
    return ActivityFilter(request.GET, workspace=request.workspace)


@workspace_view(Action.VIEW)
@require_safe
def activity(request: WorkspaceRequest) -> HttpResponse:
    """Every change in the workspace, newest first, filtered, a page at a time.

    Pages are cut by sequence number (`?before=N`), never by offset, so a
    page deep in a long history costs the same as the first.
    """
    form = _filter_form(request)
    entries, older, scope = [], None, []
    if form.is_valid():
        scope = form.scope()
        # Users in a second query: a join would let the planner sort the whole filtered set.
        page = form.entries().exclude(others_personal_entries(request.role, request.user))
        page = page.prefetch_related("user")
        before = _positive_int(request.GET.get("before"))
        if before is not None:
            page = page.filter(sequence__lt=before)
        entries = list(page[: PAGE_SIZE + 1])
        if len(entries) > PAGE_SIZE:
            entries = entries[:PAGE_SIZE]
            older = entries[-1].sequence
    filters = urlencode(form.active_filters())
    return render(
        request,
        "archive/audit/activity.html",
        {
            "form": form,
            "entries": entries,
            "scope": scope,
            "filters": filters,
            "older_query": urlencode({**form.active_filters(), "before": older}) if older else "",
            "paged": "before" in request.GET,
            "can_export": can(request.role, Action.AUDIT),
        },
    )


def _positive_int(value: str | None) -> int | None:
    number = id_from(value or "")
    return number if number else None


def _export_rows(form: ActivityFilter) -> Iterator[dict]:
    columns = [c for c in EXPORT_COLUMNS if c not in ("user", "action")]
    rows = form.entries().values(*columns, "user__username", "shown_action")
    for row in rows.iterator(chunk_size=2000):
        row["user"] = row.pop("user__username") or ""
        row["action"] = row.pop("shown_action")  # as the feed shows it
        row["recorded_at"] = row["recorded_at"].isoformat()
        yield {column: row[column] for column in EXPORT_COLUMNS}


def _invalid_filters(form: ActivityFilter) -> HttpResponse:
    errors = "; ".join(
        f"{field}: {' '.join(str(problem) for problem in problems)}"
        for field, problems in form.errors.items()
    )
    return HttpResponse(f"Bad filter: {errors}", status=400, content_type="text/plain; charset=utf-8")


def _export_name(request: WorkspaceRequest, extension: str) -> str:
    return f"{request.workspace.slug}-activity-{timezone.now():%Y%m%dT%H%M%SZ}.{extension}"


@accepts_api_token
@workspace_view(Action.AUDIT)
@require_safe
def activity_csv(request: WorkspaceRequest) -> HttpResponse | StreamingHttpResponse:
    """Exactly the rows the same filters show in the feed, as CSV, newest first."""
    form = _filter_form(request)
    if not form.is_valid():
        return _invalid_filters(form)
    rows = ([row[column] for column in EXPORT_COLUMNS] for row in _export_rows(form))
    return csv_download(itertools.chain([EXPORT_COLUMNS], rows), _export_name(request, "csv"))


@accepts_api_token
@workspace_view(Action.AUDIT)
@require_safe
def activity_json(request: WorkspaceRequest) -> HttpResponse | StreamingHttpResponse:
    """Exactly the rows the same filters show in the feed, as JSON, with the chain's head."""
    form = _filter_form(request)
    if not form.is_valid():
        return _invalid_filters(form)
    chain = HistoryChain.objects.filter(workspace=request.workspace).first()
    header = {
        "workspace": request.workspace.slug,
        "exported_at": timezone.now().isoformat(),
        "filters": form.active_filters(),
        "head": {"sequence": chain.length, "hash": chain.head_hash} if chain else None,
    }

    def chunks() -> Iterator[str]:
        # The header object, left open for the entries, which are streamed one by one.
        yield json.dumps(header)[:-1] + ', "entries": ['
        for index, row in enumerate(_export_rows(form)):
            yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(request, "json")}"'
    return response


@workspace_view(Action.VIEW)
@require_safe
def object_history(request: WorkspaceRequest, model: str, object_id: int) -> HttpResponse:
    """Every version of one object, newest first, a page at a time, each with what it changed.

    `?version=H` opens the page of the version whose history row is H, at that version.
    """
    rows = history_rows(workspace=request.workspace, model_name=model, object_id=object_id)
    if rows is None or not may_see_history(request.role, request.user, model, object_id):
        raise Http404("No history here.")
    if (wanted := _positive_int(request.GET.get("version"))) is not None:
        return _page_of_version(request, rows, wanted)
    try:
        listed = paged(request, rows, per_page=PAGE_SIZE)
    except NotAPage as error:
        return refused(request, str(error))
    page = listed.page
    shown = list(page)
    # The row before the page's oldest, which that one's changes are read against.
    before = rows[page.end_index()] if page.has_next() else None
    versions = object_versions(workspace=request.workspace, model_name=model, rows=shown, before=before)
    latest = shown[0] if page.number == 1 else rows[0]
    exists = latest.history_type != "-"
    model_class = live_ledger().history_models[model].instance_type
    revertible = may_revert(request.role, model)
    kept = take_refused(request, f"revert-{model}-{object_id}") or {}
    for version in versions:
        row = version["row"]
        # Any version but the current one can be gone back to; a deleted object, to any version.
        if revertible and row.history_type != "-" and (row.history_id != latest.history_id or not exists):
            again = kept.get("history_id") == str(row.history_id)
            version["revert_form"] = RevertForm(
                initial={
                    "history_id": row.history_id,
                    "latest_history_id": latest.history_id,
                    "reason": kept["reason"] if again else "",
                },
                auto_id=f"id_revert_{row.history_id}_%s",  # one form per version: ids of its own
            )
            version["revert_open"] = again
    title = (
        HistoryEntry.objects.filter(workspace=request.workspace, model=model, object_id=object_id)
        .order_by("-sequence")
        .values_list("object_repr", flat=True)
        .first()
    )
    return render(
        request,
        "archive/audit/history.html",
        {
            "model": model,
            "object_id": object_id,
            "verbose_name": model_class._meta.verbose_name,
            "title": title or "",
            "versions": versions,
            "listed": listed,
            # The ordered list counts down across pages: its first item is this version's number.
            "first_number": page.paginator.count - page.start_index() + 1,
            "exists": exists,
            "present_url": _page_url(request, model, object_id, "") if exists else None,
            "as_of_url": _page_url(request, model, object_id, "_as_of"),
            "review": review_forms(request, model, object_id) if exists else None,
        },
    )


def _page_of_version(request: WorkspaceRequest, rows: QuerySet, history_id: int) -> HttpResponse:
    """To the history page that shows the version of history row `history_id`, at it (the
    first page if there is no such row)."""
    row = rows.filter(history_id=history_id).first()
    if row is None:
        return redirect(request.path)
    newer = rows.filter(
        Q(history_date__gt=row.history_date) | Q(history_date=row.history_date, history_id__gt=history_id)
    ).count()
    return redirect(f"{request.path}?page={newer // PAGE_SIZE + 1}#v{history_id}")


def _page_url(request: WorkspaceRequest, model: str, object_id: int, suffix: str) -> str | None:
    """The reading page of a source or the page of a claim (now, or `_as_of` a time)."""
    if model not in ("source", "claim"):
        return None
    return reverse(
        f"archive:{model}{suffix}", kwargs={"slug": request.workspace.slug, f"{model}_id": object_id}
    )


def decision_form_name(model: str, object_id: int) -> str:
    """The name a refused decision's comment is kept under (archive.views.redirects)."""
    return f"decision-{model}-{object_id}"


def review_forms(request: WorkspaceRequest, model: str, object_id: int) -> dict | None:
    """The review status of an annotation, claim or evidence, and what this user may do about it."""
    if model not in REVIEWED:
        return None
    # A claim with its evidence's review statuses, counted in the query that loads it.
    objects = with_evidence_review(Claim.objects.all()) if model == "claim" else REVIEWED[model].objects.all()
    obj = objects.filter(workspace=request.workspace, pk=object_id).first()
    if obj is None:
        return None
    initial = {"version": obj.version}
    may_revise = obj.review_status == ReviewStatus.REJECTED and can_change(request.role, request.user, obj)
    comments = rejection_comments(workspace=request.workspace, kind=model, ids=[obj.pk]) if may_revise else {}
    notes = submission_notes(workspace=request.workspace, kind=model, ids=[obj.pk])
    deciding = may_decide(request.role, request.user, obj)
    decided = obj.review_status in (ReviewStatus.APPROVED, ReviewStatus.REJECTED)
    decision = latest_decision(workspace=request.workspace, kind=model, object_id=obj.pk) if decided else None
    # Shown together, and with the page's other forms: each has ids of its own.
    return {
        "obj": obj,
        "comment": comments.get(obj.pk, ""),
        "submission_note": notes.get(obj.pk, ""),
        # Who gave it its status: unless a revert brought back another (no decision made it).
        "decision": decision if decision is not None and decision.action == obj.review_status else None,
        "flag": latest_flag(workspace=request.workspace, kind=model, object_id=obj.pk),
        "submit_form": (
            SubmitForm(initial=initial, auto_id="id_submit_%s")
            if may_submit(request.role, request.user, obj)
            else None
        ),
        "decision_form": (
            ReviewDecisionForm(
                initial={**initial, **(take_refused(request, decision_form_name(model, obj.pk)) or {})},
                auto_id="id_decision_%s",
            )
            if deciding
            else None
        ),
        # What approving a claim leaves unapproved, said to whoever decides on it.
        "unapproved_evidence": unapproved_evidence(obj) if deciding and isinstance(obj, Claim) else None,
        "flag_form": (
            FlagForm(initial=initial, auto_id="id_flag_%s") if can(request.role, Action.REVIEW) else None
        ),
    }


@workspace_view(Action.REVIEW)
@require_POST
def revert(request: WorkspaceRequest, model: str, object_id: int) -> HttpResponse:
    """Go back to an earlier version (or bring a deleted object back), with a reason."""
    get_in_workspace_or_404(HistoryEntry.objects, request.workspace, model=model, object_id=object_id)
    history_url = reverse("archive:object_history", args=[request.workspace.slug, model, object_id])
    form = RevertForm(request.POST)
    # Refused, the reason typed comes back in its version's form, open.
    kept = {"history_id": request.POST.get("history_id", ""), "reason": request.POST.get("reason", "")}
    if not form.is_valid():
        report_errors(request, form)
        keep_refused(request, form=f"revert-{model}-{object_id}", data=kept)
        return redirect(history_url)
    try:
        outcome = revert_object(
            workspace=request.workspace,
            model_name=model,
            object_id=object_id,
            history_id=form.cleaned_data["history_id"],
            latest_history_id=form.cleaned_data["latest_history_id"],
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        keep_refused(request, form=f"revert-{model}-{object_id}", data=kept)
        return redirect(history_url)
    done = "Restored" if outcome.restored else "Reverted"
    messages.success(request, f"{done}: {outcome.obj}")
    for note in outcome.notes:
        messages.warning(request, note)
    return redirect(history_url)


@workspace_view(Action.AUDIT)
@require_safe
def audit_status(request: WorkspaceRequest) -> HttpResponse:
    """The chain's head now, and the last recorded verification (verifying is too slow for every load)."""
    chain = HistoryChain.objects.filter(workspace=request.workspace).first()
    length, head_hash = (chain.length, chain.head_hash) if chain else (0, GENESIS_HASH)
    verification = last_verification(request.workspace.pk)
    context = {
        "chain": chain,
        "length": length,
        "head_hash": head_hash,
        "verification": verification,
        "culprit": _culprit(request, verification) if verification and not verification.ok else None,
        "added_since": length - verification.length if verification else 0,
    }
    return render(request, "archive/audit/status.html", context)


def _culprit(request: WorkspaceRequest, verification: HistoryVerification) -> dict[str, Any] | None:
    """The object a failed verification found wrong, as its problem names it (`before` and
    `after` that name in it), with its history page; None if no entry of it is left."""
    if verification.sequence is None:
        return None
    entry = HistoryEntry.objects.filter(workspace=request.workspace, sequence=verification.sequence).first()
    if entry is None or entry.model not in live_ledger().history_models:
        return None
    name = object_name(entry.model, entry.object_repr)
    before, named, after = verification.problem.partition(name)
    return {
        "name": name,
        "url": reverse("archive:object_history", args=[request.workspace.slug, entry.model, entry.object_id]),
        "named": bool(named),
        "before": before,
        "after": after,
    }


@workspace_view(Action.AUDIT)
@require_POST
def audit_verify(request: WorkspaceRequest) -> HttpResponse:
    """Verify the whole chain now and record the result, for the status page."""
    verification = verify_and_record(workspace_id=request.workspace.pk, user=request.user)
    if verification.ok:
        messages.success(request, f"Verified: all {verification.checked} entries link up.")
    else:
        messages.error(request, f"Verification failed: {verification.problem}")
    return redirect("archive:audit_status", request.workspace.slug)
