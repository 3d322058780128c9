"""Explicit input and output serializers for the REST API.

Outputs are read-only model serializers; inputs are plain serializers that
validate a request's fields before a service function runs.
"""

import copy
import datetime
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from rest_framework import serializers

from archive.core.compiled_query import CompiledQuery
from archive.core.json_input import INT64_MAX
from archive.models import (
    Annotation,
    Claim,
    ClaimStatus,
    Derivation,
    DivergenceKind,
    Evidence,
    Motivation,
    Outlet,
    Passage,
    Source,
    Stance,
    TextDirection,
    Workspace,
)
from archive.models.grading import Credibility, Reliability
from archive.models.source import MAX_AUTHOR_LENGTH
from archive.passages.selectors import check_position, check_quote

# Most annotations one batch request creates (POST /api/annotations/batch/).
BATCH_MAX = 500

# --- output ------------------------------------------------------------------


class WorkspaceOut(serializers.ModelSerializer):
    role = serializers.CharField(read_only=True, help_text="Your role in this workspace.")

    class Meta:
        model = Workspace
        fields = ["slug", "name", "description", "created_at", "role"]


def _username_field() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)


# The fields of each output serializer class as ModelSerializer works them out.
_MODEL_FIELDS: dict[type, dict[str, serializers.Field]] = {}


class VersionedOut(serializers.ModelSerializer):
    workspace: "serializers.SlugRelatedField[Workspace]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        fields = ["id", "workspace", "version", "created_at", "updated_at"]

    def get_fields(self) -> dict[str, serializers.Field]:
        # ModelSerializer works its fields out from the model again for every
        # instance: most of a one-object response's serializing time. Worked out
        # once per class here; each instance gets copies, as DRF's declared fields do.
        made = _MODEL_FIELDS.get(type(self))
        if made is None:
            made = _MODEL_FIELDS[type(self)] = super().get_fields()
        return copy.deepcopy(made)


class OutletOut(VersionedOut):
    class Meta:
        model = Outlet
        fields = [
            *VersionedOut.Meta.fields,
            *("name", "url", "country", "language", "reliability", "reliability_reason"),
        ]


class SourceOut(VersionedOut):
    captured_by = _username_field()
    text_url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            *VersionedOut.Meta.fields,
            *("title", "authors", "outlet", "original_url", "published_on", "language", "direction"),
            *("captured_at", "captured_by", "media_type", "original_sha256", "text_sha256"),
            *("derived_from", "derivation", "text_url", "file_url"),
        ]

    def get_text_url(self, source: Source) -> str:
        return reverse("api:source-text", kwargs={"pk": source.pk})

    def get_file_url(self, source: Source) -> str:
        return reverse("api:source-original", kwargs={"pk": source.pk})


class PassageOut(VersionedOut):
    created_by = _username_field()

    class Meta:
        model = Passage
        fields = [
            *VersionedOut.Meta.fields,
            *("source", "start", "end", "exact", "prefix", "suffix", "anchor_status", "created_by"),
        ]


class AnnotationOut(VersionedOut):
    author = _username_field()
    passages = serializers.ListField(
        child=serializers.IntegerField(), source="passage_ids", read_only=True, help_text="Passage ids."
    )

    class Meta:
        model = Annotation
        fields = [
            *VersionedOut.Meta.fields,
            *("passages", "body", "motivation", "tags", "author", "review_status"),
        ]


class ClaimOut(VersionedOut):
    created_by = _username_field()

    class Meta:
        model = Claim
        fields = [
            *VersionedOut.Meta.fields,
            *("statement", "credibility", "credibility_reason", "status", "tags", "created_by"),
            "review_status",
        ]


class EvidenceOut(VersionedOut):
    created_by = _username_field()
    grade = serializers.CharField(
        read_only=True, help_text="Outlet reliability and claim credibility, e.g. B2."
    )

    class Meta:
        model = Evidence
        fields = [
            *VersionedOut.Meta.fields,
            *("claim", "passage", "stance", "note", "created_by", "review_status", "grade"),
        ]


class HistoryOut(serializers.Serializer):
    """One history row: who changed the object, when, why, and its state after."""

    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_type = serializers.ChoiceField(choices=[("+", "created"), ("~", "changed"), ("-", "deleted")])
    history_user = serializers.CharField(source="history_user.username", allow_null=True, default=None)
    history_change_reason = serializers.CharField(allow_null=True)
    state = serializers.SerializerMethodField()

    def get_state(self, row) -> dict:
        """The tracked fields' values in this version (foreign keys as ids)."""
        return {
            field.attname: _plain(getattr(row, field.attname))
            for field in row.instance_type._meta.concrete_fields
        }


def _plain(value: object) -> object:
    """A model value as JSON: dates in ISO 8601, files by their stored name."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


# --- input -------------------------------------------------------------------


class InWorkspace(serializers.PrimaryKeyRelatedField):
    """The id of an object in the request's workspace (others do not exist)."""

    # Every InWorkspace is given `queryset=Model.objects.all()` (the field is writable,
    # so DRF requires one): never a manager, never None.
    queryset: QuerySet[Model]

    def get_queryset(self) -> QuerySet[Model]:
        queryset = super().get_queryset()
        if queryset is None:  # not reached: see `queryset`
            raise ImproperlyConfigured("InWorkspace needs a queryset.")
        return queryset.filter(workspace=self.context["workspace"])

    def __deepcopy__(self, memo: dict[int, Any]) -> "InWorkspace":
        # DRF copies every field for each serializer instance, and this queryset with
        # its whole query; get_queryset() takes .all() of it, never changing it: share it.
        memo[id(self.queryset)] = self.queryset
        return super().__deepcopy__(memo)

    def to_internal_value(self, data: object) -> Model:
        workspace = self.context["workspace"]
        if type(data) is int and abs(data) <= INT64_MAX:
            # An id: preloaded (batch requests), or looked up by the query compiled once.
            obj = self.context.get("preloaded", {}).get((self.queryset.model, data))
            if obj is None:
                found = _by_id_in_workspace(self.queryset)(pk=data, workspace_id=workspace.pk)
                if not found:
                    self.fail("does_not_exist", pk_value=data)
                obj = found[0]
        else:  # DRF's own lookup tells a string id from a wrong type
            obj = super().to_internal_value(data)
        obj.workspace = workspace  # it is that one: spare the services a query for it
        return obj


# By queryset (its identity: the dict keeps it alive, so no other takes its place).
_BY_ID_IN_WORKSPACE: dict[QuerySet[Any], CompiledQuery[Any]] = {}


def _by_id_in_workspace(queryset: QuerySet[Any]) -> CompiledQuery[Any]:
    """`queryset`'s object with an id, in a workspace, as a compiled query (one per
    declared field's queryset, which its copies share)."""
    compiled = _BY_ID_IN_WORKSPACE.get(queryset)
    if compiled is None:
        compiled = _BY_ID_IN_WORKSPACE[queryset] = CompiledQuery(
            lambda pk, workspace_id: queryset.filter(pk=pk, workspace_id=workspace_id),
            pk=int,
            workspace_id=int,
        )
    return compiled


def preload(context: dict[str, Any], queryset: QuerySet[Any], ids: set[int]) -> None:
    """Fetch these objects of the context's workspace (from `queryset`, an
    InWorkspace field's) in one query per 900, instead of one query per id (batch
    requests)."""
    ordered = sorted(ids)
    preloaded = context.setdefault("preloaded", {})
    for first in range(0, len(ordered), 900):
        for obj in queryset.filter(workspace=context["workspace"], pk__in=ordered[first : first + 900]):
            obj.workspace = context["workspace"]
            preloaded[queryset.model, obj.pk] = obj


def _tags_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=100, default=list
    )


def _reason_field() -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, default="", write_only=True, help_text="Why (kept in history)."
    )


class StrictIn(serializers.Serializer):
    """Input that refuses a field it does not know, by name, instead of dropping it
    (a misspelt `credibilty` must not create a claim with the default grade)."""

    def to_internal_value(self, data: object) -> dict:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["There is no such field."] for name in unknown})
        return super().to_internal_value(data)


class DivergenceExplanationIn(StrictIn):
    """A divergence flag named by its values, as GET /api/sources/ID/divergences/ lists them."""

    kind = serializers.ChoiceField(choices=DivergenceKind.choices)
    here = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, default="", help_text="`source.surface`."
    )
    there = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text="`counterpart.surface`.",
    )
    reason = serializers.CharField(max_length=2000, help_text="Why the texts may differ here.")


class CreateIn(StrictIn):
    workspace = serializers.SlugField(help_text="The workspace's slug.")


class OutletIn(StrictIn):
    name = serializers.CharField(max_length=200)
    url = serializers.URLField(required=False, allow_blank=True, default="")
    country = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=35, required=False, allow_blank=True, default="")
    reliability = serializers.ChoiceField(choices=Reliability.choices, required=False, default=Reliability.F)
    reliability_reason = serializers.CharField(required=False, allow_blank=True, default="")
    reason = _reason_field()


class OutletCreateIn(CreateIn, OutletIn):
    pass


class SourceIn(StrictIn):
    title = serializers.CharField(max_length=500)
    authors = serializers.ListField(
        child=serializers.CharField(max_length=MAX_AUTHOR_LENGTH), required=False, default=list
    )
    outlet = InWorkspace(queryset=Outlet.objects.all(), required=False, allow_null=True, default=None)
    original_url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    language = serializers.CharField(max_length=35, help_text="BCP 47 tag, e.g. ar or en-GB")
    direction = serializers.ChoiceField(choices=TextDirection.choices, required=False)
    derived_from = InWorkspace(queryset=Source.objects.all(), required=False, allow_null=True, default=None)
    derivation = serializers.ChoiceField(
        choices=Derivation.choices, required=False, allow_blank=True, default=""
    )
    reason = _reason_field()


class SourceCreateIn(CreateIn, SourceIn):
    text = serializers.CharField(trim_whitespace=False, help_text="The plain text; it is also the original.")
    media_type = serializers.CharField(max_length=100, required=False, default="text/plain")


class PassageCreateIn(CreateIn):
    # The serializer's metaclass moves declared fields off the class, so this never
    # shadows Field.source (the attribute path), which the stubs cannot know.
    source = InWorkspace(queryset=Source.objects.all())  # type: ignore[assignment]
    start = serializers.IntegerField(min_value=0, max_value=INT64_MAX, help_text="Unicode code points.")
    end = serializers.IntegerField(
        min_value=1, max_value=INT64_MAX, help_text="Unicode code points, exclusive."
    )
    exact = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The quote the client saw; must match the text."
    )

    def validate(self, attrs: dict) -> dict:
        source, start, end = attrs["source"], attrs["start"], attrs["end"]
        try:
            if "exact" in attrs:
                check_quote(source.text, start, end, attrs["exact"])
            else:
                check_position(source.text, start, end)
        except DjangoValidationError as error:
            field = "exact" if error.code == "quote_mismatch" else "end"
            raise serializers.ValidationError({field: error.messages}) from None
        return attrs


class AnnotationIn(StrictIn):
    body = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    # Left out: a note if the body has text, else a highlight (archive.claims.default_motivation).
    motivation = serializers.ChoiceField(choices=Motivation.choices, required=False)
    tags = _tags_field()
    reason: serializers.CharField | None = _reason_field()  # None in a subclass: no such field


# Passages to annotate, with what the search index copies from their source.
_PASSAGES_WITH_SOURCES = Passage.objects.select_related("source").defer("source__text")


class AnnotationItemIn(AnnotationIn):
    passages = InWorkspace(queryset=_PASSAGES_WITH_SOURCES, many=True, allow_empty=False)
    reason: serializers.CharField | None = None  # creating needs no reason


class AnnotationCreateIn(CreateIn, AnnotationItemIn):
    reason = _reason_field()


class AnnotationBatchIn(CreateIn):
    # What AnnotationItemIn(many=True, allow_empty=False, max_length=BATCH_MAX) builds.
    annotations: "serializers.ListSerializer[Any]" = serializers.ListSerializer(
        child=AnnotationItemIn(), allow_empty=False, max_length=BATCH_MAX
    )

    def to_internal_value(self, data: object) -> dict:
        items = data.get("annotations") if isinstance(data, dict) else None
        if isinstance(items, list) and len(items) <= BATCH_MAX:
            ids = {
                pk
                for item in items
                if isinstance(item, dict) and isinstance(item.get("passages"), list)
                for pk in item["passages"]
                if type(pk) is int  # not bool; anything else is refused by the field itself
            }
            # The context is the dict the view passed (DRF types it as a read-only Mapping).
            preload(cast(dict[str, Any], self.context), _PASSAGES_WITH_SOURCES, ids)
        return super().to_internal_value(data)


class AnnotationBatchOut(serializers.Serializer):
    results = AnnotationOut(many=True, help_text="The annotations created, in the order sent.")


class ClaimIn(StrictIn):
    statement = serializers.CharField()
    credibility = serializers.ChoiceField(
        choices=Credibility.choices, required=False, default=Credibility.CANNOT_BE_JUDGED
    )
    tags = _tags_field()
    reason = _reason_field()


class ClaimCreateIn(CreateIn, ClaimIn):
    pass


class ClaimUpdateIn(ClaimIn):
    credibility_reason = serializers.CharField(required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False, default=ClaimStatus.OPEN)


class EvidenceIn(StrictIn):
    stance = serializers.ChoiceField(choices=Stance.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = _reason_field()


class EvidenceCreateIn(CreateIn, EvidenceIn):
    claim = InWorkspace(queryset=Claim.objects.all())
    passage = InWorkspace(queryset=Passage.objects.all())


class TokenOut(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text='Send as "Authorization: Token <key>".')
    created = serializers.DateTimeField(allow_null=True)
