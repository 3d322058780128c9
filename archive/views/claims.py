"""The workspace's claims: a filterable list, each claim's evidence grouped by
stance with its graph of sources, creating and editing claims, citing a
passage from a claim's page, and the searches of the claim and passage pickers."""

from collections.abc import Collection
from functools import partial
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from archive.alignment.counterparts import Memo
from archive.audit.review import may_submit, rejection_comments
from archive.claims import (
    add_evidence,
    create_claim,
    delete_claim,
    edit_claim,
    said_reopened,
    set_credibility,
)
from archive.claims.discussion import discussion_thread
from archive.claims.graph import build_claim_graph
from archive.claims.tags import tags_typed, with_tag
from archive.core.editing import NOTHING_CHANGED, StaleVersion
from archive.core.forms import id_from
from archive.core.graphemes import shorten
from archive.core.text import isolated
from archive.findings.claimreview import not_publishable
from archive.models import (
    Claim,
    ClaimStatus,
    Evidence,
    PackageExport,
    Passage,
    ReviewStatus,
    SearchKind,
    SourceVersion,
    Stance,
)
from archive.models.grading import Credibility, admiralty_code
from archive.monitoring.changes import evidence_changes
from archive.passages.reads import passages_matching
from archive.permissions import (
    Action,
    WorkspaceRequest,
    can,
    can_change,
    get_in_workspace_or_404,
    refused_change,
    workspace_view,
)
from archive.reading.side_by_side import passage_across
from archive.search import QueryError, ids_containing, refuse_too_long
from archive.sources.versions import first_came_in, version_entries
from archive.views.asof import AsOfForm
from archive.views.audit import review_forms
from archive.views.deleting import Deleting, delete_page
from archive.views.discussion import reply_forms
from archive.views.downloads import accepts_api_token
from archive.views.gone import gone_page
from archive.views.methods import require_form_methods
from archive.views.paging import NotAPage, count_of, paged, whole_list_csv
from archive.views.picking import passage_option, picked
from archive.views.redirects import post_only_form
from archive.views.refusals import refused

if TYPE_CHECKING:  # a type for the type checker only
    from django_stubs_ext import WithAnnotations

SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "credibility": ("credibility", "-created_at", "-id"),
    "most-evidence": ("-evidence_count", "-created_at", "-id"),
    "most-refuted": ("-refuting", "-created_at", "-id"),
    "statement": ("statement", "id"),
}
SORT_LABELS = {
    "newest": "Newest",
    "oldest": "Oldest",
    "credibility": "Most credible",
    "most-evidence": "Most evidence",
    "most-refuted": "Most refuted",
    "statement": "Statement, A to Z",
}
DELETING = Deleting(
    kind="claim",
    title_field="statement",
    page="archive:claim",
    listed="archive:claims",
    to_free_it=(
        "Take it out of each question that weighs it as a hypothesis first, on the question's page. "
        "A claim whose evidence package was exported stays: the record of each export names it."
    ),
)
# Exports listed on the claim's page; the activity lists them all.
EXPORTS_SHOWN = 5
CREDIBILITY_VALUES = {str(value) for value in Credibility.values}
CSV_COLUMNS = [
    "id", "statement", "credibility", "credibility_reason", "status", "review_status", "tags",
    "supports", "refutes", "gives_context", "created", "created_by", "url",
]  # fmt: skip


class _Counts(TypedDict):
    evidence_count: int
    supporting: int
    refuting: int
    contextual: int


def _claims_with_counts(workspace) -> "QuerySet[WithAnnotations[Claim, _Counts]]":
    # What the claim rests on, as its page and graph count it.
    standing = Evidence.objects.standing()
    return Claim.objects.filter(workspace=workspace).annotate(
        evidence_count=count_of(standing, "claim"),
        supporting=count_of(standing.filter(stance=Stance.SUPPORTS), "claim"),
        refuting=count_of(standing.filter(stance=Stance.REFUTES), "claim"),
        contextual=count_of(standing.filter(stance=Stance.CONTEXTUALIZES), "claim"),
    )


def _one_of(value: str | None, allowed: Collection[object], *, what: str) -> str:
    """`value` if it is one of `allowed`, "" if none was chosen; QueryError (meant
    for the user, as the sources list's filters) for anything else."""
    if not value:
        return ""
    if value not in allowed:
        raise QueryError(f"Choose {what} from the list.")
    return value


def _matching(request: WorkspaceRequest, words: str) -> QuerySet:
    """The ids of the workspace's claims whose statement or tags contain `words`,
    folded as search folds them (case, accents, harakat)."""
    return ids_containing(workspace=request.workspace, kind=SearchKind.CLAIM, field="head", words=words)


def _filtered_claims(request: WorkspaceRequest) -> "tuple[QuerySet[WithAnnotations[Claim, _Counts]], dict]":
    params = request.GET
    chosen: dict[str, str] = {
        "q": params.get("q", "").strip(),
        "status": _one_of(params.get("status"), ClaimStatus.values, what="a status"),
        "review": _one_of(params.get("review"), ReviewStatus.values, what="a review status"),
        "credibility": _one_of(params.get("credibility"), CREDIBILITY_VALUES, what="a credibility grade"),
        "tag": params.get("tag", "").strip(),
        "sort": _one_of(params.get("sort"), SORTS, what="an order") or "newest",
    }
    refuse_too_long(chosen["q"])
    claims = _claims_with_counts(request.workspace)
    if chosen["q"]:
        claims = claims.filter(pk__in=_matching(request, chosen["q"]))
    if chosen["status"]:
        claims = claims.filter(status=chosen["status"])
    if chosen["review"]:
        claims = claims.filter(review_status=chosen["review"])
    if chosen["credibility"]:
        claims = claims.filter(credibility=int(chosen["credibility"]))
    if chosen["tag"]:
        claims = with_tag(claims, chosen["tag"])
    return claims.select_related("created_by").order_by(*SORTS[chosen["sort"]]), chosen


def _render_claim_list(
    request: WorkspaceRequest, *, form_errors=None, form_values=None, status=200
) -> HttpResponse:
    try:
        claims, chosen = _filtered_claims(request)
        listed = paged(request, claims)
    except (QueryError, NotAPage) as error:
        return refused(request, str(error))
    all_tags = sorted(
        {
            tag
            for tags in Claim.objects.filter(workspace=request.workspace).values_list("tags", flat=True)
            for tag in tags
        }
    )
    context = {
        "claims": listed,
        "chosen": chosen,
        "sorts": SORT_LABELS.items(),
        "statuses": ClaimStatus.choices,
        "review_statuses": ReviewStatus.choices,
        "credibilities": Credibility.choices,
        "all_tags": all_tags,
        "csv_query": urlencode({name: value for name, value in chosen.items() if value}),
        "can_contribute": can(request.role, Action.CONTRIBUTE),
        "form_errors": form_errors or [],
        "form_values": form_values or {},
    }
    return render(request, "archive/claim_list.html", context, status=status)


@workspace_view(Action.VIEW)
@require_safe
def claim_list(request: WorkspaceRequest) -> HttpResponse:
    return _render_claim_list(request)


@accepts_api_token
@workspace_view(Action.VIEW)
@require_safe
def claims_csv(request: WorkspaceRequest) -> HttpResponse | StreamingHttpResponse:
    """Every claim the list's filters choose, in its order, as CSV: one row per
    claim with its evidence counts and its page's address."""
    slug = request.workspace.slug

    def row(claim: "WithAnnotations[Claim, _Counts]") -> list[object]:
        return [
            claim.pk,
            claim.statement,
            claim.credibility,
            claim.credibility_reason,
            claim.status,
            claim.review_status,
            "|".join(claim.tags),
            claim.supporting,
            claim.refuting,
            claim.contextual,
            claim.created_at.isoformat(),
            claim.created_by.username if claim.created_by else "",
            request.build_absolute_uri(reverse("archive:claim", args=[slug, claim.pk])),
        ]

    return whole_list_csv(
        request, lambda: _filtered_claims(request)[0], CSV_COLUMNS, row, f"{slug}-claims.csv"
    )


def _credibility_from(value: str) -> int:
    try:
        return Credibility(int(value))
    except ValueError as error:
        raise ValidationError({"credibility": "Choose a credibility grade from 1 to 6."}) from error


class ClaimEditForm(forms.Form):
    """The claim page's edit form, for the domain's refusals (edit_claim decides what is
    refused, and why): each beside the field it names, marked, and linked from the
    summary of errors by the field's label. The fields check nothing themselves."""

    statement = forms.CharField(label="Statement", required=False)
    credibility = forms.CharField(label="Credibility", required=False)
    credibility_reason = forms.CharField(label="Why this grade", required=False)
    status = forms.CharField(label="Status", required=False)
    tags = forms.CharField(label="Tags", required=False)
    reason = forms.CharField(label="Reason for the change", required=False)

    def __init__(self, data: Any, error: ValidationError) -> None:
        super().__init__(data, auto_id="claim-edit-%s")
        self.full_clean()
        found = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        for name, texts in found.items():
            field = name if name in self.fields else None
            # A field the form does not show (the version, say) is named in words instead.
            named = "" if field or name == NON_FIELD_ERRORS else f"{name.replace('_', ' ').capitalize()}: "
            for text in texts:
                self.add_error(field, f"{named}{text}")


def _messages_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{name.replace('_', ' ').capitalize()}: {text}"
            for name, texts in error.message_dict.items()
            for text in texts
        ]
    return error.messages


@workspace_view(Action.CONTRIBUTE)
@post_only_form("archive:claims")
def claim_create(request: WorkspaceRequest) -> HttpResponse:
    form = request.POST
    try:
        claim = create_claim(
            workspace=request.workspace,
            user=request.user,
            statement=form.get("statement", ""),
            credibility=_credibility_from(form.get("credibility", str(Credibility.CANNOT_BE_JUDGED.value))),
            tags=tags_typed(form.get("tags", "")),
        )
    except ValidationError as error:
        return _render_claim_list(request, form_errors=_messages_of(error), form_values=form, status=400)
    messages.success(request, "Claim created.")
    return redirect("archive:claim", request.workspace.slug, claim.pk)


def _evidence_by_stance(claim: Claim) -> tuple[list[Evidence], list[tuple[str, str, list[Evidence]]]]:
    evidence = list(
        claim.evidence.select_related(
            "passage__source__outlet",
            "passage__source__derived_from",
            "passage__source__captured_by",
            "passage__source__capture",
            "created_by",
        ).order_by("passage__source__title", "passage__start", "id")
    )
    # The versions of each cited source, in one query: a card gives how the source came in, and
    # how its newest version did, with that version's capture time and hash (the source row keeps
    # the first capture's time); a first fetch is told by the versions before it.
    versions: dict[int, list[SourceVersion]] = {}
    for version in SourceVersion.objects.defer("text").filter(
        source_id__in={item.passage.source_id for item in evidence}
    ):
        versions.setdefault(version.source_id, []).append(version)
    for item in evidence:
        source = item.passage.source
        item.admiralty = admiralty_code(  # type: ignore[attr-defined]  # shown beside each item
            source.outlet.reliability if source.outlet else None, claim.credibility
        )
        newest = version_entries(source, versions.get(source.pk, []))[-1:]
        # For the template:
        source.newest_version = newest[0].version if newest else None  # type: ignore[attr-defined]
        source.newest_came_in = newest[0].came_in if newest else None  # type: ignore[attr-defined]
        source.came_in = first_came_in(source)  # type: ignore[attr-defined]
    groups = [
        (stance, label, [item for item in evidence if item.stance == stance])
        for stance, label in Stance.choices
    ]
    return evidence, groups


def _with_originals(evidence: list[Evidence], *, slug: str) -> dict[int, str]:
    """Give evidence cited from a derived source (a translation, a republication) the
    passage's counterparts up to the original (`item.originals`); return, per ancestor,
    the side-by-side page marking the first cited passage's counterpart in it."""
    memo = Memo()
    span_urls: dict[int, str] = {}
    for item in evidence:
        passage = item.passage
        ancestors = []
        if passage.source.derived_from_id is not None:
            across = passage_across(
                slug=slug, source=passage.source, start=passage.start, end=passage.end, memo=memo
            )
            ancestors = [each for each in across if each.counterpart.relation == "ancestor"]
        setattr(item, "originals", ancestors)  # noqa: B010 (for the template)
        for each in ancestors:
            span_urls.setdefault(each.source.pk, each.url)
    return span_urls


def _with_review_state(request: WorkspaceRequest, evidence: list[Evidence]) -> None:
    """Whether the user may submit each piece of evidence, and the reviewer's comment on rejected ones."""
    for item in evidence:
        setattr(item, "may_submit", may_submit(request.role, request.user, item))  # noqa: B010 (for the template)
    rejected = [
        item.pk
        for item in evidence
        if item.review_status == ReviewStatus.REJECTED and can_change(request.role, request.user, item)
    ]
    comments = rejection_comments(workspace=request.workspace, kind="evidence", ids=rejected)
    for item in evidence:
        setattr(item, "review_comment", comments.get(item.pk, ""))  # noqa: B010


def render_claim(request: WorkspaceRequest, claim: Claim, *, status=200, **form_state) -> HttpResponse:
    evidence, groups = _evidence_by_stance(claim)
    _with_review_state(request, evidence)
    changes = evidence_changes(evidence)
    for item in evidence:
        setattr(item, "change", changes.get(item.pk))  # noqa: B010 (for the template)
    slug = request.workspace.slug
    span_urls = _with_originals(evidence, slug=slug)
    graph = build_claim_graph(
        claim,
        evidence,
        source_url=lambda source: reverse("archive:source", args=[slug, source.pk]),
        span_urls=span_urls,
    )
    exports = PackageExport.objects.filter(claim=claim).select_related("exported_by")
    recent_exports = list(exports[: EXPORTS_SHOWN + 1])
    context = {
        "claim": claim,
        "groups": groups,
        "exports": recent_exports[:EXPORTS_SHOWN],
        "all_exports": exports.count() if len(recent_exports) > EXPORTS_SHOWN else None,
        "graph": graph,
        "can_edit": can_change(request.role, request.user, claim),
        "can_grade": can(request.role, Action.REVIEW),
        "can_cite": can(request.role, Action.CONTRIBUTE),
        "stances": Stance.choices,
        "statuses": ClaimStatus.choices,
        "credibilities": Credibility.choices,
        "form_values": form_state.get("form_values"),
        "form_errors": form_state.get("form_errors", []),
        "edit_form": form_state.get("edit_form"),
        "conflict": form_state.get("conflict"),
        "package_error": form_state.get("package_error"),
        "claimreview_refused": not_publishable(claim),
        "as_of_form": AsOfForm(),
        "review": review_forms(request, "claim", claim.pk),
        "thread": discussion_thread(claim, user=request.user, role=request.role),
        "reply_form": reply_forms(request, claim),
        "model": "claim",
        "object_id": claim.pk,
    }
    return render(request, "archive/claim_detail.html", context, status=status)


@workspace_view(Action.VIEW)
@require_safe
def claim_detail(request: WorkspaceRequest, claim_id: int) -> HttpResponse:
    claim = get_in_workspace_or_404(
        Claim.objects.select_related("created_by"), request.workspace, pk=claim_id
    )
    return render_claim(request, claim)


@workspace_view(Action.CONTRIBUTE)
@post_only_form("archive:claim", keep=("claim_id",))
def claim_edit(request: WorkspaceRequest, claim_id: int) -> HttpResponse:
    """Save the claim form; a save from a stale version is refused with the other's version
    shown; one for a claim deleted meanwhile gets the 410 page, the statement typed kept."""
    claim = (
        Claim.objects.select_related("created_by").filter(workspace=request.workspace, pk=claim_id).first()
    )
    if claim is None:
        return gone_page(request, Claim, claim_id, context={"kept": request.POST.get("statement", "")})
    if not can_change(request.role, request.user, claim):
        raise PermissionDenied(refused_change(request.role))
    form = request.POST
    try:
        version = int(form.get("version", ""))
        changes = {
            "statement": form.get("statement", ""),
            "credibility": _credibility_from(form.get("credibility", "")),
            "credibility_reason": form.get("credibility_reason", ""),
            "status": form.get("status", ""),
            "tags": tags_typed(form.get("tags", "")),
        }
        was = claim.review_status
        saved = edit_claim(
            claim, user=request.user, expected_version=version, changes=changes, reason=form.get("reason", "")
        )
    except StaleVersion as error:
        return render_claim(request, error.current, status=409, form_values=form, conflict=error.current)
    except ValueError:
        return render_claim(
            request,
            claim,
            status=400,
            form_values=form,
            form_errors=["The form is out of date: reload the page."],
        )
    except ValidationError as error:
        return render_claim(
            request, claim, status=400, form_values=form, edit_form=ClaimEditForm(form, error)
        )
    said = " ".join(filter(None, ["Claim saved.", said_reopened(was, saved)]))
    messages.success(request, said if saved.version != version else NOTHING_CHANGED)
    return redirect("archive:claim", request.workspace.slug, claim.pk)


@workspace_view(Action.CONTRIBUTE)
@require_form_methods
def claim_delete(request: WorkspaceRequest, claim_id: int) -> HttpResponse:
    """Delete a claim with its evidence and discussion, with a reason."""
    claim = get_in_workspace_or_404(Claim.objects.all(), request.workspace, pk=claim_id)
    if not can_change(request.role, request.user, claim):
        raise PermissionDenied("Only the claim's author or a workspace admin can delete it.")
    return delete_page(request, claim, DELETING, partial(delete_claim, claim=claim))


@workspace_view(Action.VIEW)
@require_safe
def claim_search(request: WorkspaceRequest) -> JsonResponse:
    """Claims whose statement or tags contain `q`, folded as search folds them (the
    latest ones for an empty `q`), for the claim picker."""
    slug = request.workspace.slug

    def find(words: str) -> QuerySet[Claim]:
        claims = Claim.objects.filter(workspace=request.workspace)
        return (claims.filter(pk__in=_matching(request, words)) if words else claims).order_by(
            "-created_at", "-id"
        )

    def option(claim: Claim) -> dict:
        return {
            "id": claim.pk,
            "statement": claim.statement,
            "credibility": claim.credibility,
            "status": claim.status,
            "url": reverse("archive:claim", args=[slug, claim.pk]),
        }

    return picked(request, find, option)


@workspace_view(Action.VIEW)
@require_safe
def claim_passages(request: WorkspaceRequest, claim_id: int) -> JsonResponse:
    """The workspace's passages not yet evidence for the claim, whose words or
    source's title contain `q` (the latest for an empty `q`), for the passage picker."""
    claim = get_in_workspace_or_404(Claim.objects.all(), request.workspace, pk=claim_id)

    def find(words: str) -> QuerySet[Passage]:
        return passages_matching(workspace=request.workspace, words=words).exclude(evidence__claim=claim)

    return picked(request, find, passage_option)


@workspace_view(Action.CONTRIBUTE)
@require_POST
def claim_cite(request: WorkspaceRequest, claim_id: int) -> HttpResponse:
    """Cite a passage of the workspace as evidence for the claim."""
    claim = get_in_workspace_or_404(Claim.objects.all(), request.workspace, pk=claim_id)
    form = request.POST
    passage_id = id_from(form.get("passage", ""))
    if passage_id is None:
        messages.error(request, "Choose a passage from the list: type some of its words, then pick it.")
        return redirect(reverse("archive:claim", args=[request.workspace.slug, claim.pk]) + "#cite")
    passage = get_in_workspace_or_404(
        Passage.objects.select_related("source"), request.workspace, pk=passage_id
    )
    try:
        evidence = add_evidence(
            claim=claim,
            passage=passage,
            user=request.user,
            stance=form.get("stance", ""),
            note=form.get("note", ""),
        )
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
        return redirect(reverse("archive:claim", args=[request.workspace.slug, claim.pk]) + "#cite")
    cited = isolated(shorten(passage.exact, 100))
    messages.success(request, f"Cited {cited}: it {evidence.get_stance_display()} the claim.")
    return redirect(
        reverse("archive:claim", args=[request.workspace.slug, claim.pk]) + f"#evidence-{evidence.pk}"
    )


@workspace_view(Action.REVIEW)
@require_POST
def claim_credibility(request: WorkspaceRequest, claim_id: int) -> HttpResponse:
    """A reviewer grades the claim's credibility, with the reason (kept in the history)."""
    claim = get_in_workspace_or_404(Claim.objects.all(), request.workspace, pk=claim_id)
    form = request.POST
    try:
        set_credibility(
            claim,
            user=request.user,
            credibility=_credibility_from(form.get("credibility", "")),
            reason=form.get("reason", ""),
            expected_version=int(form.get("version", "")),
        )
    except StaleVersion as error:
        messages.error(request, f"Not graded. {error}")
    except ValueError:
        messages.error(request, "The form is out of date: reload the page.")
    except ValidationError as error:
        messages.error(request, " ".join(_messages_of(error)))
    else:
        messages.success(request, "Credibility graded.")
    return redirect("archive:claim", request.workspace.slug, claim.pk)
