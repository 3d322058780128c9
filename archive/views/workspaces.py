from typing import cast

from django.contrib.auth.models import User
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from archive.findings.keys import fingerprint
from archive.models import Membership, Source
from archive.permissions import Action, WorkspaceRequest, member_view, workspace_view


@member_view
def home(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=cast(User, request.user))  # member_view: signed in
        .select_related("workspace")
        .annotate(source_count=Count("workspace__source"))
        .order_by("workspace__name")
    )
    return render(request, "archive/home.html", {"memberships": memberships})


@workspace_view(Action.VIEW)
def workspace_detail(request: WorkspaceRequest) -> HttpResponse:
    sources = (
        Source.objects.filter(workspace=request.workspace)
        .select_related("outlet", "derived_from")
        .annotate(passage_count=Count("passages"))
        .order_by("title")
    )
    context = {"sources": sources, "signing_key": fingerprint(request.workspace)}
    return render(request, "archive/workspace_detail.html", context)
