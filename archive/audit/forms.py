"""Forms of the audit pages, and the change-reason field every editing form uses.

Forms that change claims, evidence, annotations or source texts take a reason
with `reason_field()`: optional for edits, required for deletes and reverts.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, Max, Min, OuterRef, Q, QuerySet

from archive.audit.actions import Actions
from archive.audit.kinds import REVIEWED, kind_label
from archive.audit.ledger import live_ledger
from archive.audit.review import QueueFilters, sources_waited_on
from archive.core.attribution import REASON_MAX_LENGTH
from archive.core.forms import MomentField, form_field
from archive.models import HistoryAction, HistoryEntry, Membership, ReviewStatus, Source, Workspace


def reason_field(
    *,
    required: bool,
    label: str = "Reason",
    help_text: str = "",
    required_message: str = "Say why: the reason is kept in the history.",
) -> forms.CharField:
    """Why the change is made: recorded in the history and shown in the activity feed."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX_LENGTH,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        error_messages={"required": required_message},
    )


def model_choices() -> list[tuple[str, str]]:
    return sorted((label, kind_label(label).capitalize()) for label in live_ledger().history_models)


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj) if obj.is_member else f"{obj} (former member)"


class ActivityFilter(forms.Form):
    """The activity feed's filters (a GET form). Every field is optional."""

    user = _UserChoiceField(queryset=get_user_model().objects.none(), required=False, empty_label="anyone")
    model = forms.ChoiceField(label="Object type", required=False)
    action = forms.ChoiceField(choices=[("", "any"), *HistoryAction.choices], required=False)
    review_status = forms.ChoiceField(
        label="Review status now",
        choices=[("", "any"), *ReviewStatus.choices],
        required=False,
        help_text="Only changes to annotations, claims and evidence whose review status is now this.",
    )
    # Ids, not drop-downs: a workspace has thousands of claims, and deleted ones still have history.
    source = forms.IntegerField(label="Source #", required=False, min_value=1)
    claim = forms.IntegerField(label="Claim #", required=False, min_value=1)
    since = MomentField(label="From", required=False, widget=_DateTimeInput)
    until = MomentField(label="Until", required=False, widget=_DateTimeInput)

    def __init__(self, data: Mapping[str, Any] | None, *, workspace: Workspace) -> None:
        super().__init__(data)
        self.workspace = workspace
        self.actions = Actions(workspace.pk)
        # Former members too: their changes stay in the history, to be found and exported.
        is_member = Exists(Membership.objects.filter(workspace=workspace, user=OuterRef("pk")))
        in_history = Exists(HistoryEntry.objects.filter(workspace=workspace, user=OuterRef("pk")))
        form_field(self, "user", forms.ModelChoiceField).queryset = (
            get_user_model()
            .objects.annotate(is_member=is_member)
            .filter(Q(is_member=True) | in_history)
            .order_by("username")
        )
        form_field(self, "model", forms.ChoiceField).choices = [("", "any"), *model_choices()]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and since >= until:
            raise ValidationError("“From” must be before “Until”.")
        return data

    def entries(self) -> QuerySet[HistoryEntry]:
        """The workspace's ledger entries that pass the filters, newest first, each with the
        action the activity shows (`shown_action`; call after is_valid)."""
        data = self.cleaned_data
        entries = self.actions.annotate(HistoryEntry.objects.filter(workspace=self.workspace))
        lookups = {"user": "user", "model": "model", "source": "source_id", "claim": "claim_id"}
        for name, lookup in lookups.items():
            if data.get(name):
                entries = entries.filter(**{lookup: data[name]})
        if data.get("action"):
            entries = entries.filter(self.actions.shown_as(data["action"]))
        if data.get("review_status"):
            entries = entries.filter(self._now_in_review_status(data["review_status"]))
        if data.get("since") or data.get("until"):
            entries = self._in_time_range(entries, data.get("since"), data.get("until"))
        return entries.order_by("-sequence")

    def _now_in_review_status(self, status: str) -> Q:
        """Entries of the reviewed objects (of every reviewed kind) whose status is now `status`."""
        condition = Q(pk__in=[])
        for name, model in REVIEWED.items():
            ids = model._default_manager.filter(workspace=self.workspace, review_status=status).values("pk")
            condition |= Q(model=name, object_id__in=ids)
        return condition

    def _in_time_range(self, entries: QuerySet, since, until) -> QuerySet:
        """Entries recorded in [since, until).

        The time index gives the range's first and last sequence numbers, so the
        page is then read along the sequence, like any other page, instead of
        sorting every entry of the range.
        """
        in_range = Q(recorded_at__gte=since) if since else Q()
        if until:
            in_range &= Q(recorded_at__lt=until)
        # "+ 0": on a bare column PostgreSQL turns MIN/MAX into a walk along the
        # sequence index, filtering times; this keeps it on the time index.
        bounds = HistoryEntry.objects.filter(in_range, workspace=self.workspace).aggregate(
            first=Min(F("sequence") + 0), last=Max(F("sequence") + 0)
        )
        if bounds["first"] is None:
            return entries.none()
        # Times nearly follow sequence numbers; the time test drops the odd entry that does not.
        return entries.filter(in_range, sequence__gte=bounds["first"], sequence__lte=bounds["last"])

    def scope(self) -> list[str]:
        """What the source and claim filters name, as the ledger last recorded them (deleted ones too)."""
        named = []
        for model in ("source", "claim"):
            object_id = self.cleaned_data.get(model)
            if object_id:
                entry = (
                    HistoryEntry.objects.filter(workspace=self.workspace, model=model, object_id=object_id)
                    .order_by("-sequence")
                    .first()
                )
                named.append(
                    f"{model} #{object_id}: {entry.object_repr if entry else 'none in this workspace'}"
                )
        return named

    def active_filters(self) -> dict[str, str]:
        """The filters as given, for export links and the export's header."""
        return {name: value for name, value in self.data.items() if name in self.fields and value}


class RevertForm(forms.Form):
    history_id = forms.IntegerField(widget=forms.HiddenInput)
    # The newest version the reviewer saw: a revert on top of an unseen change is refused.
    latest_history_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = reason_field(required=True)


class SubmitDraftsForm(forms.Form):
    """Every draft of one's own on a source, to the reviewers with one note."""

    reason = reason_field(required=False, label="Note for the reviewer")


def submit_drafts_form_name(source_id: int) -> str:
    """The name a refused note is kept under for the reading page to show it again."""
    return f"submit-drafts-{source_id}"


class SubmitForm(SubmitDraftsForm):
    """One item, as it stood when its author read it."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class FlagForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = reason_field(required=True, label="What should an admin look at?")


class ReviewDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = reason_field(required=False, label="Comment")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # A comment refused already (too long) is not a comment missing.
        if data.get("decision") == "reject" and not data.get("comment") and "comment" not in self.errors:
            self.add_error("comment", "Say why it is rejected: the analyst needs to know.")
        return data


WAITING_CHOICES = {
    "": ("any time", None),
    "1h": ("an hour or more", timedelta(hours=1)),
    "1d": ("a day or more", timedelta(days=1)),
    "3d": ("three days or more", timedelta(days=3)),
    "7d": ("a week or more", timedelta(days=7)),
}


class ReviewQueueFilter(forms.Form):
    """The review queue's filters (a GET form): kind, author, source, how long it has waited."""

    kind = forms.ChoiceField(
        required=False, choices=[("", "any"), *((name, name) for name in REVIEWED)], label="Kind"
    )
    author = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="anyone", label="Author"
    )
    source = forms.ModelChoiceField(
        queryset=Source.objects.none(), required=False, empty_label="any", label="Source"
    )
    waiting = forms.ChoiceField(
        required=False,
        choices=[(value, label) for value, (label, _) in WAITING_CHOICES.items()],
        label="Waiting",
    )

    def __init__(self, data, *, workspace: Workspace):
        super().__init__(data)
        cast(forms.ModelChoiceField, self.fields["author"]).queryset = (
            get_user_model().objects.filter(memberships__workspace=workspace).order_by("username")
        )
        # Only sources something waits on: a workspace may hold thousands.
        cast(forms.ModelChoiceField, self.fields["source"]).queryset = sources_waited_on(
            workspace=workspace
        ).order_by("title")

    def filters(self) -> QueueFilters:
        """The domain's filters (call after is_valid)."""
        data = self.cleaned_data
        return QueueFilters(
            kind=data.get("kind") or "",
            author_id=data["author"].pk if data.get("author") else None,
            source_id=data["source"].pk if data.get("source") else None,
            waiting_at_least=WAITING_CHOICES[data.get("waiting") or ""][1],
        )
