"""Alerts: the inbox of the signed-in member, marking alerts read, e-mail opt-in."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from archive.alerts import RECIPIENT_ROLES, alerts_of, mark_read, set_email_alerts
from archive.core.text import isolated
from archive.models import Membership
from archive.permissions import Action, WorkspaceRequest, member_view, workspace_view
from archive.views.methods import require_form_methods

INBOX_SIZE = 200


class ReadForm(forms.Form):
    alert = forms.IntegerField(required=False, min_value=1)


@member_view
@require_form_methods
def inbox(request: HttpRequest) -> HttpResponse:
    """GET: the user's alerts, unread first. POST: mark one (`alert`) or all read."""
    user = cast(User, request.user)  # member_view turned anonymous visitors away
    if request.method == "POST":
        form = ReadForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest("Give the number of an alert, or nothing to mark all read.")
        alert_id = form.cleaned_data["alert"]
        marked = mark_read(user=user, alert_ids=[alert_id] if alert_id else None)
        messages.success(request, f"{marked} alert{'s' if marked != 1 else ''} marked read.")
        return redirect("archive:alerts")
    alerts = (
        alerts_of(user)
        .select_related("workspace", "source", "evidence", "check_record__source_version", "source_version")
        .order_by("read_at", "-created_at", "-id")[:INBOX_SIZE]
    )
    memberships = Membership.objects.filter(user=user, role__in=RECIPIENT_ROLES).select_related("workspace")
    return render(request, "archive/alerts.html", {"alerts": alerts, "memberships": memberships})


class EmailForm(forms.Form):
    enabled = forms.BooleanField(required=False)


@workspace_view(Action.CONTRIBUTE)
@require_POST
def alert_email(request: WorkspaceRequest) -> HttpResponse:
    """Turn e-mailed alerts of this workspace on or off for the signed-in member."""
    form = EmailForm(request.POST)
    form.is_valid()  # a missing or unchecked box means off
    membership = Membership.objects.get(user=request.user, workspace=request.workspace)
    enabled = bool(form.cleaned_data.get("enabled"))
    set_email_alerts(membership=membership, user=request.user, enabled=enabled)
    state = "on" if enabled else "off"
    messages.success(request, f"E-mail alerts for {isolated(request.workspace.name)} are {state}.")
    return redirect("archive:alerts")
