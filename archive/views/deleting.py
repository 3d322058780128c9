"""Deleting a claim, a source or an outlet from a page of its own.

The page says what goes with the object and what keeps it (passages keep their
source), and asks why: the reason is kept in the history, from which a reviewer
can bring the object back. The form carries the version the page showed, so a
change made meanwhile is shown rather than deleted unseen.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, ProtectedError, RestrictedError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from archive.audit.forms import reason_field
from archive.core.editing import StaleVersion, deletion_effects
from archive.core.forms import show_refusal
from archive.core.text import isolated
from archive.models import DivergenceNote, EvidenceItem, Hypothesis, Passage, Source
from archive.permissions import WorkspaceRequest

KEEPERS_SHOWN = 10

# The domain's delete function for the object, called as delete(user=, reason=, expected_version=).
Delete = Callable[..., None]


class DeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = reason_field(required=True, label="Why delete it (kept in the history)")


@dataclass(frozen=True)
class Deleting:
    """How one kind is deleted from its page: its name, its page and its list (URL
    names taking the workspace's slug, and the object's id for its page; None: the
    list is its page), and how to free it when something keeps it."""

    kind: str  # as the history names it: "claim", "source", "outlet"
    title_field: str  # what the object is called by
    page: str | None
    listed: str
    to_free_it: str


def delete_page(request: WorkspaceRequest, obj: Model, deleting: Deleting, delete: Delete) -> HttpResponse:
    """GET: the confirmation; POST: delete, then go to the list it was in."""
    slug, title = request.workspace.slug, getattr(obj, deleting.title_field)
    listed = reverse(deleting.listed, args=[slug])
    back = reverse(deleting.page, args=[slug, obj.pk]) if deleting.page else listed
    form = DeleteForm(request.POST or None, initial={"version": getattr(obj, "version", 0)})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                delete(user=request.user, reason=reason, expected_version=form.cleaned_data["version"])
            except StaleVersion as error:
                # Shown with what is there now; confirming again deletes that version.
                current = error.current
                obj, status = current, 409
                form = DeleteForm({"version": current.version, "reason": reason})
                form.is_valid()
                show_refusal(form, error)
            except ValidationError as error:
                show_refusal(form, error)
            except (ProtectedError, RestrictedError):
                status = 409  # something came to refer to it meanwhile: listed below
            else:
                messages.success(
                    request, f"Deleted the {deleting.kind} {isolated(title)}. Its history keeps it."
                )
                return redirect(listed)
    effects = deletion_effects(obj)
    context: dict[str, Any] = {
        "form": form,
        "deleting": deleting,
        "title": title,
        "back": back,
        "back_label": f"Back to the {deleting.kind}" if deleting.page else f"All {deleting.kind}s",
        "with_it": _counted(effects.with_it),
        "kept_by": _counted(Counter(type(each) for each in effects.kept_by)),
        "keepers": [_named(each, slug) for each in effects.kept_by[:KEEPERS_SHOWN]],
        "more_keepers": max(len(effects.kept_by) - KEEPERS_SHOWN, 0),
        "history_url": reverse("archive:object_history", args=[slug, deleting.kind, obj.pk]),
    }
    return render(request, "archive/delete.html", context, status=status)


def _named(obj: Model, slug: str) -> tuple[str, str | None]:
    """What refers to the object, named as its page is (None: it has none), each
    name isolated: an Arabic title must not reorder the words around it."""
    match obj:
        case Source():
            return isolated(obj.title), reverse("archive:source", args=[slug, obj.pk])
        case Passage():
            named = f"{isolated(str(obj))} in {isolated(obj.source.title)}"
            return named, reverse("archive:source", args=[slug, obj.source_id])
        case Hypothesis() | EvidenceItem():
            named = f"{isolated(str(obj))} in the question {isolated(str(obj.question))}"
            return named, reverse("archive:question", args=[slug, obj.question_id])
        case DivergenceNote():
            return isolated(str(obj)), reverse("archive:source_aligned", args=[slug, obj.source_id])
    return isolated(str(obj)), None


def _counted(counts: dict[type[Model], int]) -> list[str]:
    """["3 passages", "1 evidence"]: each model's count with its name, by name."""
    named = [
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in counts.items()
    ]
    return sorted(named, key=lambda text: text.split(" ", 1)[1])
