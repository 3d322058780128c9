from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive.permissions import member_view
from archive.search import QueryError, search
from archive.search.forms import SearchForm


def _url(params: QueryDict, **changes) -> str:
    """The search page with these parameters changed (None removes one)."""
    params = params.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    return f"{reverse('archive:search')}?{params.urlencode()}"


@member_view
@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """Search every workspace of the user; archive.search does the work."""
    form = SearchForm(request.GET or None, user=request.user)
    context: dict[str, object] = {"form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "archive/search.html", context, status=400)
    if form.is_valid() and form.cleaned_data["q"].strip():
        kind = form.cleaned_data["kind"] or None
        try:
            results = search(
                user=request.user,
                query=form.cleaned_data["q"],
                filters=form.filters(),
                kind=kind,
                page=form.cleaned_data["page"] or 1,
            )
        except QueryError as error:
            context["error"] = str(error)
            return render(request, "archive/search.html", context, status=400)
        else:
            urls = {group.kind: _url(request.GET, kind=group.kind, page=None) for group in results.kinds}
            sections = [(group, urls[group.kind]) for group in results.kinds if kind in (None, group.kind)]
            context |= {
                "results": results,
                "kind": kind,
                "tabs": [(group, urls[group.kind]) for group in results.kinds],
                "sections": sections,
                "all_url": _url(request.GET, kind=None, page=None),
                "suggestion_url": results.suggestion and _url(request.GET, q=results.suggestion, page=None),
            }
            if kind:
                group = sections[0][0]
                context["previous_url"] = group.page > 1 and _url(request.GET, page=group.page - 1)
                context["next_url"] = group.page < group.pages and _url(request.GET, page=group.page + 1)
    return render(request, "archive/search.html", context)
