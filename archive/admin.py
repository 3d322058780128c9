"""The Django admin, for site staff: every model with its history.

As everywhere else, a change may give a reason, and a delete (of one object,
of the selected ones, or of an inline row) and a revert to an old version
must: the history keeps it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from archive.core.attribution import recorded_as
from archive.core.editing import (
    DELETE_REASON_REQUIRED,
    check_grade_reason,
    delete_object,
    required_reason,
)
from archive.models import (
    Annotation,
    Claim,
    Evidence,
    HistoryAction,
    Membership,
    Outlet,
    Passage,
    Source,
    Workspace,
)

REASON_HELP = "Why this change? Shown in the object's history."


class ReasonForm(forms.ModelForm):
    change_reason = forms.CharField(required=False, max_length=500, help_text=REASON_HELP)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk is not None:  # the instance still holds the values before the edit
            changes = {name: cleaned[name] for name in self.changed_data if name in cleaned}
            try:
                check_grade_reason(self.instance, changes, cleaned.get("change_reason"))
            except ValidationError as error:
                self.add_error("change_reason", error.messages)
        return cleaned


class RevertForm(ReasonForm):
    change_reason = forms.CharField(
        max_length=500,
        help_text=REASON_HELP,
        error_messages={"required": "Say why you revert: the reason is kept in the history."},
    )


def _delete_reason(request: HttpRequest) -> str | None:
    """The reason typed on a delete confirmation page, or None with the error shown."""
    try:
        return required_reason(request.POST.get("reason"), DELETE_REASON_REQUIRED)
    except ValidationError as error:
        messages.error(request, f"Nothing was deleted. {' '.join(error.messages)}")
        return None


@admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
def delete_selected(modeladmin, request: HttpRequest, queryset):
    """Django's bulk delete, refused (back to the list) without a reason."""
    if request.POST.get("post") and _delete_reason(request) is None:
        return None
    return django_delete_selected(modeladmin, request, queryset)


class TrackedAdmin(SimpleHistoryAdmin):
    """Admin that records the reason of every change, and requires one to delete or revert."""

    form = ReasonForm
    history_list_display = ["history_change_reason"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [delete_selected]  # in place of Django's, by name

    def get_form(self, request, obj=None, change=False, **kwargs):
        if getattr(request, "reverting", False):
            kwargs.setdefault("form", RevertForm)
        return super().get_form(request, obj, change, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.reverting = True  # saving this page reverts to the version shown
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        reason = form.cleaned_data.get("change_reason") or ""
        action = HistoryAction.REVERTED if getattr(request, "reverting", False) else None
        with recorded_as(user=request.user, reason=reason, action=action):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        # Inline rows (e.g. memberships removed from a workspace) share the page's reason.
        with recorded_as(user=request.user, reason=form.cleaned_data.get("change_reason") or ""):
            super().save_related(request, form, formsets, change)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST" and _delete_reason(request) is None:
            return HttpResponseRedirect(request.get_full_path())  # the confirmation again
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj) -> None:
        delete_object(obj, user=request.user, reason=request.POST.get("reason", ""))

    def delete_queryset(self, request, queryset) -> None:
        reason = required_reason(request.POST.get("reason"), DELETE_REASON_REQUIRED)
        with recorded_as(user=request.user, reason=reason):
            super().delete_queryset(request, queryset)


class ReasonedInlineFormSet(BaseInlineFormSet):
    """Removing an inline row needs the reason of the page it is on."""

    def clean(self) -> None:
        super().clean()
        if self.deleted_forms and not (self.data.get("change_reason") or "").strip():
            raise ValidationError(f"To remove a row: {DELETE_REASON_REQUIRED}")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = ReasonedInlineFormSet
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(TrackedAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(TrackedAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__username", "workspace__name"]
    autocomplete_fields = ["user", "workspace"]


@admin.register(Outlet)
class OutletAdmin(TrackedAdmin):
    list_display = ["name", "workspace", "country", "language", "reliability"]
    list_filter = ["workspace", "reliability", "country"]
    search_fields = ["name", "url"]


@admin.register(Source)
class SourceAdmin(TrackedAdmin):
    list_display = ["title", "workspace", "outlet", "language", "published_on", "derivation", "captured_at"]
    list_filter = ["workspace", "language", "direction", "derivation", "media_type"]
    search_fields = ["title", "original_url", "text_sha256", "original_sha256"]
    readonly_fields = ["version", "original", "original_sha256", "text_sha256", "created_at", "updated_at"]
    autocomplete_fields = ["outlet", "derived_from"]

    def get_readonly_fields(self, request, obj=None):
        # A stored text is corrected only through archive.passages.correction.correct_source_text,
        # which re-anchors the passages that point into it.
        return [*self.readonly_fields, "text"] if obj is not None else self.readonly_fields


@admin.register(Passage)
class PassageAdmin(TrackedAdmin):
    list_display = ["__str__", "source", "start", "end", "anchor_status", "created_by"]
    list_filter = ["workspace", "anchor_status"]
    search_fields = ["exact", "source__title"]
    readonly_fields = ["workspace", "version", "created_at", "updated_at"]
    autocomplete_fields = ["source"]


class ReviewedAdmin(TrackedAdmin):
    """Review status changes only through the review workflow, here as everywhere."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "review_status"]


@admin.register(Annotation)
class AnnotationAdmin(ReviewedAdmin):
    list_display = ["__str__", "workspace", "motivation", "author", "review_status", "updated_at"]
    list_filter = ["workspace", "motivation", "review_status"]
    search_fields = ["body"]
    autocomplete_fields = ["passages"]


@admin.register(Claim)
class ClaimAdmin(ReviewedAdmin):
    list_display = ["__str__", "workspace", "credibility", "status", "review_status", "created_by"]
    list_filter = ["workspace", "credibility", "status", "review_status"]
    search_fields = ["statement"]


@admin.register(Evidence)
class EvidenceAdmin(ReviewedAdmin):
    list_display = ["claim", "passage", "stance", "grade", "review_status", "created_by"]
    list_filter = ["workspace", "stance", "review_status"]
    search_fields = ["claim__statement", "passage__exact", "note"]
    readonly_fields = ["workspace", "version", "created_at", "updated_at"]
    autocomplete_fields = ["claim", "passage"]
