"""Explicit input and output serializers for the REST API.

Outputs are read-only model serializers; inputs are plain serializers that
validate a request's fields before a service function runs.
"""

import copy
import datetime
import re
from typing import Any, ClassVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse
from rest_framework import serializers
from rest_framework.fields import empty

from archive.claims.editing import REVIEW_STATUS_MESSAGE
from archive.core.attribution import REASON_MAX_LENGTH
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
    UnarchivedOriginal,
    Workspace,
)
from archive.models.grading import Credibility, Reliability, grade_meaning
from archive.models.source import MAX_AUTHOR_LENGTH
from archive.monitoring.changes import EvidenceChange, as_cited, evidence_changes
from archive.passages.selectors import check_span
from archive.permissions import not_in_workspace
from archive.sources.versions import current_came_in

# Most annotations one batch request creates (POST /api/annotations/batch/).
BATCH_MAX = 500

# --- output ------------------------------------------------------------------


class ModelOut(serializers.ModelSerializer):
    """An output: every field read-only, as the schema then says."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return read_only(super().get_fields())


def read_only(fields: dict[str, serializers.Field]) -> dict[str, serializers.Field]:
    # Set on the built fields (a copy of a field is built again, without it): DRF's
    # read_only_fields would also drop allow_blank and the choices' "", which the schema must keep.
    for field in fields.values():
        field.read_only = True
    return fields


class WorkspaceOut(ModelOut):
    role = serializers.CharField(read_only=True, help_text="Your role in this workspace.")

    class Meta:
        model = Workspace
        fields = ["slug", "name", "description", "created_at", "role"]


def _username_field(help_text: str) -> serializers.SlugRelatedField:
    # The help text the model's username would lend it is the sign-up form's rule.
    return serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text=help_text
    )


def _strings_field(help_text: str) -> serializers.ListField:
    # A list of strings, where the model's JSONField would be any JSON in the schema.
    return serializers.ListField(child=serializers.CharField(), read_only=True, help_text=help_text)


# The fields of each output serializer class as ModelSerializer works them out.
_MODEL_FIELDS: dict[type, dict[str, serializers.Field]] = {}


class VersionedOut(ModelOut):
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
        return read_only(copy.deepcopy(made))


class OutletOut(VersionedOut):
    class Meta:
        model = Outlet
        fields = [
            *VersionedOut.Meta.fields,
            *("name", "url", "country", "language", "reliability", "reliability_reason"),
        ]


class UnarchivedOriginalOut(serializers.Serializer):
    """What is known of an original that is not archived (archive.models.UnarchivedOriginal)."""

    title = serializers.CharField(read_only=True, help_text="Its title (it or the url is given).")
    url = serializers.CharField(read_only=True, help_text="Its address (it or the title is given).")
    outlet = serializers.CharField(read_only=True, help_text="The name of its outlet, if known.")
    language = serializers.CharField(read_only=True, help_text="Its language (BCP 47), if known.")
    published_on = serializers.DateField(read_only=True, allow_null=True, help_text="When it was published.")


class SourceOut(VersionedOut):
    authors = _strings_field("The authors' names.")
    translators = _strings_field("For a translation: who translated it.")
    captured_by = _username_field("Who captured it (username); null once that account is deleted.")
    captured_at = serializers.DateTimeField(
        read_only=True, help_text="When it was first captured (its version 1), whatever came after."
    )
    original_captured_at = serializers.DateTimeField(
        read_only=True,
        help_text="When the original whose SHA-256 is `original_sha256` was captured: `captured_at` "
        "until a recapture archives other bytes, then that recapture's time (a text correction "
        "keeps the original, so it does not change it).",
    )
    came_in = serializers.SerializerMethodField(
        help_text="How its current version came in: typed (sent as text), pasted, file, captured "
        "(fetched from the web) or corrected (a text correction)."
    )
    fetched_url = serializers.SerializerMethodField(
        help_text="The address its current version was fetched from (after redirects); empty when "
        "it was not fetched: `original_url` is the address stated for it, not proof of a fetch."
    )
    text_url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()
    unarchived_original = UnarchivedOriginalOut(
        read_only=True,
        allow_null=True,
        help_text="The original it derives from (`derivation`) when that is not archived, "
        "as far as it is known: no copy and no hash of it are in the archive, and "
        "`derived_from` is null. Null when it derives from an archived source, or from nothing.",
    )

    class Meta:
        model = Source
        fields = [
            *VersionedOut.Meta.fields,
            *("title", "authors", "translators", "outlet", "original_url", "published_on"),
            *(
                "language",
                "direction",
                "captured_at",
                "captured_by",
                "media_type",
                "original_sha256",
                "original_captured_at",
                "text_sha256",
            ),
            *("came_in", "fetched_url"),
            *("derived_from", "derivation", "unarchived_original", "text_url", "file_url"),
        ]

    def get_came_in(self, source: Source) -> str:
        return current_came_in(source).arrival.value

    def get_fetched_url(self, source: Source) -> str:
        return current_came_in(source).fetched_url

    def get_text_url(self, source: Source) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:source-text", kwargs={"pk": source.pk})
        )

    def get_file_url(self, source: Source) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:source-original", kwargs={"pk": source.pk})
        )


class PassageOut(VersionedOut):
    created_by = _username_field("Who marked it (username); null once that account is deleted.")

    class Meta:
        model = Passage
        fields = [
            *VersionedOut.Meta.fields,
            *("source", "start", "end", "exact", "prefix", "suffix", "anchor_status", "created_by"),
        ]


class AnnotationOut(VersionedOut):
    author = _username_field("Who wrote it (username); null once that account is deleted.")
    tags = _strings_field("Its tags.")
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
    created_by = _username_field("Who recorded it (username); null once that account is deleted.")
    tags = _strings_field("Its tags.")

    class Meta:
        model = Claim
        fields = [
            *VersionedOut.Meta.fields,
            *("statement", "credibility", "credibility_reason", "status", "tags", "created_by"),
            "review_status",
        ]


class _EvidenceListOut(serializers.ListSerializer):
    def to_representation(self, data: Any) -> list:
        items = list(data.all() if hasattr(data, "all") else data)
        cast(EvidenceOut, self.child).look_up_changes(items)  # one look for the page, not one each
        return super().to_representation(items)


class EvidenceOut(VersionedOut):
    """A piece of evidence, with the text it cited: a later version of the source may have
    changed the passage, and what the analyst weighed is what it read then."""

    created_by = _username_field("Who cited it (username); null once that account is deleted.")
    grade = serializers.CharField(
        read_only=True, help_text="Outlet reliability and claim credibility, e.g. B2."
    )
    grade_meaning = serializers.SerializerMethodField(
        help_text='The grade in words, e.g. "outlet: usually reliable; claim: probably true": its '
        "second part is the claim's credibility, not the evidence's."
    )
    cited_exact = serializers.SerializerMethodField(
        help_text="The passage's text as it read when it was cited: the passage's `exact` now "
        "differs when a later version of the source changed it (`changed_since_cited`)."
    )
    changed_since_cited = serializers.SerializerMethodField(
        help_text='"changed" when a later version of the source reads otherwise where it was cited, '
        '"removed" when the cited text is gone from it, else null.'
    )

    class Meta:
        model = Evidence
        fields = [
            *VersionedOut.Meta.fields,
            *("claim", "passage", "stance", "note", "created_by", "review_status", "grade"),
            *("grade_meaning", "cited_exact", "changed_since_cited"),
        ]
        list_serializer_class = _EvidenceListOut

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._changes: dict[int, EvidenceChange] = {}
        self._looked_up: set[int] = set()

    def look_up_changes(self, evidence: list[Evidence]) -> None:
        self._changes |= evidence_changes(evidence)
        self._looked_up |= {item.pk for item in evidence}

    def _as_cited(self, evidence: Evidence) -> tuple[str, str]:
        if evidence.pk not in self._looked_up:
            self.look_up_changes([evidence])
        return as_cited(evidence, self._changes)

    def get_grade_meaning(self, evidence: Evidence) -> str:
        return grade_meaning(evidence.grade)

    def get_cited_exact(self, evidence: Evidence) -> str:
        return self._as_cited(evidence)[0]

    def get_changed_since_cited(self, evidence: Evidence) -> str | None:
        return self._as_cited(evidence)[1] or None


# --- input -------------------------------------------------------------------
# JSON has types: a field refuses a value of the wrong one instead of converting it
# (DRF's turn 123 into the text "123" and "5" into the number 5), as the browser's
# JSON endpoints do (archive.views.json_endpoints).


class _TextOnly(serializers.CharField):
    default_error_messages = {"not_text": "This must be text (a JSON string)."}

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class Text(_TextOnly):
    pass


class Slug(_TextOnly, serializers.SlugField):
    pass


class Url(_TextOnly, serializers.URLField):
    pass


class Date(serializers.DateField):
    """A date as JSON sends it, text in ISO 8601's form (YYYY-MM-DD); a date of the right form
    that no calendar has (2026-02-30) is refused as such, not as one of the wrong form."""

    default_error_messages = {
        "not_text": _TextOnly.default_error_messages["not_text"],
        "no_such_date": "{value} has the right form (YYYY-MM-DD) but is not a date that exists.",
    }

    def to_internal_value(self, value: object) -> datetime.date:
        if not isinstance(value, str):
            self.fail("not_text")
        if _ISO_DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                self.fail("no_such_date", value=value)
        return super().to_internal_value(value)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class Integer(serializers.IntegerField):
    default_error_messages = {"not_integer": "This must be a whole number (a JSON number, not text)."}

    def to_internal_value(self, data: object) -> int:
        if type(data) is not int:  # not bool, float or str either
            self.fail("not_integer")
        return super().to_internal_value(data)


class Choice(serializers.ChoiceField):
    """One of the choices, of their JSON type: credibility 1, not "1"; stance "supports"."""

    def to_internal_value(self, data: Any) -> Any:
        if type(data) not in {type(value) for value in self.choices} and data != "":
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class InWorkspace(serializers.PrimaryKeyRelatedField):
    """The id of an object in the request's workspace (others do not exist)."""

    default_error_messages = {"not_integer": Integer.default_error_messages["not_integer"]}

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
        # An id is a number, as any number is (Integer): "11" is refused, not looked up as 11
        # (DRF's lookup would), and so are 2.9 and true, which the database would take as 2 and 1.
        if type(data) is not int:
            self.fail("not_integer")
        workspace = self.context["workspace"]
        model = self.queryset.model
        # Preloaded (batch requests), or looked up by the query compiled once.
        obj = self.context.get("preloaded", {}).get((model, data))
        if obj is None:
            found = (
                _by_id_in_workspace(self.queryset)(pk=data, workspace_id=workspace.pk)
                if abs(data) <= INT64_MAX
                else []
            )
            if not found:
                # As the W3C protocol says it: another workspace's objects do not exist for this one.
                raise serializers.ValidationError(not_in_workspace(model, data), code="does_not_exist")
            obj = found[0]
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
    return serializers.ListField(child=Text(max_length=100), required=False, max_length=100, default=list)


def _reason_field() -> serializers.CharField:
    return Text(
        max_length=REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        help_text="Why (kept in history).",
    )


READ_ONLY_MESSAGE = "This field is read-only: it cannot be set or changed here."


PUT_LEFT_OUT_MESSAGE = (
    "A PUT replaces the whole object, so send this field too (its current value keeps it), "
    "or PATCH only the fields that change."
)


def reset_if_left_out(serializer: serializers.Serializer, data: dict) -> list[str]:
    """The fields of `serializer` missing from `data` that a full (not partial) write would
    set to their default; each field left out that has none is left as it is."""
    return [
        name
        for name, field in serializer.fields.items()
        if name not in data and not field.read_only and not field.write_only and field.default is not empty
    ]


class StrictIn(serializers.Serializer):
    """Input that refuses a field it does not know, by name, instead of dropping it
    (a misspelt `credibilty` must not create a claim with the default grade).

    A field the resource's output has (`output`) is not unknown but read-only, and
    is refused as such (review status with the domain's own reason)."""

    output: ClassVar[type[serializers.Serializer] | None] = None
    # Why a read-only field of the output cannot be written here, where that says more.
    read_only_reasons: ClassVar[dict[str, str]] = {"review_status": REVIEW_STATUS_MESSAGE}

    def to_internal_value(self, data: object) -> dict:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                read_only = set(getattr(getattr(self.output, "Meta", None), "fields", ()))
                raise serializers.ValidationError(
                    {
                        name: [self._refusal(name) if name in read_only else "There is no such field."]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)

    def _refusal(self, name: str) -> str:
        return self.read_only_reasons.get(name, READ_ONLY_MESSAGE)


class DivergenceExplanationIn(StrictIn):
    """A divergence flag named by its values, as GET /api/sources/ID/divergences/ lists them."""

    kind = Choice(choices=DivergenceKind.choices)
    here = Text(
        required=False, allow_blank=True, trim_whitespace=False, default="", help_text="`source.surface`."
    )
    there = Text(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text="`counterpart.surface`.",
    )
    reason = Text(max_length=2000, help_text="Why the texts may differ here.")


class CreateIn(StrictIn):
    workspace = Slug(help_text="The workspace's slug.")


class OutletIn(StrictIn):
    output = OutletOut
    name = Text(max_length=200)
    url = Url(required=False, allow_blank=True, default="")
    country = Text(max_length=100, required=False, allow_blank=True, default="")
    language = Text(max_length=35, required=False, allow_blank=True, default="")
    reliability = Choice(choices=Reliability.choices, required=False, default=Reliability.F)
    reliability_reason = Text(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")
    reason = _reason_field()


class OutletCreateIn(CreateIn, OutletIn):
    pass


class UnarchivedOriginalIn(StrictIn):
    """An original that is not archived, as far as it is known: its title or its url at least."""

    title = Text(max_length=500, required=False, allow_blank=True, default="")
    url = Url(max_length=2000, required=False, allow_blank=True, default="")
    outlet = Text(max_length=200, required=False, allow_blank=True, default="", help_text="Its name.")
    language = Text(max_length=35, required=False, allow_blank=True, default="", help_text="BCP 47 tag")
    published_on = Date(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict) -> UnarchivedOriginal:
        # The domain's value: Source's rules (title or url, a valid language) check it.
        return UnarchivedOriginal(**attrs)


class SourceIn(StrictIn):
    output = SourceOut
    title = Text(max_length=500)
    authors = serializers.ListField(child=Text(max_length=MAX_AUTHOR_LENGTH), required=False, default=list)
    translators = serializers.ListField(
        child=Text(max_length=MAX_AUTHOR_LENGTH), required=False, default=list
    )
    outlet = InWorkspace(queryset=Outlet.objects.all(), required=False, allow_null=True, default=None)
    original_url = Url(max_length=2000, required=False, allow_blank=True, default="")
    published_on = Date(required=False, allow_null=True, default=None)
    language = Text(max_length=35, help_text="BCP 47 tag, e.g. ar or en-GB")
    direction = Choice(choices=TextDirection.choices, required=False)
    derived_from = InWorkspace(queryset=Source.objects.all(), required=False, allow_null=True, default=None)
    derivation = Choice(choices=Derivation.choices, required=False, allow_blank=True, default="")
    unarchived_original = UnarchivedOriginalIn(
        required=False,
        allow_null=True,
        default=None,
        help_text="What is known of the original it derives from when that is not archived, "
        "in place of `derived_from` (giving one replaces the other); null for none.",
    )
    reason = _reason_field()


class SourceCreateIn(CreateIn, SourceIn):
    text = Text(
        trim_whitespace=False,
        help_text="The plain text. Kept as sent (UTF-8) as the original, whose SHA-256 is `original_sha256`; "
        "the text passages point into (`text_url`) is normalized: Unicode NFC, line breaks as \\n.",
    )
    media_type = Text(max_length=100, required=False, default="text/plain")


class PassageCreateIn(CreateIn):
    output = PassageOut
    # The serializer's metaclass moves declared fields off the class, so this never
    # shadows Field.source (the attribute path), which the stubs cannot know.
    source = InWorkspace(queryset=Source.objects.all())  # type: ignore[assignment]
    # No bounds of their own: the domain's check of the span (check_span) answers, in the
    # words the W3C protocol's selectors get ("The selection is empty...").
    start = Integer(help_text="Unicode code points, from 0.")
    end = Integer(help_text="Unicode code points, exclusive: after start, at most the text's length.")
    exact = Text(
        required=False, trim_whitespace=False, help_text="The quote the client saw; must match the text."
    )

    def validate(self, attrs: dict) -> dict:
        source, start, end = attrs["source"], attrs["start"], attrs["end"]
        try:
            check_span(source.text, start, end, attrs.get("exact"))
        except DjangoValidationError as error:
            # Named by the offset the message is about (a start before the text's beginning).
            field = "exact" if error.code == "quote_mismatch" else "start" if start < 0 else "end"
            raise serializers.ValidationError({field: error.messages}) from None
        return attrs


# Passages to annotate, with what the search index copies from their source.
_PASSAGES_WITH_SOURCES = Passage.objects.select_related("source").defer("source__text")


class AnnotationIn(StrictIn):
    output = AnnotationOut
    # An edit may move the annotation to other passages (archive.claims.edit_annotation).
    passages = InWorkspace(
        queryset=_PASSAGES_WITH_SOURCES,
        many=True,
        allow_empty=False,
        required=False,
        help_text="Passage ids.",
    )
    body = Text(required=False, allow_blank=True, default="", trim_whitespace=False)
    # Left out: a note if the body has text, else a highlight (archive.claims.default_motivation).
    motivation = Choice(choices=Motivation.choices, required=False)
    tags = _tags_field()
    reason: serializers.CharField | None = _reason_field()  # None in a subclass: no such field


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
    output = ClaimOut
    statement = Text()
    credibility = Choice(choices=Credibility.choices, required=False, default=Credibility.CANNOT_BE_JUDGED)
    # Writable as on the claim's page and in the admin ("Why this grade"), beside the reason
    # for the change (archive.claims.edit_claim; an outlet's reliability_reason likewise).
    credibility_reason = Text(
        max_length=REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why this grade, shown with it. Left out (or sent unchanged) with a new "
        "credibility, `reason` becomes it.",
    )
    tags = _tags_field()
    reason = _reason_field()


class ClaimCreateIn(CreateIn, ClaimIn):
    read_only_reasons = {
        **ClaimIn.read_only_reasons,
        "status": "A new claim starts open: give its verdict by editing it (PATCH its status) "
        "once its evidence is cited.",
    }


class ClaimUpdateIn(ClaimIn):
    status = Choice(choices=ClaimStatus.choices, required=False, default=ClaimStatus.OPEN)


class ClaimGradeIn(StrictIn):
    """A reviewer's grade of a claim's credibility (archive.claims.claims.set_credibility)."""

    credibility = Choice(choices=Credibility.choices)
    reason = Text(help_text="Why it is graded so: kept as the grade's reason and in history.")


class EvidenceIn(StrictIn):
    output = EvidenceOut
    stance = Choice(choices=Stance.choices)
    note = Text(required=False, allow_blank=True, default="")
    # Accepted only to be refused by the domain unless unchanged (archive.claims.evidence.refuse_moves).
    claim = InWorkspace(
        queryset=Claim.objects.all(), required=False, help_text="Its own: evidence cannot move."
    )
    passage = InWorkspace(
        queryset=Passage.objects.all(), required=False, help_text="Its own: evidence cannot move."
    )
    reason = _reason_field()


class EvidenceCreateIn(CreateIn, EvidenceIn):
    claim = InWorkspace(queryset=Claim.objects.all())
    passage = InWorkspace(queryset=Passage.objects.all())


class TokenIn(StrictIn):
    """Credentials for a token without a session (or send them as HTTP Basic). Both
    or neither: signed in, a client sends no body."""

    username = Text(required=False)
    password = Text(required=False, trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs: dict) -> dict:
        missing = [name for name in ("username", "password") if name not in attrs]
        if len(missing) == 1:
            raise serializers.ValidationError({missing[0]: ["Send the username and the password together."]})
        return attrs


class TokenOut(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text='Send as "Authorization: Token <key>".')
    created = serializers.DateTimeField(allow_null=True)
