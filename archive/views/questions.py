"""Analysis of Competing Hypotheses pages: questions, the matrix, ratings, CSV."""

from collections.abc import Sequence
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from archive.core.forms import id_from
from archive.core.graphemes import shorten
from archive.core.spreadsheets import csv_download
from archive.core.text import isolated
from archive.findings import ach
from archive.models import (
    Claim,
    Consistency,
    Evidence,
    EvidenceItem,
    Hypothesis,
    Passage,
    Question,
    Rating,
)
from archive.models.grading import Credibility
from archive.passages.reads import passages_matching
from archive.permissions import (
    Action,
    WorkspaceRequest,
    can,
    can_change,
    get_in_workspace_or_404,
    workspace_view,
)
from archive.views.deleting import Deleting, delete_page
from archive.views.downloads import accepts_api_token
from archive.views.methods import require_form_methods
from archive.views.picking import passage_option, picked

DELETING = Deleting(
    kind="question",
    title_field="text",
    page="archive:question",
    listed="archive:questions",
    to_free_it="",  # nothing refers to a question
)


def _question(request: WorkspaceRequest, question_id: int) -> Question:
    return get_in_workspace_or_404(Question.objects.all(), request.workspace, pk=question_id)


def _back(request: WorkspaceRequest, question: Question) -> HttpResponse:
    return redirect("archive:question", request.workspace.slug, question.pk)


def _refused(request: WorkspaceRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@workspace_view(Action.VIEW)
@require_form_methods
def question_list(request: WorkspaceRequest) -> HttpResponse:
    if request.method == "POST":
        if not can(request.role, Action.CONTRIBUTE):
            raise PermissionDenied("Your role cannot start an analysis.")
        try:
            question = ach.create_question(
                workspace=request.workspace, user=request.user, text=request.POST.get("text", "")
            )
        except ValidationError as error:
            _refused(request, error)
            return redirect("archive:questions", request.workspace.slug)
        return _back(request, question)
    questions = Question.objects.filter(workspace=request.workspace)
    return render(
        request,
        "archive/questions.html",
        {"questions": questions, "can_contribute": can(request.role, Action.CONTRIBUTE)},
    )


@workspace_view(Action.VIEW)
@require_safe
def question_detail(request: WorkspaceRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    weighted = request.GET.get("weighted") == "1"
    found = ach.matrix(question, weighted=weighted)
    username = request.user.get_username()
    context = {
        "question": question,
        "matrix": found,
        # Rows with their cells in column order, each with this user's own rating.
        "rows": [
            {
                "row": row,
                "cells": [
                    {
                        "hypothesis": h,
                        "cell": row.cells[h.pk],
                        "mine": row.cells[h.pk].ratings.get(username, ""),
                        "name": f"cell-{row.item.pk}-{h.pk}",
                    }
                    for h in found.hypotheses
                ],
            }
            for row in found.rows
        ],
        "scores": [(h, found.inconsistency[h.pk]) for h in found.hypotheses],
        "values": Consistency.choices,
        "credibilities": Credibility.choices,
        "can_contribute": can(request.role, Action.CONTRIBUTE),
        "can_delete": can_change(request.role, request.user, question),
        # Only what this user may take out is offered (ach.take_out's rule).
        "removable_hypotheses": ach.removable(request.role, request.user, found.hypotheses),
        "removable_items": ach.removable(request.role, request.user, [row.item for row in found.rows]),
    }
    return render(request, "archive/question_detail.html", context)


@workspace_view(Action.CONTRIBUTE)
@require_form_methods
def question_delete(request: WorkspaceRequest, question_id: int) -> HttpResponse:
    """Delete a question with its analysis, with a reason."""
    question = _question(request, question_id)
    if not can_change(request.role, request.user, question):
        raise PermissionDenied("Only the question's author or a workspace admin can delete it.")
    return delete_page(request, question, DELETING, partial(ach.delete_question, question=question))


@workspace_view(Action.VIEW)
@require_safe
def question_passages(request: WorkspaceRequest, question_id: int) -> JsonResponse:
    """Passages cited as evidence and not yet weighed in the question, whose words or
    source's title contain `q` (the latest for an empty `q`), for the passage picker."""
    question = _question(request, question_id)

    def find(words: str) -> QuerySet[Passage]:
        return (
            passages_matching(workspace=request.workspace, words=words)
            .filter(pk__in=Evidence.objects.values("passage"))
            .exclude(evidence_items__question=question)
        )

    return picked(request, find, passage_option)


@workspace_view(Action.CONTRIBUTE)
@require_POST
def question_hypothesis(request: WorkspaceRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    claim_id = id_from(request.POST.get("claim", ""))
    claim = (
        get_in_workspace_or_404(Claim.objects.all(), request.workspace, pk=claim_id)
        if claim_id is not None
        else None
    )
    try:
        added = ach.add_hypothesis(
            question=question, user=request.user, claim=claim, statement=request.POST.get("statement", "")
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Added the hypothesis {isolated(added.claim.statement)}.")
    return _back(request, question)


@workspace_view(Action.CONTRIBUTE)
@require_POST
def question_evidence(request: WorkspaceRequest, question_id: int) -> HttpResponse:
    question = _question(request, question_id)
    passage_id = id_from(request.POST.get("passage", ""))
    if passage_id is None:
        messages.error(request, "Choose a passage.")
        return _back(request, question)
    passage = get_in_workspace_or_404(Passage.objects.all(), request.workspace, pk=passage_id)
    credibility = request.POST.get("credibility", "")
    try:
        added = ach.add_evidence_item(
            question=question,
            user=request.user,
            passage=passage,
            credibility=int(credibility) if credibility.isascii() and credibility.isdigit() else 6,
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Added the evidence {isolated(shorten(added.passage.exact, 140))}.")
    return _back(request, question)


@workspace_view(Action.CONTRIBUTE)
@require_POST
def question_take_out(request: WorkspaceRequest, question_id: int) -> HttpResponse:
    """Take a hypothesis or an evidence item out of the analysis, with a reason."""
    question = _question(request, question_id)
    kind, _, number = request.POST.get("what", "").partition("-")
    pk = id_from(number)
    if kind not in ("hypothesis", "item") or pk is None:
        messages.error(request, "Choose a hypothesis or a piece of evidence to take out.")
        return _back(request, question)
    what: Hypothesis | EvidenceItem
    if kind == "hypothesis":
        what = get_in_workspace_or_404(question.hypotheses.all(), request.workspace, pk=pk)
    else:
        what = get_in_workspace_or_404(question.evidence_items.all(), request.workspace, pk=pk)
    try:
        ach.take_out(what, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Taken out of the analysis: {isolated(what)}. Its history keeps it.")
    return _back(request, question)


@workspace_view(Action.CONTRIBUTE)
@require_POST
def question_ratings(request: WorkspaceRequest, question_id: int) -> HttpResponse:
    """The signed-in analyst's ratings of every cell, from one form; "—" (an empty
    value) withdraws one's rating of the cell."""
    question = _question(request, question_id)
    hypotheses = list(question.hypotheses.all())
    mine = {
        (item_id, hypothesis_id): value
        for item_id, hypothesis_id, value in Rating.objects.filter(
            item__question=question, analyst=request.user
        ).values_list("item_id", "hypothesis_id", "value")
    }
    saved = withdrawn = 0
    for item in question.evidence_items.all():
        for hypothesis in hypotheses:
            name = f"cell-{item.pk}-{hypothesis.pk}"
            if name not in request.POST:
                continue  # a cell the form did not show (added since): left as it is
            value = request.POST[name]
            before = mine.get((item.pk, hypothesis.pk))
            if value == "" and before is not None:
                ach.withdraw_rating(item=item, hypothesis=hypothesis, user=request.user)
                withdrawn += 1
            elif value in Consistency.values and value != before:
                ach.rate(item=item, hypothesis=hypothesis, user=request.user, value=value)
                saved += 1
    message = f"{saved} rating{'s' if saved != 1 else ''} saved"
    if withdrawn:
        message += f", {withdrawn} withdrawn"
    messages.success(request, f"{message}.")
    return _back(request, question)


@accepts_api_token
@workspace_view(Action.VIEW)
@require_safe
def question_csv(request: WorkspaceRequest, question_id: int) -> StreamingHttpResponse:
    """The matrix as a spreadsheet: one row per evidence item, the scores last."""
    found = ach.matrix(_question(request, question_id), weighted=request.GET.get("weighted") == "1")
    # The note after the fixed columns, so that those keep their places.
    header = ["evidence", "source", "reliability", "credibility", "weight", "diagnosticity", "note"]
    rows: list[Sequence[object]] = [header + [h.claim.statement for h in found.hypotheses]]
    for row in found.rows:
        outlet = row.item.passage.source.outlet
        rows.append(
            [
                row.item.passage.exact,
                row.item.passage.source.title,
                outlet.reliability if outlet else "F",
                row.item.credibility,
                f"{row.weight:.2f}",
                f"{row.diagnosticity:.2f}",
                row.item.note,
            ]
            + [row.cells[h.pk].consensus for h in found.hypotheses]
        )
    rows.append(
        ["inconsistency", "", "", "", "", "", ""]
        + [f"{found.inconsistency[h.pk]:.2f}" for h in found.hypotheses]
    )
    return csv_download(rows, f"question-{found.question.pk}-matrix.csv")
