"""The home page, a workspace's page (its sources, also as CSV), and its members (admins manage them)."""

import datetime
from typing import TYPE_CHECKING, TypedDict, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive.audit.forms import reason_field
from archive.core.forms import id_from, show_refusal
from archive.core.text import control_character_problem, isolated
from archive.findings.keys import fingerprint
from archive.findings.package import verifier_sha256
from archive.models import Membership, Outlet, Passage, Role, Source, UnarchivedOriginal
from archive.permissions import (
    Action,
    WorkspaceRequest,
    can,
    get_in_workspace_or_404,
    member_view,
    workspace_view,
)
from archive.search import QueryError, refuse_too_long
from archive.sources.versions import current_came_in, with_newest_arrival, with_original_captured_at
from archive.views.downloads import accepts_api_token
from archive.views.methods import require_form_methods
from archive.views.paging import NotAPage, count_of, paged, whole_list_csv
from archive.views.redirects import post_only_form
from archive.views.refusals import refused
from archive.workspaces import (
    OwnAccessUnconfirmed,
    account_called,
    add_member,
    admins_to_ask,
    edit_workspace,
    remove_member,
    set_role,
)

if TYPE_CHECKING:  # a type for the type checker only
    from django_stubs_ext import WithAnnotations


@member_view
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=cast(User, request.user))  # member_view: signed in
        .select_related("workspace")
        .annotate(source_count=Count("workspace__source"))
        .order_by("workspace__name")
    )
    return render(request, "archive/home.html", {"memberships": memberships})


class _Counted(TypedDict):
    passage_count: int


class _Listed(_Counted):
    original_captured_at: datetime.datetime  # with_original_captured_at


def _chosen_sources(
    request: WorkspaceRequest,
) -> "tuple[QuerySet[WithAnnotations[Source, _Counted]], dict[str, str]]":
    """The workspace's sources by title, narrowed to an outlet's or to titles
    containing some words, and the filters chosen; QueryError for a bad filter."""
    chosen = {"q": request.GET.get("q", "").strip(), "outlet": request.GET.get("outlet", "")}
    refuse_too_long(chosen["q"])
    sources = Source.objects.filter(workspace=request.workspace).order_by("title", "id")
    if chosen["q"]:
        sources = sources.filter(title__icontains=chosen["q"])
    if chosen["outlet"]:
        sources = sources.filter(outlet__in=_outlets(request).filter(pk=_id(chosen["outlet"])))
    return sources.annotate(passage_count=count_of(Passage.objects.all(), "source")), chosen


def _outlets(request: WorkspaceRequest) -> QuerySet[Outlet]:
    return Outlet.objects.filter(workspace=request.workspace).order_by("name", "id")


@workspace_view(Action.VIEW)
@require_safe
def workspace_detail(request: WorkspaceRequest) -> HttpResponse:
    """The workspace's sources, by title, a page at a time; narrowed to an outlet's,
    or to titles containing some words."""
    try:
        sources, chosen = _chosen_sources(request)
        listed = paged(
            request, sources.select_related("outlet", "derived_from").defer("text", "derived_from__text")
        )
    except (QueryError, NotAPage) as error:
        return refused(request, str(error))
    context = {
        "sources": listed,
        "outlets": _outlets(request),
        "chosen": chosen,
        "csv_query": urlencode({name: value for name, value in chosen.items() if value}),
        "signing_key": fingerprint(request.workspace),
        "verifier_sha256": verifier_sha256(),
    }
    return render(request, "archive/workspace_detail.html", context)


SOURCES_CSV_COLUMNS = [
    "id", "title", "authors", "translators", "outlet", "outlet_reliability", "published_on", "language",
    "original_url", "came_in", "fetched_url", "captured_at", "captured_by", "media_type", "original_sha256",
    "original_captured_at", "text_sha256",
    "derived_from", "derivation", "derived_from_not_archived", "passages", "url",
]  # fmt: skip


@accepts_api_token
@workspace_view(Action.VIEW)
@require_safe
def sources_csv(request: WorkspaceRequest) -> HttpResponse | StreamingHttpResponse:
    """Every source the list's filters choose, by title, as CSV: who published and
    captured it, when, how its current version came in (`came_in`: typed, pasted, file,
    captured, corrected) and the address it was fetched from (`fetched_url`, empty when it was
    not: `original_url` is only the address stated), and the SHA-256 of its original and of its text."""
    slug = request.workspace.slug

    def chosen() -> QuerySet[Source]:
        sources = _chosen_sources(request)[0].select_related("outlet", "captured_by").defer("text")
        return with_original_captured_at(with_newest_arrival(sources))

    def row(source: "WithAnnotations[Source, _Listed]") -> list[object]:
        came_in = current_came_in(source)
        return [
            source.pk,
            source.title,
            "|".join(source.authors),
            "|".join(source.translators),
            source.outlet.name if source.outlet else "",
            source.outlet.reliability if source.outlet else "",
            source.published_on.isoformat() if source.published_on else "",
            source.language,
            source.original_url,
            came_in.arrival.value,
            came_in.fetched_url,
            source.captured_at.isoformat(),
            source.captured_by.username if source.captured_by else "",
            source.media_type,
            source.original_sha256,
            source.original_captured_at.isoformat(),
            source.text_sha256,
            source.derived_from_id or "",
            source.derivation,
            _described(source.unarchived_original),
            source.passage_count,
            request.build_absolute_uri(reverse("archive:source", args=[slug, source.pk])),
        ]

    return whole_list_csv(request, chosen, SOURCES_CSV_COLUMNS, row, f"{slug}-sources.csv")


def _described(original: UnarchivedOriginal | None) -> str:
    """An original that is not archived in one cell: what is known of it, " · " between."""
    if original is None:
        return ""
    date = original.published_on.isoformat() if original.published_on else ""
    return " · ".join(
        part for part in (original.title, original.url, original.outlet, original.language, date) if part
    )


def _id(value: str) -> int:
    """An object's id from a form; QueryError (meant for the user) if it is not one."""
    found = id_from(value)
    if found is None:
        raise QueryError("Choose from the list.")
    return found


class MemberForm(forms.Form):
    """Add someone to the workspace with a role, saying why."""

    # As the sign-in field: a phone keyboard would otherwise capitalise or "correct" the name.
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "autocorrect": "off",
                "spellcheck": "false",
            }
        ),
    )
    role = forms.ChoiceField(choices=Role.choices)
    reason = reason_field(required=True, label="Why add them (kept in the history)")

    def clean_username(self) -> User:
        username = self.cleaned_data["username"]
        # Refused before the look-up: "no account is called" would be a false refusal,
        # echoing a character nobody sees.
        if problem := control_character_problem(username, what="The username", lines=False):
            raise ValidationError(problem, code="control_character")
        return account_called(username)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    reason = reason_field(required=True, label="Why change it (kept in the history)")
    # Sent by the page that asks an admin to confirm taking away their own access.
    own_access_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RemoveForm(forms.Form):
    reason = reason_field(required=True, label="Why remove them (kept in the history)")
    own_access_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _members_page(
    request: WorkspaceRequest,
    *,
    form: MemberForm | None = None,
    refused: str = "",
    refused_at: Membership | None = None,
    refused_form: RoleForm | RemoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page; after a refused change of `refused_at`'s role or membership, its card
    comes back open, its form (`refused_form`) with what was chosen and typed."""
    memberships = request.workspace.memberships.select_related("user").order_by("user__username")
    cards = []
    for membership in memberships:
        # Each member's card repeats these forms: without ids, which would repeat too.
        role_form = RoleForm(initial={"role": membership.role}, auto_id=False)
        remove_form = RemoveForm(auto_id=False)
        if refused_at is not None and membership.pk == refused_at.pk:
            if isinstance(refused_form, RoleForm):
                role_form = refused_form
            elif isinstance(refused_form, RemoveForm):
                remove_form = refused_form
        cards.append((membership, role_form, remove_form))
    context = {
        "form": form or MemberForm(initial={"role": Role.ANALYST}),
        "cards": cards,
        "refused": refused,
        "refused_at": refused_at,
    }
    return render(request, "archive/members.html", context, status=status)


@workspace_view(Action.MANAGE)
@require_form_methods
def members(request: WorkspaceRequest) -> HttpResponse:
    """The workspace's members and their roles; POST adds one."""
    if request.method != "POST":
        return _members_page(request)
    form = MemberForm(request.POST)
    if form.is_valid():
        member, role = form.cleaned_data["username"], form.cleaned_data["role"]
        try:
            add_member(
                workspace=request.workspace,
                member=member,
                role=role,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{isolated(member.username)} is now a member, as {Role(role).label}.")
            return redirect("archive:members", request.workspace.slug)
    return _members_page(request, form=form, status=400)


def _confirm_own_access(
    request: WorkspaceRequest, loss: OwnAccessUnconfirmed, form: RoleForm | RemoveForm, *, role: str | None
) -> HttpResponse:
    """The page asking an admin to confirm a change taking away their own access, saying
    what they would lose and who could give it back; it posts the same form again, confirmed."""
    context = {
        "loss": loss,
        "form": form,
        "role": role,
        "role_label": Role(role).label if role else "",
        "admins": admins_to_ask(workspace=request.workspace, user=request.user),
    }
    return render(request, "archive/own_access_confirm.html", context)


def _check(form: RoleForm | RemoveForm) -> None:
    """The form's own refusals as the domain's, so that the members page shows both alike."""
    if not form.is_valid():
        raise ValidationError([message for errors in form.errors.values() for message in errors])


def _ask_admins(request: WorkspaceRequest) -> str:
    """Whom the user asks to be given access again, for a message."""
    admins = admins_to_ask(workspace=request.workspace, user=request.user) or []
    return f"ask its admins: {', '.join(isolated(name) for name in admins)}." if admins else "ask its admins."


@workspace_view(Action.MANAGE)
@post_only_form("archive:members")
def member_role(request: WorkspaceRequest, membership_id: int) -> HttpResponse:
    """Change a member's role, with a reason; never the last admin's. Taking away one's
    own access is confirmed first, then leads to a page one can still see."""
    queryset = Membership.objects.select_related("user")
    membership = get_in_workspace_or_404(queryset, request.workspace, pk=membership_id)
    member = membership.user
    form = RoleForm(request.POST, auto_id=False)  # shown on the member's card if refused
    try:
        _check(form)
        role = form.cleaned_data["role"]
        set_role(
            workspace=request.workspace,
            member=member,
            role=role,
            user=request.user,
            reason=form.cleaned_data["reason"],
            own_access_confirmed=form.cleaned_data["own_access_confirmed"],
        )
    except OwnAccessUnconfirmed as loss:
        return _confirm_own_access(request, loss, form, role=role)
    except ValidationError as error:
        refused = f"The role of {isolated(member.username)} was not changed. {' '.join(error.messages)}"
        return _members_page(request, refused=refused, refused_at=membership, refused_form=form, status=400)
    if member == request.user and not can(role, Action.MANAGE):  # no longer theirs to manage
        workspace = isolated(request.workspace.name)
        messages.success(
            request,
            f"You are now {Role(role).label} in {workspace} and no longer manage it. "
            f"To manage it again, {_ask_admins(request)}",
        )
        return redirect("archive:workspace", request.workspace.slug)
    messages.success(request, f"Role of {isolated(member.username)}: {Role(role).label}.")
    return redirect("archive:members", request.workspace.slug)


@workspace_view(Action.MANAGE)
@post_only_form("archive:members")
def member_remove(request: WorkspaceRequest, membership_id: int) -> HttpResponse:
    """Take someone out of the workspace, with a reason; never its last admin. Removing
    oneself is confirmed first, then leads to one's home page."""
    queryset = Membership.objects.select_related("user")
    membership = get_in_workspace_or_404(queryset, request.workspace, pk=membership_id)
    form = RemoveForm(request.POST, auto_id=False)  # shown on the member's card if refused
    try:
        _check(form)
        remove_member(
            membership=membership,
            user=request.user,
            reason=form.cleaned_data["reason"],
            own_access_confirmed=form.cleaned_data["own_access_confirmed"],
        )
    except OwnAccessUnconfirmed as loss:
        return _confirm_own_access(request, loss, form, role=None)
    except ValidationError as error:
        refused = f"{isolated(membership.user.username)} was not removed. {' '.join(error.messages)}"
        return _members_page(request, refused=refused, refused_at=membership, refused_form=form, status=400)
    if membership.user == request.user:  # the workspace is no longer theirs to see
        messages.success(
            request,
            f"You are no longer a member of {isolated(request.workspace.name)}. "
            f"To be added again, {_ask_admins(request)}",
        )
        return redirect("archive:home")
    messages.success(request, f"{isolated(membership.user.username)} is no longer a member.")
    return redirect("archive:members", request.workspace.slug)


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}))
    reason = reason_field(required=False, label="Reason (optional, kept in the history)")


@workspace_view(Action.MANAGE)
@require_form_methods
def workspace_edit(request: WorkspaceRequest) -> HttpResponse:
    """Rename the workspace or change its description (its address stays)."""
    workspace = request.workspace
    form = WorkspaceForm(
        request.POST or None, initial={"name": workspace.name, "description": workspace.description}
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in ("name", "description")}
        try:
            edit_workspace(
                workspace,
                user=request.user,
                expected_version=None,
                changes=changes,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("archive:workspace_edit", workspace.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "archive/workspace_edit.html", {"form": form}, status=status)
