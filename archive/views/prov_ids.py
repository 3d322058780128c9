"""Where the identifiers of a PROV export lead.

A PROV document (archive.sources.provenance) names each object by an IRI in its
workspace's namespace, e.g. https://host/w/demo/claim-12. Each that names an
object with a page redirects to that page: a claim to its page, evidence to its
place on its claim's page, a passage to its source's reading page at the
passage, a grading to that version in its object's history, and so on. People,
agents known by name only (authors, publishers) and stored bytes
(original-<sha>, warc-<sha>) have no page of their own: 404, as for an object not in the
workspace. An object deleted since leads to its history, which says who deleted it,
when and why (a published PROV document outlives what it names). The redirect is a
workspace view like the pages it leads to, so a non-member gets the same 404 as for
the page.
"""

import re
from collections.abc import Callable
from typing import TypeVar

from django.db.models import Model
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive.core.json_input import INT64_MAX
from archive.models import Claim, Evidence, FixityCheck, HistoryEntry, Outlet, Passage, Source, SourceVersion
from archive.permissions import Action, WorkspaceRequest, get_in_workspace_or_404, workspace_view

# What the route takes: a kind's words, then numbers (and words): claim-12, source-3-version-2.
IDENTIFIER = r"[a-z]+(?:-[a-z]+)*-[0-9][-a-z0-9]*"

M = TypeVar("M", bound=Model)


class _Deleted(Exception):
    """The object is gone; its history (at `url`) is what is left of it."""

    def __init__(self, url: str) -> None:
        self.url = url


def _get(request: WorkspaceRequest, model: type[M], pk: int, *fields: str) -> M:
    """The object, with only the fields the redirect needs (a source's text can be long)."""
    try:
        return get_in_workspace_or_404(model._default_manager.only("pk", *fields), request.workspace, pk=pk)
    except Http404:
        kind = model._meta.model_name
        if HistoryEntry.objects.filter(workspace=request.workspace, model=kind, object_id=pk).exists():
            raise _Deleted(_page(request, "archive:object_history", str(kind), pk)) from None
        raise


def _page(request: WorkspaceRequest, view: str, *args: int | str, after: str = "") -> str:
    return reverse(view, args=[request.workspace.slug, *args]) + after


def _claim(request: WorkspaceRequest, pk: int) -> str:
    return _page(request, "archive:claim", _get(request, Claim, pk).pk)


def _evidence(request: WorkspaceRequest, pk: int) -> str:
    claim_id = _get(request, Evidence, pk, "claim").claim_id
    return _page(request, "archive:claim", claim_id, after=f"#evidence-{pk}")


def _grading(request: WorkspaceRequest, model: str, pk: int, history_id: int) -> str:
    # The history page checks what it shows, and keeps a deleted object's gradings.
    return _page(request, "archive:object_history", model, pk, after=f"?version={history_id}")


def _reviewed(request: WorkspaceRequest, model: str, pk: int) -> str:
    # A reviewer's decision is in its object's history, with who, when and the comment.
    return _page(request, "archive:object_history", model, pk)


def _outlet(request: WorkspaceRequest, pk: int) -> str:
    return _page(request, "archive:outlets", after=f"#outlet-{_get(request, Outlet, pk).pk}")


def _source(request: WorkspaceRequest, pk: int) -> str:
    return _page(request, "archive:source", _get(request, Source, pk).pk)


def _version(request: WorkspaceRequest, source_id: int, number: int) -> str:
    versions = SourceVersion.objects.only("pk")
    get_in_workspace_or_404(versions, request.workspace, source_id=source_id, number=number)
    return _page(request, "archive:source_version", source_id, number)


def _revision(request: WorkspaceRequest, pk: int) -> str:
    """A recapture or text correction, named by the version it made."""
    version = _get(request, SourceVersion, pk, "source", "number")
    return _page(request, "archive:source_version", version.source_id, version.number)


def _provenance(request: WorkspaceRequest, source_id: int) -> str:
    return _page(request, "archive:source_provenance", _get(request, Source, source_id).pk)


def _fixity(request: WorkspaceRequest, pk: int) -> str:
    return _provenance(request, _get(request, FixityCheck, pk, "source").source_id)


def _passage(request: WorkspaceRequest, pk: int) -> str:
    source_id = _get(request, Passage, pk, "source").source_id
    return _page(request, "archive:source", source_id, after=f"#passage-{pk}")


def _aligned(request: WorkspaceRequest, source_id: int) -> str:
    return _page(request, "archive:source_aligned", _get(request, Source, source_id).pk)


_N = "([0-9]+)"
# Each identifier archive.sources.provenance makes for an object with a page, and that page.
_PAGES: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (re.compile(f"claim-{_N}"), _claim),
    (re.compile(f"(?:link-)?evidence-{_N}"), _evidence),
    (re.compile(f"grading-(claim|outlet)-{_N}-{_N}"), _grading),
    (re.compile(f"review-(claim|evidence)-{_N}"), _reviewed),
    (re.compile(f"outlet-{_N}"), _outlet),
    (re.compile(f"source-{_N}"), _source),
    (re.compile(f"source-{_N}-version-{_N}"), _version),
    (re.compile(f"(?:recapture|correction)-{_N}"), _revision),
    # How the source came to the archive, and what is known of an original it does not hold.
    (re.compile(f"(?:import|capture|webpage)-{_N}|source-{_N}-unarchived-original"), _provenance),
    (re.compile(f"fixity-check-{_N}"), _fixity),
    (re.compile(f"(?:passage|highlight)-{_N}"), _passage),
    (re.compile(f"span-{_N}-[0-9]+-[0-9]+"), _source),
    (re.compile(f"alignment-{_N}"), _aligned),
]


def _number(digits: str) -> int:
    # Bounded as every id in a path is (archive.core.paths): a longer one names nothing.
    if len(digits) > len(str(INT64_MAX)) or int(digits) > INT64_MAX:
        raise Http404("No such object.")
    return int(digits)


@workspace_view(Action.VIEW)
@require_safe
def prov_identifier(request: WorkspaceRequest, identifier: str) -> HttpResponseRedirect:
    """To the page of the object a PROV export's identifier names."""
    for pattern, page_of in _PAGES:
        if match := pattern.fullmatch(identifier):
            found = [group for group in match.groups() if group is not None]
            arguments = [group if group.isalpha() else _number(group) for group in found]
            try:
                return HttpResponseRedirect(page_of(request, *arguments))
            except _Deleted as deleted:
                return HttpResponseRedirect(deleted.url)
    raise Http404("This identifier names nothing with a page of its own.")
