"""The W3C Web Annotation Protocol (https://www.w3.org/TR/annotation-protocol/).

Each source's annotations and evidence form an LDP basic container at
/w3c/sources/<id>/; each item's IRI is below its container's,
/w3c/sources/<id>/annotations/<id>/ (or evidence/<id>/), with GET, PUT and
DELETE. The container of an annotation on several sources is the one of the
lowest source id (archive.w3c.mapping.home_source_id), which changes when its
passages do (through the REST API, say): a request for an item below any other
container, one it was in before among them, is 308 Permanent Redirect to its
IRI (the method, body and query kept), so no IRI a client was given stops
working while the item exists (a deleted one is 404, or 410 to a write). The
older IRIs /w3c/annotations/<id>/ and /w3c/evidence/<id>/ keep working: they
serve the same resource (every method), whose `id` is the canonical IRI. An id
beyond 64 bits names nothing: 404 in the protocol's JSON (Unknown).
Authentication and permissions are the REST API's (archive.api.permissions).

The container's pages: `first` is ?page=0 and `last` ?page=last, the page a
walk of `next` from `first` ends on, whatever the container holds by then: its
IRI never changes while what it holds does (numbered pages, at their offsets,
are served as before); `next` and `prev` continue after the page's last item and
before its first (?after=annotation-12, ?before=evidence-3: archive.w3c.paging),
so a client walking them sees no item twice and misses none when items are
created or deleted meanwhile.

Headers: every response has the Link types of its resource (a 201 the
created annotation's, ldp#Resource, and its Allow), Vary, and every success
(OPTIONS included) the resource's ETag, which a refusal does not carry; a GET
or HEAD whose If-None-Match names it is 304. An item's ETag is its version and
a digest of its JSON (item_etag), so it changes with anything the JSON shows
from elsewhere (its sources' language and direction, their newest version, its
passages' selectors, its container); a container's with its items, what they
show from their passages and sources, and the Prefer variant served
(_container_state). Each representation has its own ETag: plain JSON's is the
JSON-LD one's marked "-json" (tag_of_representation), so that no cache takes one
for the other. The container's GET adds Content-Location, equal to the `id` of
what it serves (container or page).

A write whose TextPositionSelector was ignored for its TextQuoteSelector
(archive.passages.selectors: UTF-16 offsets, say) says so in a header
`Warning: 299 - "TextPositionSelector ignored: ..."`.

W3C clients send no If-Match: PUT and DELETE without it are unconditional
(history keeps every state); with it, any tag but the item's current ETag (of
either representation: AnnotationResource.expected_version) is a 412 with the
current state. A POST or PUT whose JSON body is empty is refused as the REST
API's is ("The body must be a JSON object."), once the request has reached its
resource. A delete records the reason it gives as ?reason=, as the REST API's
(archive.api.filters.delete_reason), else the fixed reason W3C_DELETE_REASON.
An item takes no other query parameter: one is refused by name, as on the
containers (archive.api.filters.refuse_unknown).
"""

import hashlib
import re
from typing import Any, cast

from django.db.models import F, Max, Model, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archive.alignment import counterparts
from archive.alignment.counterparts import Memo
from archive.api.errors import Conflict, Gone, as_api_exception
from archive.api.filters import delete_reason, refuse_stray_parameters, refuse_unknown
from archive.api.idempotency import idempotent
from archive.api.parsing import JSONLDParser, JSONParser, refuse_empty_body
from archive.api.permissions import OWN, Rule, WorkspaceScopedMixin
from archive.api.preconditions import etag, expected_version, not_modified
from archive.audit.history import deletion_notice
from archive.claims import delete_annotation, delete_evidence
from archive.core.editing import AlreadyExists, StaleVersion
from archive.models import Alignment, Annotation, Evidence, Passage, Reply, Source, SourceVersion
from archive.permissions import Action
from archive.w3c.mapping import (
    ANNO_CONTEXT,
    LDP_CONTEXT,
    Links,
    W3CRequest,
    check_own_id,
    home_source_id,
    iri_of,
    linking_to_w3c,
    read_w3c,
    to_w3c,
)
from archive.w3c.paging import Item, Key, count_before, items_after, items_before, key_of, parse_key
from archive.w3c.writes import create_from_w3c, replace_from_w3c

ANNO_MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
PAGE_SIZE = 100
# Page numbers are 0 to PAGE_MAX: the offset stays far within a 64-bit integer.
PAGE_MAX = 10**9 - 1
LAST = "last"  # ?page=last: the container's last page, whichever number it has
LDP = "http://www.w3.org/ns/ldp#"
OA = "http://www.w3.org/ns/oa#"
PREFER_MINIMAL = f"{LDP}PreferMinimalContainer"
PREFER_IRIS = f"{OA}PreferContainedIRIs"
PREFER_DESCRIPTIONS = f"{OA}PreferContainedDescriptions"
# ?iris= takes one value: pages that list their items' IRIs only (Container.page_iri).
IRIS_ONLY_VALUE = "Send iris=1 for pages of the items' IRIs only, or leave it out for their descriptions."
# A delete's reason when it gives none (?reason=): see AnnotationResource.delete.
W3C_DELETE_REASON = "Deleted through the W3C protocol."
RESOURCE_LINK = f'<{LDP}Resource>; rel="type"'
JSON_MEDIA_TYPE = JSONRenderer.media_type
# What sets the ETag of the application/json representation apart from the JSON-LD one's.
JSON_TAG_SUFFIX = "-json"


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


def annotations_of(source_id: int) -> QuerySet:
    return (
        Annotation.objects.filter(passages__source_id=source_id)
        .distinct()
        .select_related("author")
        .prefetch_related("passages")
        .order_by("id")
    )


def evidence_of(source_id: int) -> QuerySet:
    return (
        Evidence.objects.filter(passage__source_id=source_id)
        .select_related("passage", "created_by")
        .order_by("id")
    )


def replies_of(source_id: int) -> QuerySet:
    """Replies in the discussions of the source's annotations (motivation "replying")."""
    return (
        Reply.objects.filter(discussion__annotation__passages__source_id=source_id)
        .distinct()
        .select_related("author", "discussion__annotation")
        .prefetch_related("discussion__annotation__passages")
        .order_by("id")
    )


def _items_of(source_id: int) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The container's items, in its order: annotations, evidence, then replies."""
    return annotations_of(source_id), evidence_of(source_id), replies_of(source_id)


class W3CView(WorkspaceScopedMixin, APIView):
    """Content negotiation, headers and links shared by the protocol's resources."""

    renderer_classes = [JSONLDRenderer, JSONRenderer]
    parser_classes = [JSONLDParser, JSONParser]
    link_types: tuple[str, ...]

    def links(self) -> Links:
        return Links(self.request.build_absolute_uri("/").rstrip("/"))

    def current_etag(self) -> str | None:
        """The ETag of the resource as it is now; None if the request did not reach it."""
        return None

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Moved):
            return Response(status=308, headers={"Location": exc.location})
        return super().handle_exception(exc)

    def moved(self, obj: Annotation | Evidence | Reply) -> "Moved":
        """The redirect to `obj`'s IRI, with the request's query."""
        query = self.request.META.get("QUERY_STRING", "")
        return Moved(iri_of(obj, self.links()) + (f"?{query}" if query else ""))

    def finalize_response(self, request: Request, response: Response, *args, **kwargs) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(getattr(response, "accepted_renderer", None), JSONLDRenderer):
            response.content_type = ANNO_MEDIA_TYPE
        if self.link_types:
            response["Link"] = ", ".join(self.link_types)
        response["Vary"] = "Accept"
        # A refusal has no ETag: it is not a representation of the resource (a
        # 412 carries the current state, with its own).
        if "ETag" not in response and response.status_code in (200, 201):
            current = self.current_etag()
            if current is not None:
                response["ETag"] = current
        if "ETag" in response:
            response["ETag"] = tag_of_representation(response["ETag"], _media_type(response))
        return not_modified(request, response)

    def body(self) -> Any:
        """The request's JSON body, once the request is known to reach the resource and be
        allowed (a 401, 403, 404 or redirect says more): an empty one is refused as the
        REST API refuses it (archive.api.parsing.refuse_empty_body)."""
        refuse_empty_body(self.request)
        return self.request.data


class Moved(Exception):
    """The item is at another IRI, `location` (its container changed): 308 Permanent
    Redirect there, which keeps the method and body (W3CView.handle_exception)."""

    def __init__(self, location: str):
        super().__init__(location)
        self.location = location


def tag_of_representation(tag: str, media_type: str) -> str:
    """`tag`, the ETag of the JSON-LD representation (the protocol's), as the ETag of the
    representation served as `media_type`. Plain JSON has the same bytes under another
    media type: RFC 9110 (8.8.3.3) gives each negotiated representation its own entity
    tag, so that a cache keyed on the tag (or a 304 naming it) never hands one for the
    other, and each answers If-None-Match with its own."""
    if media_type == JSON_MEDIA_TYPE:
        weak, opaque = tag.startswith("W/"), tag.removeprefix("W/").strip('"')
        return f'{"W/" if weak else ""}"{opaque}{JSON_TAG_SUFFIX}"'
    return tag


def _media_type(response: Response) -> str:
    """The media type `response` is rendered as ("" before content negotiation)."""
    renderer = getattr(response, "accepted_renderer", None)
    return renderer.media_type if renderer is not None else ""


def item_etag(obj: Annotation | Evidence | Reply, rendered: dict[str, Any]) -> str:
    """A W3C item's ETag: its version and a digest of `rendered`, its W3C JSON, which shows
    more than the item's own row (its sources' language and direction and newest version,
    its passages' selectors, the container its IRI names, its author's name): when any of
    them changes, so does the ETag, and an If-Match from before is stale."""
    return etag(obj, rendered)  # the REST API's rule, so a tag means the same on both


def represented(
    obj: Annotation | Evidence | Reply,
    links: Links,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """`obj` as W3C JSON, with its ETag."""
    rendered = to_w3c(obj, links)
    return Response(rendered, status=status, headers={"ETag": item_etag(obj, rendered), **(headers or {})})


def _allowed(view_class: type[APIView], request: Request) -> str:
    """The Allow header of `view_class`'s resources, as their own responses give it
    (HEAD with GET: Django adds it when a view is set up)."""
    view = view_class()
    view.setup(request)
    return ", ".join(view.allowed_methods)


class Container(W3CView):
    """A source's annotation container: GET (paged, Prefer), POST."""

    permission_rule = Rule(create=Action.CONTRIBUTE)
    link_types = (
        f'<{LDP}BasicContainer>; rel="type"',
        f'<{LDP}Container>; rel="type"',
        '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"',
    )

    source: Source | None = None

    def finalize_response(self, request: Request, response: Response, *args, **kwargs) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 201:  # the created annotation's headers
            response["Link"] = RESOURCE_LINK
            response["Allow"] = _allowed(AnnotationResource, request)
            return response
        response["Vary"] = "Accept, Prefer"
        response["Accept-Post"] = ANNO_MEDIA_TYPE
        return response

    def current_etag(self) -> str | None:
        if self.source is None:
            return None
        counts = tuple(items.count() for items in _items_of(self.source.pk))
        return _container_state(
            self.source, counts, _variant(_preferences(self.request.headers.get("Prefer", "")))
        )

    def get_source(self, pk: int) -> Source:
        source = self.scope(Source.objects.select_related("workspace")).filter(pk=pk).first()
        if source is None:
            raise Http404("No such source.")
        self.source = source
        return source

    @extend_schema(exclude=True)
    def options(self, request, *args, **kwargs) -> Response:
        """Allow, Accept-Post, Link and the ETag, as on GET (4.1)."""
        self.get_source(kwargs["pk"])
        return super().options(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def get(self, request: Request, pk: int) -> Response:
        source = self.get_source(pk)
        refuse_unknown(request, {"page", "after", "before", "iris"})
        positions = [name for name in ("page", "after", "before") if name in request.query_params]
        if len(positions) > 1:
            raise ValidationError({name: ["Give one of page, after and before."] for name in positions})
        if request.query_params.get("iris", "1") != "1":
            raise ValidationError({"iris": [IRIS_ONLY_VALUE]})
        iris_only = "iris" in request.query_params
        counts = tuple(items.count() for items in _items_of(pk))
        # Prefer chooses among the container's representations; a page has one, and the ETag
        # of the whole container, so that a client walking them sees whether it changed meanwhile.
        preferences = set() if positions else _preferences(request.headers.get("Prefer", ""))
        headers = {"ETag": _container_state(source, counts, _variant(preferences))}
        if request.query_params.get("page") == LAST:
            rendered = self.page(source, _last_page(counts), counts, iris_only=iris_only, named=LAST)
        elif "page" in request.query_params:
            page = _page_number(request.query_params["page"])
            if page > _last_page(counts):
                raise Http404(f"There is no page {page}: the container has {sum(counts)} items.")
            rendered = self.page(source, page, counts, iris_only=iris_only)
        elif positions:
            name = positions[0]
            key = parse_key(name, request.query_params[name])
            rendered = self.keyset_page(source, name, key, counts, iris_only=iris_only)
        else:
            if preferences:
                headers["Preference-Applied"] = "return=representation"
            rendered = self.container(source, counts, preferences)
        headers["Content-Location"] = rendered["id"]
        return Response(rendered, headers=headers)

    def container(self, source: Source, counts: tuple[int, ...], preferences: set[str]) -> dict:
        links, total = self.links(), sum(counts)
        iris_only = PREFER_IRIS in preferences and PREFER_DESCRIPTIONS not in preferences
        rendered = {
            "@context": [ANNO_CONTEXT, LDP_CONTEXT],
            "id": links.container(source.pk),
            "type": ["BasicContainer", "AnnotationCollection"],
            "label": f"Annotations on {source.title}",
            "total": total,
        }
        if total:
            if PREFER_MINIMAL in preferences:
                rendered["first"] = self.page_iri(source.pk, 0, iris_only=iris_only)
            else:
                rendered["first"] = self.page(source, 0, counts, iris_only=iris_only, embedded=True)
            # Named, not numbered: a number would name another page once items are added.
            rendered["last"] = self.page_iri(source.pk, LAST, iris_only=iris_only)
        return rendered

    def page_iri(self, source_id: int, number: int | str, *, iris_only: bool) -> str:
        return f"{self.links().container(source_id)}?{'iris=1&' if iris_only else ''}page={number}"

    def keyset_iri(self, source_id: int, name: str, key: Key, *, iris_only: bool) -> str:
        """The page after (or before) position `key`: what next and prev link to."""
        return f"{self.links().container(source_id)}?{'iris=1&' if iris_only else ''}{name}={key}"

    def page(
        self,
        source: Source,
        number: int,
        counts: tuple[int, ...],
        *,
        iris_only: bool,
        embedded: bool = False,
        named: str | None = None,
    ) -> dict[str, Any]:
        """Page `number`, at its offset: the first page, the last (`named` LAST), and numbered
        pages clients link to."""
        start = number * PAGE_SIZE
        items = _slice(source.pk, counts, start, start + PAGE_SIZE, iris_only=iris_only)
        following = start + PAGE_SIZE < sum(counts)
        return self.render_page(
            source,
            self.page_iri(source.pk, named or number, iris_only=iris_only),
            start,
            items,
            counts,
            iris_only=iris_only,
            embedded=embedded,
            next_key=key_of(items[-1]) if following and items else None,
            prev_key=key_of(items[0]) if number > 0 and items else None,
        )

    def keyset_page(
        self, source: Source, name: str, key: Key, counts: tuple[int, ...], *, iris_only: bool
    ) -> dict[str, Any]:
        """The page just after (name "after") or before position `key`."""
        querysets, everything = _narrowed(source.pk, iris_only=iris_only), _items_of(source.pk)
        if name == "after":
            # One item more tells whether next has anything: a count taken at another
            # moment than the page could end a walk early.
            found = items_after(querysets, counts, key, PAGE_SIZE + 1)
            items = found[:PAGE_SIZE]
            start = count_before(everything, counts, key_of(items[0]) if items else key.next_one())
            following = len(found) > PAGE_SIZE
            preceding = start > 0
        else:
            found = items_before(querysets, counts, key, PAGE_SIZE + 1)
            items = found[-PAGE_SIZE:]
            start = count_before(everything, counts, key_of(items[0])) if items else 0
            following = start + len(items) < sum(counts)
            preceding = len(found) > PAGE_SIZE
        rendered = self.render_page(
            source,
            self.keyset_iri(source.pk, name, key, iris_only=iris_only),
            start,
            items,
            counts,
            iris_only=iris_only,
            embedded=False,
            next_key=key_of(items[-1]) if following and items else None,
            # An empty page after a position links back to the items up to it, itself included.
            prev_key=(key_of(items[0]) if items else key.next_one()) if preceding else None,
        )
        if following and not items:
            # Nothing before the position: the first page is the one at it.
            rendered["next"] = self.page_iri(source.pk, 0, iris_only=iris_only)
        return rendered

    def render_page(
        self,
        source: Source,
        iri: str,
        start: int,
        items: list[Item],
        counts: tuple[int, ...],
        *,
        iris_only: bool,
        embedded: bool,
        next_key: Key | None,
        prev_key: Key | None,
    ) -> dict[str, Any]:
        links = self.links()
        rendered: dict[str, Any] = {} if embedded else {"@context": ANNO_CONTEXT}
        rendered |= {
            "id": iri,
            "type": "AnnotationPage",
            "startIndex": start,
            "items": [(iri_of(obj, links) if iris_only else to_w3c(obj, links)) for obj in items],
        }
        if not embedded:
            rendered["partOf"] = {"id": links.container(source.pk), "total": sum(counts)}
        if next_key is not None:
            rendered["next"] = self.keyset_iri(source.pk, "after", next_key, iris_only=iris_only)
        if prev_key is not None:
            rendered["prev"] = self.keyset_iri(source.pk, "before", prev_key, iris_only=iris_only)
        return rendered

    @extend_schema(exclude=True)
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        source = self.get_source(pk)
        self.check_create_allowed(source.workspace)
        workspace_sources = self.scope(Source.objects.filter(workspace_id=source.workspace_id))
        w3c = read_w3c(
            self.body(),
            source_for=lambda source_id: workspace_sources.filter(pk=source_id).first(),
            links=self.links(),
        )
        if all(target.pk != source.pk for target, _ in w3c.targets):
            # A container holds the annotations on its source; others may be on more sources, as over REST.
            raise ValidationError({"target": ["One target must be on the text of this container's source."]})
        try:
            obj = create_from_w3c(workspace=source.workspace, user=request.user, request=w3c)
        except AlreadyExists as exists:
            raise _named_by_iri(exists, self.links()) from None
        obj = _reload(obj)
        links = self.links()
        return represented(obj, links, status=201, headers={"Location": iri_of(obj, links), **_warnings(w3c)})


class AnnotationResource(W3CView):
    """One annotation (or evidence): GET, PUT, DELETE (If-Match optional)."""

    permission_rule = Rule(create=Action.CONTRIBUTE, change=OWN)
    link_types = (RESOURCE_LINK,)
    model: type[Annotation] | type[Evidence] = Annotation
    found: Annotation | Evidence | None = None

    def get_object(self, pk: int, source_id: int | None = None) -> Annotation | Evidence:
        """The item, if the user may see it; under another container's IRI than its
        own (one it moved from), Moved to its IRI. Refuses query parameters it does not take."""
        obj = self.scope(_queryset(self.model)).filter(pk=pk).first()
        if obj is None:
            if self.request.method not in SAFE_METHODS:
                # A PUT or DELETE of what someone deleted meanwhile: say so, as the REST API does.
                notice = deletion_notice(user=self.request.user, model=self.model, object_id=pk)
                if notice is not None:
                    raise Gone(notice)
            raise Http404("No such annotation.")
        if source_id is not None and source_id != home_source_id(obj):
            raise self.moved(obj)
        self.found = obj
        self.check_object_permissions(self.request, obj)
        refuse_stray_parameters(self.request)
        return obj

    def current_etag(self) -> str | None:
        return None if self.found is None else item_etag(self.found, to_w3c(self.found, self.links()))

    def expected_version(self, obj: Annotation | Evidence) -> int | None:
        """The version a write's If-Match names (None without one: unconditional), which
        must be the item's current W3C ETag, of either representation.

        Either: both name this very state of the item, and If-Match guards against
        writing over a state the client has not seen (RFC 9110 13.1.1), which neither
        allows. The protocol has a client send back the ETag it got from a GET (3.1),
        whichever representation it asked for, while the PUT's own Accept (which would
        select the representation compared, read strictly) need not be the GET's."""
        if not self.request.headers.get("If-Match"):
            return expected_version(self.request, obj, required=False)
        tag = item_etag(obj, to_w3c(obj, self.links()))
        try:
            return expected_version(self.request, obj, required=False, current=tag)
        except StaleVersion:
            json_tag = tag_of_representation(tag, JSON_MEDIA_TYPE)
            return expected_version(self.request, obj, required=False, current=json_tag)

    @extend_schema(exclude=True)
    def options(self, request, *args, **kwargs) -> Response:
        """Allow, Link and the ETag, as on GET (4.2)."""
        self.get_object(kwargs["pk"], kwargs.get("source_id"))
        return super().options(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def get(self, request: Request, pk: int, source_id: int | None = None) -> Response:
        return represented(self.get_object(pk, source_id), self.links())

    @extend_schema(exclude=True)
    def put(self, request: Request, pk: int, source_id: int | None = None) -> Response:
        obj = self.get_object(pk, source_id)
        workspace_sources = self.scope(Source.objects.filter(workspace_id=obj.workspace_id))
        try:
            version = self.expected_version(obj)
            w3c = read_w3c(
                self.body(),
                source_for=lambda source_id: workspace_sources.filter(pk=source_id).first(),
                links=self.links(),
            )
            check_own_id(w3c, obj, self.links())
            obj = replace_from_w3c(obj, user=request.user, expected_version=version, request=w3c)
        except StaleVersion as stale:
            return represented(_reload(stale.current), self.links(), status=412)
        except AlreadyExists as exists:  # a canonical IRI another item has: named as a POST's is
            raise _named_by_iri(exists, self.links()) from None
        return represented(_reload(obj), self.links(), headers=_warnings(w3c))

    @extend_schema(exclude=True)
    def delete(self, request: Request, pk: int, source_id: int | None = None) -> Response:
        """Delete (If-Match optional), with the reason given as ?reason=, as over REST.

        Elsewhere a delete needs the user's reason, but the Web Annotation
        Protocol has no way to send one, and refusing would make the
        container unusable for standard clients: without one, the fixed reason
        W3C_DELETE_REASON still says in the history how it was deleted; who
        deleted it is recorded as usual. A blank one is refused, as over REST.
        """
        obj = self.get_object(pk, source_id)
        reason = delete_reason(request, W3C_DELETE_REASON)
        try:
            version = self.expected_version(obj)
            if isinstance(obj, Evidence):
                delete_evidence(evidence=obj, user=request.user, expected_version=version, reason=reason)
            else:
                delete_annotation(annotation=obj, user=request.user, expected_version=version, reason=reason)
        except StaleVersion as stale:
            return represented(_reload(stale.current), self.links(), status=412)
        return Response(status=204)


class EvidenceResource(AnnotationResource):
    model = Evidence


class ReplyResource(W3CView):
    """A reply in a note's discussion, read-only here: replies are written on the
    reading page (archive.claims.discussion), which keeps their thread rules."""

    permission_rule = Rule()
    link_types = (RESOURCE_LINK,)
    http_method_names = ["get", "head", "options"]
    found: Reply | None = None

    def get_reply(self, pk: int, source_id: int) -> Reply:
        """The reply, if the user may see it; under another container's IRI than its
        annotation's (one the annotation moved from), Moved to its IRI."""
        reply = (
            self.scope(Reply.objects.filter(discussion__annotation__isnull=False))
            .select_related("author", "discussion__annotation", "workspace")
            .prefetch_related("discussion__annotation__passages")
            .filter(pk=pk)
            .first()
        )
        if reply is None:
            raise Http404("No such reply.")
        if source_id != home_source_id(reply):
            raise self.moved(reply)
        self.found = reply
        self.check_object_permissions(self.request, reply)
        refuse_stray_parameters(self.request)
        return reply

    def current_etag(self) -> str | None:
        return None if self.found is None else item_etag(self.found, to_w3c(self.found, self.links()))

    @extend_schema(exclude=True)
    def options(self, request, *args, **kwargs) -> Response:
        """Allow, Link and the ETag, as on GET."""
        self.get_reply(kwargs["pk"], kwargs["source_id"])
        return super().options(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def get(self, request: Request, pk: int, source_id: int) -> Response:
        return represented(self.get_reply(pk, source_id), self.links())


class PassageLinking(W3CView):
    """A passage's counterparts in the sources it derives from and in its derivatives,
    as one read-only annotation with motivation "linking" (archive.alignment), below
    the container of the passage's source."""

    permission_rule = Rule()
    link_types = (RESOURCE_LINK,)
    http_method_names = ["get", "head", "options"]

    def get_passage(self, pk: int, source_id: int) -> Passage:
        passage = (
            self.scope(Passage.objects.select_related("workspace", "source__derived_from"))
            .filter(pk=pk, source_id=source_id)
            .first()
        )
        if passage is None:
            raise Http404("No such passage in this source.")
        self.check_object_permissions(self.request, passage)
        refuse_stray_parameters(self.request)
        return passage

    @extend_schema(exclude=True)
    def options(self, request, *args, **kwargs) -> Response:
        """Allow and Link, as on GET."""
        self.get_passage(kwargs["pk"], kwargs["source_id"])
        return super().options(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def get(self, request: Request, pk: int, source_id: int) -> Response:
        passage = self.get_passage(pk, source_id)
        memo = Memo()
        found = counterparts(passage=passage, memo=memo)
        sources = Source.objects.in_bulk({item.source_id for item in found})
        computed = Alignment.objects.filter(source_id__in=memo.links).aggregate(last=Max("computed_at"))[
            "last"
        ]
        modified = max(filter(None, [passage.updated_at, computed]))
        rendered = linking_to_w3c(
            passage, [(item, sources[item.source_id]) for item in found], self.links(), modified
        )
        return Response(rendered)


class Unknown(W3CView):
    """Any other path under /w3c/, an id beyond 64 bits among them (the int64 converter,
    archive.core.paths, matches it to nothing): a 404 in the protocol's JSON, every method,
    rather than the site's HTML page, to anyone (what is not here is no one's)."""

    permission_rule = Rule()
    permission_classes = []  # nothing to guard: as the REST API's NotFoundView
    authentication_classes = []
    link_types = ()
    schema = None  # not in the OpenAPI schema, as the REST API's NotFoundView

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        raise Http404("There is nothing at this address.")

    head = options = post = put = patch = delete = get


def _named_by_iri(exists: AlreadyExists, links: Links) -> Exception:
    """A create (or a PUT giving a canonical IRI) refused as a duplicate (archive.api.errors'
    409, `existing` naming it), naming the existing item by its IRI too, in the sentence
    and as `existing.iri`."""
    conflict = as_api_exception(exists)
    if not isinstance(conflict, Conflict) or conflict.existing is None:
        return exists
    iri = iri_of(cast(Annotation | Evidence, exists.existing), links)
    return Conflict(f"{' '.join(exists.messages)} It is {iri}.", existing={**conflict.existing, "iri": iri})


def _warnings(request: W3CRequest) -> dict[str, str]:
    """The request's notes as a Warning header (warn-code 299: persistent)."""
    if not request.notes:
        return {}
    return {"Warning": ", ".join(f'299 - "{note}"' for note in request.notes)}


def _queryset(model: type[Model]) -> QuerySet[Annotation] | QuerySet[Evidence]:
    if model is Evidence:
        return Evidence.objects.select_related("passage", "created_by", "workspace")
    return Annotation.objects.select_related("author", "workspace").prefetch_related("passages")


def _reload(obj: Model) -> Annotation | Evidence:
    """The annotation or evidence `obj` (as StaleVersion carries it: a Model) read
    again with what to_w3c needs."""
    return _queryset(type(obj)).get(pk=obj.pk)


def _narrowed(source_id: int, *, iris_only: bool) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The container's items, loading only what their IRIs need if `iris_only`."""
    annotations, evidence, replies = _items_of(source_id)
    if iris_only:
        # Only what an IRI needs: the id and the source of the item's container.
        home = (
            Annotation.passages.through.objects.filter(annotation_id=OuterRef("pk"))
            .order_by("passage__source_id")
            .values("passage__source_id")[:1]
        )
        reply_home = (
            Annotation.passages.through.objects.filter(annotation_id=OuterRef("discussion__annotation_id"))
            .order_by("passage__source_id")
            .values("passage__source_id")[:1]
        )
        annotations = (
            annotations.select_related(None)
            .prefetch_related(None)
            .only("pk")
            .annotate(home_source_id=Subquery(home))
        )
        evidence = evidence.select_related(None).only("pk").annotate(home_source_id=F("passage__source_id"))
        replies = (
            replies.select_related(None)
            .prefetch_related(None)
            .only("pk")
            .annotate(home_source_id=Subquery(reply_home))
        )
    return annotations, evidence, replies


def _slice(source_id: int, counts: tuple[int, ...], start: int, end: int, *, iris_only: bool) -> list:
    """Items [start, end) of the container: its annotations, then its evidence, then replies."""
    annotations, evidence, replies = _narrowed(source_id, iris_only=iris_only)
    items: list = []
    offset = 0
    for queryset, count in zip((annotations, evidence, replies), counts, strict=True):
        if count and start < offset + count and end > offset:
            items += list(queryset[max(0, start - offset) : end - offset])
        offset += count
    return items


def _container_state(source: Source, counts: tuple[int, ...], variant: str = "") -> str:
    """An ETag that changes whenever what the container shows does: an item added, changed
    or removed; the passages its items are on, their sources' records (language, direction,
    the container's title) and newest versions, which its items' targets show; and the
    Prefer `variant` served (_variant; "" for the whole container, and its pages)."""
    latest = tuple(items.aggregate(m=Max("updated_at"))["m"] for items in _items_of(source.pk))
    on_source = Annotation.passages.through.objects.filter(passage__source_id=source.pk).values(
        "annotation_id"
    )
    passages = Passage.objects.filter(Q(source_id=source.pk) | Q(annotations__in=on_source))
    shown = passages.aggregate(passages=Max("updated_at"), sources=Max("source__updated_at"))
    newest = SourceVersion.objects.filter(
        Q(source_id=source.pk) | Q(source_id__in=passages.values("source_id"))
    )
    shown |= newest.aggregate(versions=Max("id")) | {"record": source.updated_at}
    state = (counts, latest, sorted(shown.items()), variant)
    return f'W/"{hashlib.sha256(repr(state).encode()).hexdigest()[:32]}"'


# One name, its value if any (a token or a quoted string) and what ends it: ";" before a
# parameter of the same preference, "," or the end after the preference (RFC 7240 2).
_PREFER_ITEM = re.compile(r'\s*([^\s=;,"]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^\s;,"]*))?\s*([;,]|$)')


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _preferences(prefer: str) -> set[str]:
    """The IRIs a `Prefer: return=representation; include="..."` header asks for. As RFC 7240
    has it: names and `representation` in any case, values quoted or not, several preferences
    comma-separated (several Prefer headers arrive so); the IRIs of include space-separated (LDP)."""
    wanted: set[str] = set()
    representation, included = False, list[str]()
    for name, value, separator in _PREFER_ITEM.findall(prefer):
        name, value = name.lower(), _unquoted(value)
        if name == "return":
            representation = value.lower() == "representation"
        elif name == "include":
            included += value.split()
        if separator != ";":  # the preference ends: its include counts if it is return=representation
            if representation:
                wanted.update(included)
            representation, included = False, []
    return wanted


def _variant(preferences: set[str]) -> str:
    """Which of the container's representations `preferences` (_preferences) ask for, as
    Container.container renders them: "" the whole, else minimal and/or IRIs only."""
    minimal = PREFER_MINIMAL in preferences
    iris_only = PREFER_IRIS in preferences and PREFER_DESCRIPTIONS not in preferences
    return "+".join(name for name, wanted in (("minimal", minimal), ("iris", iris_only)) if wanted)


def _last_page(counts: tuple[int, ...]) -> int:
    """The number of the container's last page (0 when it is empty: the first is served)."""
    return max(0, (sum(counts) - 1) // PAGE_SIZE)


def _page_number(value: str) -> int:
    """A page number in ASCII digits (str.isdigit would take "²" or "٣"), at most PAGE_MAX."""
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(PAGE_MAX)):
        raise ValidationError({"page": [f"A page number: 0, 1, 2, ... up to {PAGE_MAX}, or {LAST}."]})
    return int(value)
