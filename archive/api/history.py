"""An object's history as the REST API gives it (GET /api/<resource>/<id>/history/): each
row's state named and valued as the resource itself is, never a storage path.

A history row keeps the object's columns as they were: foreign keys as ids, a stored file
as its storage name. Here, as in the resource's own representation, a user is named by
username (null once the account is deleted) and the workspace by its slug; other related
objects by id under the field's name (`outlet`, `derived_from`); a stored file by its
SHA-256, size and where to download it, as the history page shows it (archive.audit.diffing);
and an annotation's passages as the ids the row recorded (its many-to-many history).
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request

from archive.audit.diffing import Download, stored_file
from archive.audit.history import downloads_in, passages_by_version
from archive.models import Workspace


class HistoryStates:
    """The states of a page of one object's history rows, with what they name (users,
    stored files, passages) read once for the page."""

    def __init__(self, *, request: Request, workspace: Workspace, rows: Sequence[Any]):
        self.request, self.workspace = request, workspace
        self.download_of = downloads_in(workspace)
        model = rows[0].instance_type if rows else None
        self.fields: list[models.Field] = list(model._meta.concrete_fields) if model else []
        self.many_to_many = [field.name for field in model._meta.many_to_many] if model else []
        self.passages = passages_by_version(model._meta.model_name or "", rows) if model else None
        User = get_user_model()
        user_fields = [field for field in self.fields if field.is_relation and field.related_model is User]
        user_ids = {getattr(row, field.attname) for row in rows for field in user_fields} - {None}
        self.usernames = dict(User.objects.filter(pk__in=user_ids).values_list("pk", User.USERNAME_FIELD))
        self.files: dict[tuple[str, str], dict[str, Any]] = {}

    def state(self, row: Any) -> dict[str, Any]:
        values = {field.attname: getattr(row, field.attname) for field in self.fields}
        state = {field.name: self._value(field, values) for field in self.fields}
        for name in self.many_to_many:
            state[name] = sorted((self.passages or {}).get(row.history_id, set()))
        return state

    def _value(self, field: models.Field, values: dict[str, Any]) -> object:
        value = values[field.attname]
        if field.is_relation and value is not None:
            if field.related_model is Workspace:
                return self.workspace.slug if value == self.workspace.pk else None
            if field.related_model is get_user_model():
                return self.usernames.get(value)
            return value
        if isinstance(field, models.FileField):
            return self._file(field, str(value or ""), values) if value else None
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def _file(self, field: models.Field, name: str, values: dict[str, Any]) -> dict[str, Any]:
        key = (field.name, name)
        if key not in self.files:
            stored = stored_file(field, name, values)
            download = self.download_of(name)
            self.files[key] = {
                "sha256": stored.sha256 or None,
                "size": stored.size,
                "download": self._download_url(download) if download else None,
            }
        return self.files[key]

    def _download_url(self, download: Download) -> str:
        # The version's download the history page links the file to.
        route = (
            "archive:source_version_warc" if download.part == "warc" else "archive:source_version_original"
        )
        url = reverse(route, args=[self.workspace.slug, download.source_id, download.number])
        return self.request.build_absolute_uri(url)


@extend_schema_serializer(component_name="HistoryOut")
class HistoryRowOut(serializers.Serializer):
    """One history row: who changed the object, when, why, and its state after."""

    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_type = serializers.ChoiceField(choices=[("+", "created"), ("~", "changed"), ("-", "deleted")])
    history_user = serializers.CharField(source="history_user.username", allow_null=True, default=None)
    history_change_reason = serializers.SerializerMethodField(
        help_text="Why, as it was given; empty when no reason was recorded."
    )
    state = serializers.SerializerMethodField(
        help_text="The object as it was after this change, named as the resource is: users by "
        "username (null once the account is deleted), the workspace by its slug, other related "
        "objects by id, a stored file as {sha256, size, download} (never its storage path), an "
        "annotation's passages as the ids it had."
    )

    def get_history_change_reason(self, row: Any) -> str:
        # Stored as recorded (null or ""), hashed into the ledger: told apart nowhere.
        return row.history_change_reason or ""

    def get_state(self, row: Any) -> dict:
        states: HistoryStates = self.context["states"]
        return states.state(row)
