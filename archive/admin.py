"""The Django admin, for site staff: every model with its history."""

from django import forms
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from archive.models import Annotation, Claim, Evidence, Membership, Outlet, Passage, Source, Workspace


class ReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        required=False, max_length=500, help_text="Why this change? Shown in the object's history."
    )


class TrackedAdmin(SimpleHistoryAdmin):
    """Admin that records an optional reason with every change."""

    form = ReasonForm
    history_list_display = ["history_change_reason"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change) -> None:
        obj._change_reason = form.cleaned_data.get("change_reason") or None
        super().save_model(request, obj, form, change)


class MembershipInline(admin.TabularInline):
    model = Membership
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
        # A stored text is corrected only through services.texts.correct_source_text,
        # which re-anchors the passages that point into it.
        return [*self.readonly_fields, "text"] if obj is not None else self.readonly_fields


@admin.register(Passage)
class PassageAdmin(TrackedAdmin):
    list_display = ["__str__", "source", "start", "end", "anchor_status", "created_by"]
    list_filter = ["workspace", "anchor_status"]
    search_fields = ["exact", "source__title"]
    readonly_fields = ["workspace", "version", "created_at", "updated_at"]
    autocomplete_fields = ["source"]


@admin.register(Annotation)
class AnnotationAdmin(TrackedAdmin):
    list_display = ["__str__", "workspace", "motivation", "author", "review_status", "updated_at"]
    list_filter = ["workspace", "motivation", "review_status"]
    search_fields = ["body"]
    autocomplete_fields = ["passages"]


@admin.register(Claim)
class ClaimAdmin(TrackedAdmin):
    list_display = ["__str__", "workspace", "credibility", "status", "review_status", "created_by"]
    list_filter = ["workspace", "credibility", "status", "review_status"]
    search_fields = ["statement"]


@admin.register(Evidence)
class EvidenceAdmin(TrackedAdmin):
    list_display = ["claim", "passage", "stance", "grade", "review_status", "created_by"]
    list_filter = ["workspace", "stance", "review_status"]
    search_fields = ["claim__statement", "passage__exact", "note"]
    readonly_fields = ["workspace", "version", "created_at", "updated_at"]
    autocomplete_fields = ["claim", "passage"]
