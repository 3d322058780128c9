"""REST API views: thin, generic over a resource's serializers and domain functions.

Each resource is a list view and a detail view that declare their queryset,
input and output serializers, filters and `permission_rule`; every write calls
the domain package's function for that entity (archive.claims, archive.sources,
archive.passages), the same one the browser, the W3C protocol and the admin call.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import generics, serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archive.alignment import counterparts, explain_divergence, explained_flags
from archive.api import filters
from archive.api import serializers as io
from archive.api.authentication import user_by_credentials
from archive.api.errors import Conflict, Gone, field_errors
from archive.api.history import HistoryRowOut, HistoryStates
from archive.api.idempotency import idempotent
from archive.api.pagination import Cursor
from archive.api.parsing import refuse_empty_body
from archive.api.permissions import OWN, Rule, WorkspaceScopedMixin
from archive.api.preconditions import etag, expected_version, names_current, not_modified
from archive.api.schema import DELETE_REASON, DIGEST, ETAG, IF_MATCH, REPR_DIGEST, refusals
from archive.api.stored_files import stored_file_download
from archive.audit.history import deleted_history, deletion_notice
from archive.claims import (
    add_evidence,
    create_annotation,
    create_annotations,
    create_claim,
    delete_annotation,
    delete_claim,
    delete_evidence,
    edit_annotation,
    edit_claim,
    edit_evidence,
    set_credibility,
)
from archive.claims.annotations import ItemRefused
from archive.core.editing import StaleVersion
from archive.findings.claimreview import NoVerdict, claim_review, published_address
from archive.findings.keys import fingerprint
from archive.findings.package import verifier_sha256
from archive.models import (
    Annotation,
    Claim,
    DivergenceNote,
    Evidence,
    Membership,
    Outlet,
    Passage,
    Source,
    Workspace,
)
from archive.models.base import VersionedModel
from archive.models.source import UNARCHIVED_FIELDS
from archive.passages.selectors import selector_for
from archive.passages.writes import delete_passage, find_or_create_passage
from archive.permissions import Action, scoped_by_id, workspaces_for
from archive.sources.fixity import DAMAGED
from archive.sources.originals import original_content_type
from archive.sources.outlets import create_outlet, delete_outlet, edit_outlet
from archive.sources.versions import with_newest_arrival, with_original_captured_at
from archive.sources.writes import create_source, delete_source, edit_source

ORDERING_FIELDS = ["id", "created_at", "updated_at"]


class ResourceView(WorkspaceScopedMixin, generics.GenericAPIView):
    """What a resource's list and detail views share."""

    queryset: QuerySet
    output_serializer: type[serializers.Serializer]
    create_serializer: type[serializers.Serializer]
    detail_route: str
    ordering_fields = ORDERING_FIELDS
    ordering = ("id",)

    def get_queryset(self) -> QuerySet:
        return self.scope(self.queryset.all())

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        refuse_empty_body(request)  # once signed in and allowed: a 401 or 403 says more

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return self.output_serializer

    def finalize_response(self, request, response, *args, **kwargs) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        return not_modified(request, response)

    def output(self, data, *, many: bool = False) -> dict | list:
        self.prepare(list(data) if many else [data])
        return self.output_serializer(data, many=many, context=self.get_serializer_context()).data

    def prepare(self, objects: list[Any]) -> None:
        """Load, in bulk, what the output serializer needs beyond the queryset."""

    def validated(
        self, serializer_class, *, workspace: Workspace, partial: bool = False, replacing: bool = False
    ) -> dict:
        """The request's fields, validated. `replacing` (a PUT) also refuses, by name, each field
        left out that would be reset to its default rather than kept: a PUT replaces the object,
        and must not clear a value (a verdict, tags) because the client did not send it."""
        context = {**self.get_serializer_context(), "workspace": workspace}
        serializer = serializer_class(data=self.request.data, partial=partial, context=context)
        errors = {} if serializer.is_valid() else dict(serializer.errors)
        if replacing and isinstance(self.request.data, dict):
            for name in io.reset_if_left_out(serializer, self.request.data):
                errors.setdefault(name, [io.PUT_LEFT_OUT_MESSAGE])
        if errors:
            raise serializers.ValidationError(errors)
        return dict(serializer.validated_data)

    def create_input(self) -> tuple[Workspace, dict]:
        """The workspace a create request names (if the user may create in it) and its
        validated fields but the workspace."""
        workspace = self.workspace_for_create(self.request.data)
        data = self.validated(self.create_serializer, workspace=workspace)
        del data["workspace"]
        return workspace, data

    def represented(
        self, obj: VersionedModel, *, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        """`obj` as the output serializer shows it, with the ETag of what it shows."""
        data = self.output(obj)
        return Response(data, status=status, headers={"ETag": etag(obj, data), **(headers or {})})

    def respond_with(
        self, obj: Model, *, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        # Read again with the related rows the output needs; every resource is versioned.
        current: VersionedModel = self.get_queryset().get(pk=obj.pk)
        return self.represented(current, status=status, headers=headers)


class ResourceList(ResourceView):
    """GET: the resource's objects in the user's workspaces, filtered and paged."""

    lists = True

    def get(self, request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.output(page, many=True))


class CreatableList(ResourceList):
    """POST: create in the workspace named in the body."""

    # The schema's description of a 409 particular to this resource (archive.api.schema).
    create_conflict: str | None = None

    @idempotent
    def post(self, request, *args, **kwargs) -> Response:
        workspace, data = self.create_input()
        obj = self.create(workspace=workspace, user=request.user, **data)
        # The services return the object with its related rows: no reload needed.
        return self.represented(obj, status=201, headers={"Location": self.location(obj)})

    def create(self, *, workspace: Workspace, user: Any, **data: Any) -> VersionedModel:
        raise NotImplementedError

    def location(self, obj: Model) -> str:
        """The object's absolute URL, as the W3C protocol's and the pages' links are."""
        return self.request.build_absolute_uri(reverse(self.detail_route, kwargs={"pk": obj.pk}))


class ResourceDetail(ResourceView):
    """GET one object, with its ETag: its version and a digest of what it shows."""

    lists = False
    # Whether a GET's 200 carries an ETag (and so If-None-Match gives 304): the schema says so.
    etag_on_get = True
    # The query parameters it takes (besides a DELETE's reason): any other is refused by name.
    takes: frozenset[str] = frozenset()

    def get_object(self) -> Any:
        # DRF's, by a query compiled once (archive.permissions.scoped_by_id): the
        # filter backends filter lists only, and the id comes from the URL.
        if self.lookup_field != "pk":
            return super().get_object()
        obj = scoped_by_id(self.queryset, self.request.user, self.kwargs["pk"])
        if obj is None:
            gone = self.deleted_meanwhile()
            if gone is not None:
                raise gone
            raise Http404(f"No such {self.queryset.model._meta.verbose_name}.")
        self.check_object_permissions(self.request, obj)
        if not self.lists:  # a history's pages are a list
            filters.refuse_stray_parameters(self.request, self.takes)
        return obj

    def deleted_meanwhile(self) -> Gone | None:
        """An edit or delete of what someone deleted meanwhile: 410 saying so, as the pages do."""
        if self.request.method in SAFE_METHODS or "pk" not in self.kwargs:
            return None
        notice = deletion_notice(
            user=self.request.user, model=self.queryset.model, object_id=self.kwargs["pk"]
        )
        return Gone(notice) if notice is not None else None

    def handle_exception(self, exc: Exception) -> Response:
        # Deleted after get_object() read it, before the domain's locked re-read
        # (lock_at_version): the same 410 as when the deletion came first.
        if isinstance(exc, self.queryset.model.DoesNotExist):
            exc = self.deleted_meanwhile() or exc
        return super().handle_exception(exc)

    def get(self, request, *args, **kwargs) -> HttpResponseBase:
        return self.represented(self.get_object())

    def expected_version(self, obj: VersionedModel) -> int | None:
        """The version a write's If-Match names, which must be the ETag of the object as
        it is shown now: a tag from before anything it shows changed (an evidence's grade
        with its outlet's reliability, say) is stale, as in the W3C protocol."""
        return expected_version(self.request, obj, current=lambda: etag(obj, self.output(obj)))

    def stale(self, current: Model) -> Response:
        """412 with the current state, so the client can merge and retry."""
        return self.respond_with(current, status=412)


class EditableDetail(ResourceDetail):
    """PUT / PATCH with If-Match."""

    update_serializer: type[serializers.Serializer]

    def put(self, request, *args, **kwargs) -> Response:
        return self.update(partial=False)

    def patch(self, request, *args, **kwargs) -> Response:
        return self.update(partial=True)

    def update(self, *, partial: bool) -> Response:
        obj = self.get_object()
        try:
            version = self.expected_version(obj)
            changes = self.validated(
                self.update_serializer, workspace=obj.workspace, partial=partial, replacing=not partial
            )
            reason = changes.pop("reason", "")
            obj = self.edit(
                obj, user=self.request.user, expected_version=version, changes=changes, reason=reason
            )
        except StaleVersion as stale:
            return self.stale(stale.current)
        return self.respond_with(obj)

    def edit(self, obj: Model, *, user, expected_version: int | None, changes: dict, reason: str) -> Model:
        """The domain's edit function for this resource."""
        raise NotImplementedError


if TYPE_CHECKING:
    # The mixin is only ever combined with a ResourceDetail; let mypy see its API.
    _DeletableBase = ResourceDetail
else:
    _DeletableBase = object


class DeletableMixin(_DeletableBase):
    """DELETE with If-Match and `?reason=`; the last state stays in history, with who and why.

    A delete without a reason is refused with 400 `{"reason": [...]}` (the
    service requires one), and nothing is deleted.
    """

    @extend_schema(parameters=[DELETE_REASON])
    def delete(self, request, *args, **kwargs) -> Response:
        obj = self.get_object()
        try:
            self.remove(
                obj,
                user=request.user,
                expected_version=self.expected_version(obj),
                reason=filters.delete_reason(request),
            )
        except StaleVersion as stale:
            return self.stale(stale.current)
        return Response(status=204)

    def remove(self, obj: Model, *, user, expected_version: int | None, reason: str) -> None:
        """The domain's delete function for this resource."""
        raise NotImplementedError


class HistoryView(ResourceDetail):
    """GET an object's history rows, oldest first; a deleted object's too (to any member of
    its workspace, as its history page), the last row its deletion with who and why."""

    permission_rule = Rule()
    pagination_class = type("HistoryCursor", (Cursor,), {"ordering": "history_id"})
    filter_backends = []
    output_serializer = HistoryRowOut
    lists = True
    etag_on_get = False

    def get(self, request, *args, **kwargs) -> Response:
        workspace, rows = self.history()
        page = self.paginate_queryset(rows.select_related("history_user")) or []
        states = HistoryStates(request=request, workspace=workspace, rows=page)
        return self.get_paginated_response(HistoryRowOut(page, many=True, context={"states": states}).data)

    def history(self) -> tuple[Workspace, QuerySet]:
        """The object's workspace and history rows, whether it exists or was deleted."""
        model, object_id = self.queryset.model, self.kwargs["pk"]
        obj = scoped_by_id(self.queryset, self.request.user, object_id)
        if obj is not None:
            self.check_object_permissions(self.request, obj)
            return obj.workspace, obj.history.all()
        found = deleted_history(user=self.request.user, model=model, object_id=object_id)
        if found is None:
            raise Http404(f"No {model._meta.object_name} matches the given query.")
        return found


# --- resources ---------------------------------------------------------------


class WorkspaceView(WorkspaceScopedMixin, generics.GenericAPIView):
    """The workspaces you belong to, with your role in each."""

    permission_rule = Rule()
    serializer_class = output_serializer = io.WorkspaceOut
    filter_backends = []
    pagination_class = type("WorkspaceCursor", (Cursor,), {"ordering": "slug"})
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet:
        user = self.request.user  # signed in: IsAuthenticated has run
        role = Membership.objects.filter(workspace=OuterRef("pk"), user=user).values("role")  # type: ignore[misc]
        return workspaces_for(self.request.user).annotate(role=Subquery(role[:1]))


class WorkspaceList(WorkspaceView, generics.ListAPIView):
    lists = True


class WorkspaceDetailOut(io.WorkspaceOut):
    """A workspace, with what a recipient of its evidence packages checks them against
    (as its page shows): `verify.py PACKAGE.zip --expect-key <signing_key_fingerprint>`."""

    signing_key_fingerprint = serializers.SerializerMethodField(
        help_text="SHA-256 of the Ed25519 public key its evidence packages are signed with, as "
        "verify.py prints it and takes it (--expect-key)."
    )
    verifier_url = serializers.SerializerMethodField(
        help_text="Where to download verify.py (no account needed)."
    )
    verifier_sha256 = serializers.SerializerMethodField(
        help_text="SHA-256 of that verify.py, to check a copy against."
    )

    class Meta(io.WorkspaceOut.Meta):
        fields = [*io.WorkspaceOut.Meta.fields, "signing_key_fingerprint", "verifier_url", "verifier_sha256"]

    def get_signing_key_fingerprint(self, workspace: Workspace) -> str:
        return fingerprint(workspace)

    def get_verifier_url(self, workspace: Workspace) -> str:
        return self.context["request"].build_absolute_uri(reverse("archive:verifier"))

    def get_verifier_sha256(self, workspace: Workspace) -> str:
        return verifier_sha256()


class WorkspaceDetail(WorkspaceView, generics.RetrieveAPIView):
    serializer_class = output_serializer = WorkspaceDetailOut
    lists = False

    def get_object(self) -> Workspace:
        workspace = super().get_object()
        filters.refuse_stray_parameters(self.request)
        return workspace


class OutletList(CreatableList):
    permission_rule = Rule(create=Action.MANAGE, change=Action.MANAGE)
    queryset = Outlet.objects.select_related("workspace")
    output_serializer = io.OutletOut
    create_serializer = io.OutletCreateIn
    filterset_class = filters.OutletFilter
    detail_route = "api:outlet-detail"

    def create(self, *, workspace, user, **data) -> Outlet:
        return create_outlet(workspace=workspace, user=user, **data)


class OutletDetail(DeletableMixin, EditableDetail):
    permission_rule = OutletList.permission_rule
    queryset = OutletList.queryset
    output_serializer = io.OutletOut
    update_serializer = io.OutletIn

    def edit(self, obj, **kwargs) -> Outlet:
        return edit_outlet(obj, **kwargs)

    def remove(self, obj, **kwargs) -> None:
        delete_outlet(outlet=obj, **kwargs)


@contextmanager
def _unarchived_named_as_sent() -> Iterator[None]:
    """The domain names the fields of an original that is not archived as the source's own
    (`unarchived_title`); a client sent them in `unarchived_original`: refused there."""
    try:
        yield
    except DjangoValidationError as error:
        fields = field_errors(error)
        if not isinstance(fields, dict) or not any(name in fields for name in UNARCHIVED_FIELDS):
            raise
        described = {
            name.removeprefix("unarchived_"): fields.pop(name) for name in UNARCHIVED_FIELDS if name in fields
        }
        raise serializers.ValidationError({**fields, "unarchived_original": described}) from None


class SourceList(CreatableList):
    # Analysts import sources; only admins edit their metadata or delete them.
    permission_rule = Rule(create=Action.CONTRIBUTE, change=Action.MANAGE)
    queryset = with_newest_arrival(
        with_original_captured_at(Source.objects.select_related("workspace", "captured_by"))
    )
    output_serializer = io.SourceOut
    create_serializer = io.SourceCreateIn
    filterset_class = filters.SourceFilter
    detail_route = "api:source-detail"

    def create(self, *, workspace, user, **data) -> Source:
        with _unarchived_named_as_sent():
            source = create_source(workspace=workspace, user=user, **data)
        return self.queryset.get(pk=source.pk)  # with its original's capture time


class SourceDetail(DeletableMixin, EditableDetail):
    permission_rule = SourceList.permission_rule
    queryset = SourceList.queryset
    output_serializer = io.SourceOut
    update_serializer = io.SourceIn

    def edit(self, obj, **kwargs) -> Source:
        with _unarchived_named_as_sent():
            return edit_source(obj, **kwargs)

    def remove(self, obj, **kwargs) -> None:
        delete_source(source=obj, **kwargs)


class SourceText(ResourceDetail):
    """The extracted plain text that passage offsets point into (code points)."""

    permission_rule = Rule()
    queryset = Source.objects.only("pk", "workspace_id", "text", "version")
    output_serializer = io.SourceOut

    @extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR, **refusals(401, 404)})
    def get(self, request, *args, **kwargs) -> HttpResponse:
        source = self.get_object()
        return HttpResponse(
            source.text, content_type="text/plain; charset=utf-8", headers={"ETag": etag(source, source.text)}
        )


class SourceDivergences(ResourceDetail):
    """Where the source departs from what it derives from, sentence pair by sentence pair:
    numbers, dates and Latin-script names (archive.alignment.divergences), each with the
    analyst's explanation if one was given."""

    permission_rule = Rule()
    etag_on_get = False
    queryset = Source.objects.select_related("derived_from")
    output_serializer = io.SourceOut

    @extend_schema(responses={200: OpenApiTypes.OBJECT, **refusals(401, 404)})
    def get(self, request, *args, **kwargs) -> Response:
        source = self.get_object()
        return Response(
            {
                "source": source.pk,
                "derived_from": source.derived_from_id,
                "derivation": source.derivation,
                "divergences": [
                    {
                        "key": flag.key,
                        "kind": flag.kind,
                        "source": asdict(flag.source) if flag.source else None,
                        "counterpart": asdict(flag.counterpart) if flag.counterpart else None,
                        "sentence": list(flag.sentence),
                        "counterpart_sentence": list(flag.counterpart_sentence),
                        "confidence": flag.confidence,
                        "description": flag.describe(),
                        "explanation": explanation_out(note),
                    }
                    for flag, note in explained_flags(source=source)
                ],
            }
        )


def explanation_out(note: DivergenceNote | None) -> dict | None:
    if note is None:
        return None
    return {
        "id": note.pk,
        "kind": note.kind,
        "here": note.here,
        "there": note.there,
        "reason": note.reason,
        "explained_by": note.explained_by.username if note.explained_by else None,
        "explained_at": note.updated_at.isoformat(),
        "version": note.version,
    }


class DivergenceExplanations(ResourceDetail):
    """POST: mark one of the source's divergence flags as explained, with a reason (in
    history); the flag is named by its kind and values as the divergences list gives them."""

    permission_rule = Rule(change=Action.CONTRIBUTE)
    queryset = Source.objects.select_related("derived_from", "workspace")
    output_serializer = io.SourceOut
    http_method_names = ["post", "options"]

    @extend_schema(
        request=io.DivergenceExplanationIn,
        responses={201: OpenApiTypes.OBJECT, **refusals(400, 401, 403, 404, 410)},
    )
    @idempotent
    def post(self, request, *args, **kwargs) -> Response:
        source = self.get_object()
        data = self.validated(io.DivergenceExplanationIn, workspace=source.workspace)
        note = explain_divergence(source=source, user=request.user, **data)
        return Response(explanation_out(note), status=201)


class SourceOriginal(ResourceDetail):
    """The original file, byte for byte, as archived."""

    permission_rule = Rule()
    queryset = Source.objects.all()
    output_serializer = io.SourceOut

    @extend_schema(
        description="The original's bytes, in its own media type (HTML, PDF, a Word document...), "
        "a text one with the charset of its bytes when that is known (a text archived through the "
        "API is UTF-8); a source with no original file, its text as text/plain in UTF-8. The ETag "
        "is the SHA-256 of the bytes (`original_sha256`): a GET with If-None-Match naming it is 304. "
        "The stored file is checked against that SHA-256 before it is sent: one that differs is 409.",
        parameters=[REPR_DIGEST, DIGEST],
        responses={
            (200, "*/*"): OpenApiTypes.BINARY,
            **refusals(401, 404),
            409: OpenApiResponse(OpenApiTypes.OBJECT, description=DAMAGED),
        },
    )
    def get(self, request, *args, **kwargs) -> HttpResponse | FileResponse:
        source = self.get_object()
        tag = f'"{source.original_sha256 if source.original else source.text_sha256}"'
        if names_current(request, tag):
            return HttpResponse(status=304, headers={"ETag": tag})
        if not source.original:
            return HttpResponse(
                source.text.encode("utf-8"), content_type="text/plain; charset=utf-8", headers={"ETag": tag}
            )
        response = stored_file_download(
            source.original.name or "",
            sha256=source.original_sha256,
            filename=f"source-{source.pk}",
            content_type=original_content_type(source),
        )
        response["ETag"] = tag
        return response


class PassageList(CreatableList):
    permission_rule = Rule(create=Action.CONTRIBUTE, change=OWN)
    queryset = Passage.objects.select_related("workspace", "created_by")
    output_serializer = io.PassageOut
    create_serializer = io.PassageCreateIn
    filterset_class = filters.PassageFilter
    detail_route = "api:passage-detail"

    @extend_schema(
        description="The passage at a span of a source's text: one passage per span, so the "
        "span of an existing (anchored) passage gives that passage, 200, and creates nothing; "
        "a new span, 201 with the new passage.",
        responses={200: io.PassageOut, 201: io.PassageOut, **refusals(400, 401, 403, 404, 409)},
    )
    @idempotent
    def post(self, request, *args, **kwargs) -> Response:
        _, data = self.create_input()
        source = data["source"]
        # The serializer has checked the span and the quote against the text.
        selector = selector_for(source.text, data["start"], data["end"])
        passage, created = find_or_create_passage(source=source, user=request.user, selector=selector)
        location = self.location(passage)
        if not created:
            return self.respond_with(passage, headers={"Location": location})
        return self.represented(passage, status=201, headers={"Location": location})


class PassageDetail(DeletableMixin, ResourceDetail):
    """Passages are not edited through the API: their selectors follow the text."""

    permission_rule = PassageList.permission_rule
    queryset = PassageList.queryset
    output_serializer = io.PassageOut

    def remove(self, obj, **kwargs) -> None:
        delete_passage(passage=obj, **kwargs)


class PassageCounterparts(ResourceDetail):
    """The spans corresponding to the passage up its source's derivation chain and in
    every derivative (archive.alignment.counterparts)."""

    permission_rule = Rule()
    etag_on_get = False
    queryset = Passage.objects.select_related("source__derived_from")
    output_serializer = io.PassageOut

    @extend_schema(responses={200: OpenApiTypes.OBJECT, **refusals(401, 404)})
    def get(self, request, *args, **kwargs) -> Response:
        passage = self.get_object()
        found = counterparts(passage=passage)
        return Response({"passage": passage.pk, "counterparts": [asdict(item) for item in found]})


class AnnotationsMixin:
    def prepare(self, objects: list[Annotation]) -> None:
        # One query for the passage ids of the whole page: cheaper than
        # prefetching Passage objects through a related manager per annotation.
        objects = [obj for obj in objects if not hasattr(obj, "passage_ids")]  # e.g. set on create
        if not objects:
            return
        links = Annotation.passages.through.objects.filter(annotation__in=objects).order_by("passage_id")
        ids: dict[int, list[int]] = {obj.pk: [] for obj in objects}
        for annotation_id, passage_id in links.values_list("annotation_id", "passage_id"):
            ids[annotation_id].append(passage_id)
        for obj in objects:
            obj.passage_ids = ids[obj.pk]


class AnnotationList(AnnotationsMixin, CreatableList):
    permission_rule = Rule(create=Action.CONTRIBUTE, change=OWN)
    queryset = Annotation.objects.select_related("workspace", "author")
    output_serializer = io.AnnotationOut
    create_serializer = io.AnnotationCreateIn
    filterset_class = filters.AnnotationFilter
    detail_route = "api:annotation-detail"

    def create(self, *, workspace, user, passages, reason, **data) -> Annotation:  # type: ignore[override]
        annotation = create_annotation(passages=passages, user=user, **data)
        # As stored: a passage named twice is linked once.
        annotation.passage_ids = sorted({passage.pk for passage in passages})
        return annotation


class AnnotationBatch(AnnotationsMixin, ResourceView):
    """POST up to 500 annotations in one request and one transaction: all or none.

    For scripts that load many annotations: far cheaper per annotation than a
    request each, since the lot shares one ledger append and one index update.
    Errors are listed per annotation, in the order sent.
    """

    permission_rule = Rule(create=Action.CONTRIBUTE)
    queryset = AnnotationList.queryset
    output_serializer = io.AnnotationBatchOut
    create_serializer = io.AnnotationBatchIn
    filter_backends = []
    lists = False

    @idempotent
    def post(self, request, *args, **kwargs) -> Response:
        _, data = self.create_input()
        items = data["annotations"]
        try:
            annotations = create_annotations(user=request.user, items=items)
        except ItemRefused as refused:
            # Named by its position, as the serializer names the items it refuses.
            raise serializers.ValidationError(
                {"annotations": {str(refused.index): field_errors(refused)}}
            ) from None
        for annotation, item in zip(annotations, items, strict=True):
            annotation.passage_ids = sorted({passage.pk for passage in item["passages"]})
        output = self.output_serializer({"results": annotations}, context=self.get_serializer_context())
        return Response(output.data, status=201)


ANNOTATION_DELETE = (
    "Delete the annotation, with a reason (`?reason=`, kept in its history) and If-Match. Its "
    "passages go with it when nothing else uses them (no other annotation, no evidence, no "
    "question's evidence item), a passage created on its own with POST /api/passages/ too: "
    "each is deleted with the same reason, its history kept (GET /api/passages/<id>/history/). "
    "To keep a passage, cite it as evidence or link it to another annotation first."
)


@extend_schema_view(delete=extend_schema(description=ANNOTATION_DELETE))
class AnnotationDetail(AnnotationsMixin, DeletableMixin, EditableDetail):
    """An annotation: GET, PUT / PATCH (which may change its `passages`) and DELETE, which
    also deletes its passages that nothing else uses (history keeps both)."""

    permission_rule = AnnotationList.permission_rule
    queryset = AnnotationList.queryset
    output_serializer = io.AnnotationOut
    update_serializer = io.AnnotationIn

    def edit(self, obj, *, changes, **kwargs) -> Annotation:
        passages = changes.pop("passages", None)
        return edit_annotation(obj, changes=changes, passages=passages, **kwargs)

    def remove(self, obj, **kwargs) -> None:
        delete_annotation(annotation=obj, **kwargs)


class ClaimList(CreatableList):
    permission_rule = Rule(create=Action.CONTRIBUTE, change=OWN)
    queryset = Claim.objects.select_related("workspace", "created_by")
    output_serializer = io.ClaimOut
    create_serializer = io.ClaimCreateIn
    filterset_class = filters.ClaimFilter
    detail_route = "api:claim-detail"

    def create(self, *, workspace, user, **data) -> Claim:
        return create_claim(workspace=workspace, user=user, **data)


class ClaimDetail(DeletableMixin, EditableDetail):
    permission_rule = ClaimList.permission_rule
    queryset = ClaimList.queryset
    output_serializer = io.ClaimOut
    update_serializer = io.ClaimUpdateIn

    def edit(self, obj, **kwargs) -> Claim:
        return edit_claim(obj, **kwargs)

    def remove(self, obj, **kwargs) -> None:
        delete_claim(claim=obj, **kwargs)


class ClaimGrade(ResourceDetail):
    """POST {credibility, reason} with If-Match: a reviewer's or admin's grade of any
    claim's credibility. The claim's review status stays as it is (an author changes
    their own claim's grade by editing it, with a reason)."""

    permission_rule = Rule(change=Action.REVIEW)
    queryset = ClaimList.queryset
    output_serializer = io.ClaimOut

    @extend_schema(
        request=io.ClaimGradeIn,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: io.ClaimOut,
            412: OpenApiResponse(io.ClaimOut, description="Stale If-Match: the current state."),
            **refusals(400, 401, 403, 404, 410, 428),
        },
    )
    def post(self, request, *args, **kwargs) -> Response:
        claim = self.get_object()
        try:
            version = self.expected_version(claim)
            grade = self.validated(io.ClaimGradeIn, workspace=claim.workspace)
            claim = set_credibility(claim, user=request.user, expected_version=version, **grade)
        except StaleVersion as stale:
            return self.stale(stale.current)
        return self.respond_with(claim)


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class ClaimReviewView(ResourceDetail):
    """schema.org ClaimReview JSON-LD of a claim with a verdict (its status), for
    publishing a fact-check; 409 while the claim is open or its verdict not approved."""

    permission_rule = Rule()
    # JSON-LD unless the client asks for plain JSON (the same document): first is the default.
    renderer_classes = [JSONLDRenderer, JSONRenderer]
    etag_on_get = False
    queryset = Claim.objects.select_related("workspace")
    output_serializer = io.ClaimOut
    takes = frozenset({"url"})

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "url",
                str,
                description="The address of the published fact-check, the ClaimReview's `url` "
                "(http or https); without it, the claim's page in the archive.",
            )
        ],
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, **refusals(400, 401, 404, 409)},
    )
    def get(self, request, *args, **kwargs) -> Response:
        claim = self.get_object()
        slug = claim.workspace.slug
        published = published_address(request.query_params.get("url", ""))  # 400 if not an address

        def source_url(source: Source) -> str:
            return request.build_absolute_uri(reverse("archive:source", args=[slug, source.pk]))

        try:
            review = claim_review(
                claim,
                claim_url=published
                or request.build_absolute_uri(reverse("archive:claim", args=[slug, claim.pk])),
                source_url=source_url,
            )
        except NoVerdict as error:
            raise Conflict(" ".join(error.messages)) from None
        return Response(review)


class EvidenceList(CreatableList):
    permission_rule = Rule(create=Action.CONTRIBUTE, change=OWN)
    queryset = Evidence.objects.select_related("workspace", "created_by", "claim", "passage__source__outlet")
    output_serializer = io.EvidenceOut
    create_serializer = io.EvidenceCreateIn
    filterset_class = filters.EvidenceFilter
    detail_route = "api:evidence-detail"
    create_conflict = (
        "The passage is already evidence for the claim (whatever its stance): `existing` "
        "gives that evidence's id, to edit its stance or note there."
    )

    def create(self, *, workspace, user, reason, **data) -> Evidence:  # type: ignore[override]
        return add_evidence(user=user, **data)


class EvidenceDetail(DeletableMixin, EditableDetail):
    permission_rule = EvidenceList.permission_rule
    queryset = EvidenceList.queryset
    output_serializer = io.EvidenceOut
    update_serializer = io.EvidenceIn

    def edit(self, obj, **kwargs) -> Evidence:
        return edit_evidence(obj, **kwargs)

    def remove(self, obj, **kwargs) -> None:
        delete_evidence(evidence=obj, **kwargs)


class TokenView(APIView):
    """Your API token: GET shows it (null if none), POST issues a new one in place of
    the old, DELETE revokes it. POST also signs in: with a JSON body
    {"username", "password"} or HTTP Basic credentials, no session or token is needed.

    Admins revoke anyone's token in the Django admin.
    """

    permission_rule = "login"
    permission_classes = [IsAuthenticated]

    def get_permissions(self) -> list:
        # POST checks the credentials it is sent itself (user_by_credentials).
        return [] if self.request.method == "POST" else list(super().get_permissions())

    def get_authenticate_header(self, request) -> str:
        # A POST's refusal names HTTP Basic too: it is one of the ways to sign in here.
        token = super().get_authenticate_header(request)
        return f'Basic realm="api", {token}' if request.method == "POST" and token else token

    @extend_schema(responses={200: io.TokenOut, **refusals(401)})
    def get(self, request) -> Response:
        token = Token.objects.filter(user=request.user).first()
        return Response(io.TokenOut(token or {"key": None, "created": None}).data)

    @extend_schema(
        description="Issue a new token in place of the old. Signed in (token or session), "
        "send no body; otherwise send your username and password, as this JSON body or as "
        "HTTP Basic credentials (Authorization: Basic). A wrong password counts towards "
        "the sign-in lockout, as on the sign-in page: 401, then 429 while locked out.",
        request=io.TokenIn,
        responses={201: io.TokenOut, **refusals(400, 401, 429)},
        # Any of these, or none: the username and password in the body.
        auth=[{"tokenAuth": []}, {"cookieAuth": []}, {"basicAuth": []}, {}],  # type: ignore[list-item]
    )
    def post(self, request) -> Response:
        credentials = None
        if request.data:
            serializer = io.TokenIn(data=request.data)
            serializer.is_valid(raise_exception=True)
            credentials = dict(serializer.validated_data) or None
        user: Any = user_by_credentials(request, credentials) or request.user
        if not user.is_authenticated:
            raise NotAuthenticated()
        Token.objects.filter(user=user).delete()
        return Response(io.TokenOut(Token.objects.create(user=user)).data, status=201)

    @extend_schema(responses={204: None, **refusals(401)})
    def delete(self, request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=204)


class _FormatParameter(DefaultContentNegotiation):
    """`?format=json` (or `yaml`) chooses the schema's format, as Accept does: the API
    takes no format parameter elsewhere (URL_FORMAT_OVERRIDE is off)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return super().select_renderer(
            request, renderers, format_suffix or request.query_params.get("format")
        )


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema: public, like any API documentation; it holds no data.
    YAML unless asked for JSON (`Accept: application/json` or `?format=json`)."""

    permission_rule = "public"
    content_negotiation_class = _FormatParameter
    # YAML first (the default); with ?format=json, application/json before OpenAPI's own type.
    renderer_classes = [OpenApiYamlRenderer, OpenApiYamlRenderer2, OpenApiJsonRenderer2, OpenApiJsonRenderer]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the pinned drf-spectacular-sidecar assets (no CDN)."""

    permission_rule = "public"
    template_name = "api/swagger_ui.html"


class ApiRoot(APIView):
    """/api/: the API's entry points, and where its documentation is."""

    permission_rule = "public"
    permission_classes = []
    authentication_classes = []
    schema = None

    def get(self, request, *args, **kwargs) -> Response:
        def url(name: str) -> str:
            return request.build_absolute_uri(reverse(f"api:{name}"))

        resources = ["workspace", "outlet", "source", "passage", "annotation", "claim", "evidence"]
        return Response(
            {
                "docs": url("docs"),
                "schema": url("schema"),
                "token": url("token"),
                "resources": {
                    f"{name}s" if name != "evidence" else name: url(f"{name}-list") for name in resources
                },
                "batch": url("annotation-batch"),
                "w3c": "Each source's annotations form the W3C container /w3c/sources/<id>/.",
            }
        )


class NotFoundView(APIView):
    """Any unknown path under /api/: a JSON 404 for every method."""

    permission_rule = "public"
    permission_classes = []
    authentication_classes = []
    schema = None

    def get(self, request, *args, **kwargs) -> Response:
        raise NotFound()

    post = put = patch = delete = get
