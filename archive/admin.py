"""The Django admin, for site staff: every model with its history.

Like every other way in, the admin writes only through the domain's functions
(archive.claims, archive.sources, archive.passages, archive.workspaces), so
the same rules hold: on a change form only the fields the domain lets change
are editable (review status never is), tags and grades are checked the same
way, an edit from a stale page is refused, and an edit, a delete (of one
object, of the selected ones, or of an inline row) and a revert to an old
version need a reason, which the history keeps. People's accounts leave their
workspaces through the domain too, never a workspace's last active admin, and
keep their username once the history attributes work to them.
"""

import base64
import hashlib
from collections.abc import Collection
from typing import Any

from csp.decorators import csp_update
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from rest_framework.authtoken import admin as authtoken_admin
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_model_for_model

from archive import claims, workspaces
from archive.admin_site import CheckedRelations
from archive.audit.forms import reason_field
from archive.claims.editing import ANNOTATION_MOTIVATIONS
from archive.core.attribution import check_reason, recorded_as
from archive.core.editing import DELETE_REASON_REQUIRED, StaleVersion, required_reason
from archive.core.forms import ADDRESS_ATTRS, AddressField
from archive.models import (
    Annotation,
    Claim,
    Evidence,
    HistoryAction,
    Membership,
    Outlet,
    Passage,
    Role,
    Source,
    Workspace,
)
from archive.passages import writes as passages
from archive.sources import outlets
from archive.sources import writes as sources
from archive.sources.importing.pipeline import pasted_original

REASON_HELP = "Why this change? Shown in the object's history."
# Site staff change memberships here whatever their own role in the workspace, and
# can give themselves access again here: a change of their own is not asked about.
STAFF_CONFIRM_OWN_ACCESS = True


class ReasonForm(forms.ModelForm):
    # Optional on an add form, as when adding in the app; required to change what
    # exists, as the app's "Correct record" page requires it (a new grade's included).
    change_reason = reason_field(
        required=False,
        label="Change reason",
        help_text=REASON_HELP,
        required_message="Say why you change it: the reason is kept in the history.",
    )
    # The version the page was loaded at: an edit from a stale page is refused.
    seen_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Adding what gives someone access (a member, a workspace's first admin) needs a reason too.
    reason_required_to_add = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["change_reason"].required = self.instance.pk is not None or self.reason_required_to_add
        self.fields["seen_version"].initial = getattr(self.instance, "version", None)

    def clean_change_reason(self) -> str:
        # The rule recorded_as applies on saving, checked here too: its refusal then
        # shows on the field, with the form, not as a page's "Nothing was saved".
        reason = self.cleaned_data["change_reason"]
        try:
            check_reason(reason)
        except ValidationError as error:
            raise ValidationError(error.error_dict["reason"]) from None
        return reason


class RevertForm(ReasonForm):
    change_reason = reason_field(
        required=True,
        label="Change reason",
        help_text=REASON_HELP,
        required_message="Say why you revert: the reason is kept in the history.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page shows an old version; what a revert must not undo unseen is a
        # change of the object as it is now, when the page is opened.
        live = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        self.fields["seen_version"].initial = getattr(live, "version", None)


def _delete_reason(request: HttpRequest) -> str | None:
    """The reason typed on a delete confirmation page, or None with the error shown."""
    try:
        return required_reason(request.POST.get("reason"), DELETE_REASON_REQUIRED)
    except ValidationError as error:
        messages.error(request, f"Nothing was deleted. {' '.join(error.messages)}")
        return None


def _deleted_unless_refused(modeladmin, request: HttpRequest, queryset):
    """Django's bulk delete, refused (back to the list) when the domain refuses one
    of the rows: then none is deleted."""
    try:
        return django_delete_selected(modeladmin, request, queryset)
    except ValidationError as error:
        messages.error(request, f"Nothing was deleted. {' '.join(error.messages)}")
        return None


@admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
def delete_selected(modeladmin, request: HttpRequest, queryset):
    """Django's bulk delete, refused (back to the list) without a reason, or by the domain."""
    if request.POST.get("post") and _delete_reason(request) is None:
        return None
    return _deleted_unless_refused(modeladmin, request, queryset)


def _not_saved(request: HttpRequest, error: ValidationError | StaleVersion) -> HttpResponse:
    """The page again, saying why the domain refused what the form passed: nothing was
    saved (one transaction)."""
    text = str(error) if isinstance(error, StaleVersion) else " ".join(error.messages)
    messages.error(request, f"Nothing was saved. {text}")
    return HttpResponseRedirect(request.get_full_path())


class RefusedDeletesShown:
    """A delete the domain refuses (a workspace's last admin, say) deletes nothing and says why."""

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        except ValidationError as error:
            messages.error(request, f"Nothing was deleted. {' '.join(error.messages)}")
            return HttpResponseRedirect(request.get_full_path())


def _stored_value(obj: Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return set(getattr(obj, name).all())
    return getattr(obj, name)


def _plain(value: Any) -> Any:
    return set(value) if isinstance(value, models.QuerySet) else value


class AdminAddressWidget(AdminURLFieldWidget):
    """The admin's address box (with its link to the current address) as AddressField's:
    a text box, so that an address without a scheme reaches the server, which adds https."""

    input_type = "text"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs={**ADDRESS_ATTRS, **(attrs or {})})


_VERSIONS_TABLE_STYLE = f"'sha256-{base64.b64encode(hashlib.sha256(b'border-top: 0').digest()).decode()}'"


class TrackedAdmin(RefusedDeletesShown, CheckedRelations, SimpleHistoryAdmin):
    """Admin whose writes go through the domain: subclasses name the fields an edit
    may change (`editable`), and how to create, edit and delete."""

    editable: Collection[str] = ()

    form = ReasonForm
    formfield_overrides = {models.URLField: {"form_class": AddressField, "widget": AdminAddressWidget}}
    actions = [delete_selected]  # in place of Django's, by name

    # django-simple-history's table of versions carries one inline style,
    # style="border-top: 0": its page allows that declaration, by its hash, and no other.
    @method_decorator(csp_update({"style-src": ["'unsafe-hashes'", _VERSIONS_TABLE_STYLE]}))
    def history_view(self, request, object_id, extra_context=None):
        if not self._could_be_id(object_id):
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        return super().history_view(request, object_id, extra_context)

    def _could_be_id(self, object_id: str, model: type[Model] | None = None) -> bool:
        """Whether `object_id` (from the address, typed by hand: "abc", "1/change") is an id
        `model` could have: django-simple-history looks it up as it is, which fails (a 500)."""
        try:
            (model or self.model)._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return False
        return True

    def get_form(self, request, obj=None, change=False, **kwargs):
        if getattr(request, "reverting", False):
            kwargs.setdefault("form", RevertForm)
        return super().get_form(request, obj, change, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self._could_be_id(object_id):
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self._could_be_id(version_id, get_history_model_for_model(self.model)):
            raise Http404
        # django-simple-history hides the revert button where reverting is not
        # allowed (a model the admin does not edit, a user who may only view)
        # but would save a posted form all the same.
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if self.revert_disabled(request, obj):
                raise PermissionDenied
            if obj is None:
                return self._restore_elsewhere(request, object_id)
        request.reverting = True  # saving this page reverts to the version shown
        try:
            with transaction.atomic():  # the revert and its log entry, as the change page
                return super().history_form_view(request, object_id, version_id, extra_context)
        except (ValidationError, StaleVersion) as error:
            return _not_saved(request, error)

    def _restore_elsewhere(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A deleted object comes back through its workspace's history page, where the
        restore brings back what was deleted with it and the workspace's roles decide."""
        row = get_history_model_for_model(self.model).objects.filter(id=unquote(object_id)).first()
        workspace = getattr(row, "workspace", None) if row else None
        where = (
            reverse("archive:object_history", args=[workspace.slug, self.model._meta.model_name, row.id])
            if workspace and row
            else "its workspace's history"
        )
        messages.error(
            request,
            f"Nothing was saved. This {self.model._meta.verbose_name} was deleted: a reviewer or an admin "
            f"of its workspace restores it from its history page ({where}), with what was deleted with it.",
        )
        return HttpResponseRedirect(request.get_full_path())

    def has_change_permission(self, request, obj=None) -> bool:
        # Nothing the domain lets change: a view-only page.
        return bool(self.editable) and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return super().get_readonly_fields(request, obj)
        opts = self.model._meta
        shown = [field.name for field in [*opts.concrete_fields, *opts.many_to_many]]
        return [name for name in shown if name not in self.editable and name != "id"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, StaleVersion) as error:
            return _not_saved(request, error)

    def save_model(self, request, obj, form, change) -> None:
        reason = form.cleaned_data.get("change_reason") or ""
        action = HistoryAction.REVERTED if getattr(request, "reverting", False) else None
        with recorded_as(user=request.user, reason=reason, action=action):
            if change:
                changes = self.changes(obj, form)
                version = form.cleaned_data.get("seen_version")
                saved = self.edit(
                    obj, user=request.user, expected_version=version, changes=changes, reason=reason
                )
            else:
                fields = {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}
                del fields["change_reason"], fields["seen_version"]
                # Apart from the acting user: a membership's own "user" is its member.
                saved = self.create(fields, user=request.user, reason=reason)
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change) -> None:
        # Many-to-many fields are the domain's to write (an annotation's passages);
        # inline rows (e.g. memberships removed from a workspace) share the page's reason.
        with recorded_as(user=request.user, reason=form.cleaned_data.get("change_reason") or ""):
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)

    def changes(self, obj: Model, form: forms.ModelForm) -> dict[str, Any]:
        """The editable fields whose posted value differs from the stored one (a revert's
        form starts from the old version, so the form's own changed_data would miss them)."""
        stored = type(obj)._default_manager.get(pk=obj.pk)
        posted = {name: form.cleaned_data[name] for name in self.editable if name in form.cleaned_data}
        return {name: value for name, value in posted.items() if _stored_value(stored, name) != _plain(value)}

    def create(self, fields: dict[str, Any], *, user: Any, reason: str) -> Model:
        raise NotImplementedError(f"{self.model.__name__} is not created in the admin.")

    def edit(
        self, obj: Model, *, user: Any, expected_version: int | None, changes: dict, reason: str
    ) -> Model:
        raise NotImplementedError(f"{self.model.__name__} is not edited in the admin.")

    def remove(self, obj: Model, *, user: Any, reason: str) -> None:
        raise NotImplementedError(f"{self.model.__name__} is not deleted in the admin.")

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST" and _delete_reason(request) is None:
            return HttpResponseRedirect(request.get_full_path())  # the confirmation again
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj) -> None:
        self.remove(obj, user=request.user, reason=request.POST.get("reason", ""))

    def delete_queryset(self, request, queryset) -> None:
        reason = required_reason(request.POST.get("reason"), DELETE_REASON_REQUIRED)
        with transaction.atomic():  # all or none: the domain may refuse a row after others went
            for obj in queryset:
                self.remove(obj, user=request.user, reason=reason)


class MembershipInline(CheckedRelations, admin.TabularInline):
    """A workspace's members; a row removed or changed has the page's reason, which a change needs."""

    model = Membership
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user", "role", "email_alerts"]
    # E-mailed alerts are the member's own choice, made on their alerts page: shown, not set here.
    readonly_fields = ["email_alerts"]


class CreateFieldsAdmin(TrackedAdmin):
    """An add form with the fields the domain's create function takes."""

    create_fields: tuple[str, ...] = ()

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*self.create_fields, "change_reason", "seen_version"]
        return super().get_fields(request, obj)


class WorkspaceAddForm(ReasonForm):
    """A new workspace is made with its first admin (archive.workspaces.create_workspace)."""

    reason_required_to_add = True

    admin = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        help_text="Its first admin, who manages its members (more can be added once it exists).",
        error_messages={"required": workspaces.NEEDS_AN_ADMIN},
    )


@admin.register(Workspace)
class WorkspaceAdmin(CreateFieldsAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]
    create_fields = ("name", "slug", "description", "admin")
    editable = workspaces.EDITABLE_FIELDS

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name"]} if obj is None else {}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs.setdefault("form", WorkspaceAddForm)
        return super().get_form(request, obj, change, **kwargs)

    def get_inlines(self, request, obj):
        # The first admin is chosen on the add form; other members once the workspace exists.
        return self.inlines if obj is not None else []

    def create(self, fields, *, user, reason) -> Workspace:
        return workspaces.create_workspace(user=user, reason=reason, **fields)

    def edit(self, obj, **kwargs) -> Workspace:
        return workspaces.edit_workspace(obj, **kwargs)

    def remove(self, obj, *, user, reason) -> None:
        workspaces.delete_workspace(workspace=obj, user=user, reason=reason)

    def save_formset(self, request, form, formset, change) -> None:
        """Memberships added, changed or removed on the workspace's page, through the domain."""
        reason = form.cleaned_data.get("change_reason") or ""
        # What the admin's change message reads from a saved formset.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        rows = [
            row
            for row in formset.forms
            if row not in formset.deleted_forms and row.has_changed() and row.cleaned_data
        ]
        # Additions and promotions first, then demotions, then removals, all in the page's
        # one transaction: handing the admin role over in one save never leaves the
        # workspace without an admin half-way.
        rows.sort(key=lambda row: row.instance.pk is not None and row.cleaned_data["role"] != Role.ADMIN)
        for row in rows:
            added = row.instance.pk is None
            fields = {"member": row.cleaned_data["user"], "role": row.cleaned_data["role"]}
            if added:
                membership = workspaces.add_member(
                    workspace=form.instance, user=request.user, reason=reason, **fields
                )
            else:
                membership = workspaces.set_role(
                    workspace=form.instance,
                    user=request.user,
                    reason=reason,
                    own_access_confirmed=STAFF_CONFIRM_OWN_ACCESS,
                    **fields,
                )
            if added:
                formset.new_objects.append(membership)
            else:
                formset.changed_objects.append((membership, row.changed_data))
        for row in formset.deleted_forms:
            if row.instance.pk is not None:
                workspaces.remove_member(
                    membership=row.instance,
                    user=request.user,
                    reason=reason,
                    own_access_confirmed=STAFF_CONFIRM_OWN_ACCESS,
                )
                formset.deleted_objects.append(row.instance)


class MembershipForm(ReasonForm):
    reason_required_to_add = True


@admin.register(Membership)
class MembershipAdmin(CreateFieldsAdmin):
    form = MembershipForm
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__username", "workspace__name"]
    autocomplete_fields = ["user", "workspace"]
    create_fields = ("user", "workspace", "role")
    editable = ("role",)

    def create(self, fields, *, user, reason) -> Membership:
        return workspaces.add_member(
            workspace=fields["workspace"],
            member=fields["user"],
            role=fields["role"],
            user=user,
            reason=reason,
        )

    def edit(self, obj, *, user, changes, reason, **kwargs) -> Membership:
        role = changes.get("role", obj.role)
        return workspaces.set_role(
            workspace=obj.workspace,
            member=obj.user,
            role=role,
            user=user,
            reason=reason,
            own_access_confirmed=STAFF_CONFIRM_OWN_ACCESS,
        )

    def remove(self, obj, *, user, reason) -> None:
        workspaces.remove_member(
            membership=obj, user=user, reason=reason, own_access_confirmed=STAFF_CONFIRM_OWN_ACCESS
        )


class ValuesInUseFilter(admin.AllValuesFieldListFilter):
    """Each value in use, a blank one named: Django's filter shows it as a link with no text."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": choice["display"] or "(blank)"}


@admin.register(Outlet)
class OutletAdmin(CreateFieldsAdmin):
    list_display = ["name", "workspace", "country", "language", "reliability"]
    list_filter = ["workspace", "reliability", ("country", ValuesInUseFilter)]
    search_fields = ["name", "url"]
    create_fields = ("workspace", "name", "url", "country", "language", "reliability", "reliability_reason")
    editable = outlets.EDITABLE_FIELDS

    def create(self, fields, **kwargs) -> Outlet:
        return outlets.create_outlet(**fields, **kwargs)

    def edit(self, obj, **kwargs) -> Outlet:
        return outlets.edit_outlet(obj, **kwargs)

    def remove(self, obj, **kwargs) -> None:
        outlets.delete_outlet(outlet=obj, **kwargs)


@admin.register(Source)
class SourceAdmin(CreateFieldsAdmin):
    list_display = ["title", "workspace", "outlet", "language", "published_on", "derivation", "captured_at"]
    list_filter = ["workspace", "language", "direction", "derivation", "media_type"]
    search_fields = ["title", "original_url", "text_sha256", "original_sha256"]
    autocomplete_fields = ["outlet", "derived_from"]
    # A stored text is corrected only through archive.passages.correction.correct_source_text,
    # which re-anchors the passages that point into it: not editable here.
    create_fields = (
        *("workspace", "title", "text", "language", "authors", "translators", "outlet", "original_url"),
        *("published_on", "derived_from", "derivation"),
    )
    editable = sources.EDITABLE_FIELDS

    def create(self, fields, **kwargs) -> Source:
        # Its original is the text as typed or pasted, as the import form keeps it.
        return sources.create_source(**fields, original=pasted_original(fields["text"]), **kwargs)

    def edit(self, obj, **kwargs) -> Source:
        return sources.edit_source(obj, **kwargs)

    def remove(self, obj, **kwargs) -> None:
        sources.delete_source(source=obj, **kwargs)


@admin.register(Passage)
class PassageAdmin(CreateFieldsAdmin):
    """Passages are made on a source's text; their selectors follow the text, never edited."""

    list_display = ["__str__", "source", "start", "end", "anchor_status", "created_by"]
    list_filter = ["workspace", "anchor_status"]
    search_fields = ["exact", "source__title"]
    autocomplete_fields = ["source"]
    create_fields = ("source", "start", "end", "exact")

    def create(self, fields, *, user, reason) -> Passage:
        return passages.create_passage(user=user, **fields)

    def remove(self, obj, **kwargs) -> None:
        passages.delete_passage(passage=obj, **kwargs)

    def get_deleted_objects(self, objs, request):
        # Django counts an annotation's link to the passage as going with it; the domain
        # refuses the delete instead (delete_passage), so the page names them as keeping it.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        annotations = Annotation.objects.filter(passages__in=list(objs)).distinct()
        protected = [*protected, *(f"Annotation: {annotation}" for annotation in annotations)]
        return deleted, counts, perms_needed, protected


@admin.register(Annotation)
class AnnotationAdmin(CreateFieldsAdmin):
    list_display = ["__str__", "workspace", "motivation", "author", "review_status", "updated_at"]
    list_filter = ["workspace", "motivation", "review_status"]
    search_fields = ["body"]
    autocomplete_fields = ["passages"]
    create_fields = ("passages", "body", "motivation", "tags")
    editable = (*claims.EDITABLE_FIELDS[Annotation], "passages")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "motivation":  # not the one the domain refuses
            kwargs["choices"] = [(choice.value, choice.label) for choice in ANNOTATION_MOTIVATIONS]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def create(self, fields, *, user, reason) -> Annotation:
        fields = dict(fields)
        passages = fields.pop("passages")  # one of the create_fields
        return claims.create_annotation(passages=list(passages), user=user, **fields)

    def edit(self, obj, *, changes, **kwargs) -> Annotation:
        changes = dict(changes)
        chosen = changes.pop("passages", None)
        return claims.edit_annotation(
            obj, changes=changes, passages=None if chosen is None else list(chosen), **kwargs
        )

    def remove(self, obj, **kwargs) -> None:
        claims.delete_annotation(annotation=obj, **kwargs)


@admin.register(Claim)
class ClaimAdmin(CreateFieldsAdmin):
    list_display = ["__str__", "workspace", "credibility", "status", "review_status", "created_by"]
    list_filter = ["workspace", "credibility", "status", "review_status"]
    search_fields = ["statement"]
    create_fields = ("workspace", "statement", "credibility", "tags")
    editable = claims.EDITABLE_FIELDS[Claim]

    def create(self, fields, **kwargs) -> Claim:
        return claims.create_claim(**fields, **kwargs)

    def edit(self, obj, **kwargs) -> Claim:
        return claims.edit_claim(obj, **kwargs)

    def remove(self, obj, **kwargs) -> None:
        claims.delete_claim(claim=obj, **kwargs)


@admin.register(Evidence)
class EvidenceAdmin(CreateFieldsAdmin):
    list_display = ["claim", "passage", "stance", "grade", "review_status", "created_by"]
    list_filter = ["workspace", "stance", "review_status"]
    search_fields = ["claim__statement", "passage__exact", "note"]
    autocomplete_fields = ["claim", "passage"]
    create_fields = ("claim", "passage", "stance", "note")
    editable = claims.EDITABLE_FIELDS[Evidence]

    def create(self, fields, *, user, reason) -> Evidence:
        return claims.add_evidence(user=user, **fields)

    def edit(self, obj, **kwargs) -> Evidence:
        return claims.edit_evidence(obj, **kwargs)

    def remove(self, obj, **kwargs) -> None:
        claims.delete_evidence(evidence=obj, **kwargs)


# Django's own admins of people and groups, with their choices of groups and
# permissions checked like ours.
admin.site.unregister(User)
admin.site.unregister(Group)


class AccountChangeForm(UserChangeForm):
    """An account's page: deactivating it is refused where it is a workspace's last active admin,
    and renaming it once the history attributes work to it."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        workspaces.keep_username_of(self.instance, username)  # the instance still holds the stored value
        return username

    def clean_is_active(self) -> bool:
        active = self.cleaned_data["is_active"]
        if self.instance.is_active and not active:  # the instance still holds the stored value
            workspaces.keep_admins_of(self.instance)
        return active


ACCOUNT_DELETED = "The account was deleted by {admin}."


@admin.register(User)
class UserAdmin(RefusedDeletesShown, CheckedRelations, auth_admin.UserAdmin):
    """Django's admin of accounts, whose memberships are the domain's: an account leaves
    its workspaces through it (in their history, with a reason) before it is deleted,
    and the last active admin of a workspace is neither deleted nor deactivated."""

    form = AccountChangeForm
    actions = ["delete_selected"]  # in place of Django's, by name

    @admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
    def delete_selected(self, request, queryset):
        """Django's bulk delete of accounts (the reason: who deleted them), refused by the domain."""
        return _deleted_unless_refused(self, request, queryset)

    def delete_model(self, request, obj) -> None:
        self._leave_workspaces(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():  # all or none: one account may be a workspace's last admin
            for account in queryset:
                self._leave_workspaces(request, account)
            super().delete_queryset(request, queryset)

    def _leave_workspaces(self, request, account) -> None:
        reason = ACCOUNT_DELETED.format(admin=request.user.username)
        workspaces.leave_workspaces(account=account, user=request.user, reason=reason)


@admin.register(Group)
class GroupAdmin(CheckedRelations, auth_admin.GroupAdmin):
    pass


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(authtoken_admin.TokenAdmin):
    """API tokens, to revoke (delete) one: never the key itself, which would let whoever may
    read this list act as anyone through the API. Its owner gets it from `POST /api/token/`,
    as a new one is made: not here."""

    list_display = ("key_start", "user", "created")

    @admin.display(description="key")
    def key_start(self, token: TokenProxy) -> str:
        return f"{token.key[:4]}…"

    def has_add_permission(self, request) -> bool:
        return False
