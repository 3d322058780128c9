"""Provenance: a source's derivation chain, and W3C PROV documents.

`lineage()` gives the chain up to the original and everything derived from
a source, with the details the provenance page shows. `source_document()`
and `claim_document()` build PROV documents with the `prov` library: the
source's chain, captures, outlets, authors and the people who did each step,
or a claim's whole evidence trail (claim <- evidence <- passages <- sources
<- derivations and captures <- outlets). `serialize()` checks a document by
reading its PROV-JSON back before handing it out.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from django.contrib.auth.models import User
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from prov.model import PROV, AttributeValue, ProvDocument, QualifiedName

from archive.alignment import current_alignment
from archive.alignment.aligning import ALGORITHM_VERSION
from archive.alignment.counterparts import Memo, counterparts
from archive.core.history import gradings
from archive.core.text import sha256_hex
from archive.models import (
    Capture,
    Claim,
    Evidence,
    FixityCheck,
    Outlet,
    Passage,
    Source,
    SourceVersion,
    UnarchivedOriginal,
)
from archive.models.grading import grade_meaning
from archive.sources.versions import Arrival, VersionEntry, current_came_in, version_entries

PROV_JSON = "json"
PROV_N = "provn"
CONTENT_TYPES = {PROV_JSON: "application/json", PROV_N: "text/provenance-notation; charset=utf-8"}


# A PROV record's attributes: prov names ("prov:label") or the workspace's qualified names.
_Attributes = dict[QualifiedName | str, AttributeValue]


class ReviewDecision(Protocol):
    """A reviewer's latest approval or rejection of an item (archive.audit.review.Decision)."""

    @property
    def action(self) -> str: ...
    @property
    def by(self) -> Any: ...
    @property
    def at(self) -> datetime: ...
    @property
    def comment(self) -> str: ...


class ProvExportError(Exception):
    """The PROV document did not survive a round trip; nothing is exported."""


# --- The derivation chain ----------------------------------------------------


@dataclass
class LineageNode:
    source: Source
    children: list["LineageNode"] = field(default_factory=list)


@dataclass(frozen=True)
class Lineage:
    ancestors: list[Source]  # from the original down to the source's parent
    source: Source
    descendants: list[LineageNode]  # everything derived from the source, as a tree

    @property
    def top(self) -> Source:
        """The archived source furthest up the chain: its original, when that is not archived,
        is described on it (Source.unarchived_original)."""
        return self.ancestors[0] if self.ancestors else self.source


def with_provenance_details(queryset: QuerySet[Source]) -> QuerySet[Source]:
    """Sources with what the provenance page shows, in a fixed number of queries."""
    last_check = FixityCheck.objects.filter(source=OuterRef("pk")).order_by("-created_at", "-id")
    versions = SourceVersion.objects.select_related("captured_by").order_by("number")
    details = queryset.select_related("outlet", "captured_by", "capture", "derived_from")
    return details.prefetch_related(Prefetch("versions", queryset=versions)).annotate(
        last_fixity_status=Subquery(last_check.values("status")[:1]),
        last_fixity_at=Subquery(last_check.values("created_at")[:1]),
    )


def lineage(source: Source) -> Lineage:
    """The source's whole chain: up to the original and down to everything derived."""
    in_workspace = with_provenance_details(Source.objects.filter(workspace_id=source.workspace_id))
    ancestor_ids, parent_id = [], source.derived_from_id
    while parent_id is not None and parent_id not in ancestor_ids:
        ancestor_ids.append(parent_id)
        parent_id = Source.objects.filter(pk=parent_id).values_list("derived_from_id", flat=True).first()
    by_id = in_workspace.in_bulk(ancestor_ids)
    ancestors = [by_id[pk] for pk in reversed(ancestor_ids)]

    root = LineageNode(in_workspace.get(pk=source.pk))
    level, seen = [root], {source.pk}
    while level:
        parents = {node.source.pk: node for node in level}
        level = []
        for child in in_workspace.filter(derived_from_id__in=parents).exclude(pk__in=seen).order_by("pk"):
            node = LineageNode(child)
            if child.derived_from_id is None:
                continue  # not reached: the filter asks for one of the parents
            parents[child.derived_from_id].children.append(node)
            level.append(node)
            seen.add(child.pk)
    return Lineage(ancestors=ancestors, source=root.source, descendants=root.children)


# --- PROV documents ----------------------------------------------------------


class _ProvBuilder:
    """Adds each object once, under an identifier in the workspace's namespace (an IRI that
    leads to the object's page: archive.views.prov_ids, which a new kind of identifier needs)."""

    def __init__(
        self,
        base_uri: str,
        cited: Mapping[int, tuple[str, str]] | None = None,
        decisions: Mapping[tuple[str, int], ReviewDecision] | None = None,
    ):
        self.document = ProvDocument()
        self.cited = cited or {}
        self.decisions = decisions or {}
        self.ns = self.document.add_namespace("warrant", base_uri)
        self._added: set[str] = set()
        self._memo = Memo()

    def _once(self, key: str) -> bool:
        if key in self._added:
            return False
        self._added.add(key)
        return True

    def user(self, user: User | None) -> QualifiedName | None:
        if user is None:
            return None
        identifier = self.ns[f"user-{user.pk}"]
        if self._once(str(identifier)):
            self.document.agent(identifier, {"prov:type": PROV["Person"], "prov:label": user.get_username()})
        return identifier

    def outlet(self, outlet: Outlet) -> QualifiedName:
        identifier = self.ns[f"outlet-{outlet.pk}"]
        if self._once(str(identifier)):
            attributes: _Attributes = {
                "prov:type": PROV["Organization"],
                "prov:label": outlet.name,
                self.ns["reliability"]: outlet.reliability,
                self.ns["reliabilityReason"]: outlet.reliability_reason,
            }
            if outlet.url:
                attributes["prov:location"] = outlet.url
            self.document.agent(identifier, attributes)
            self._grading(outlet, "reliability", identifier)
        return identifier

    def author(self, name: str) -> QualifiedName:
        # Authors are names only: the same name is the same agent across sources.
        identifier = self.ns[f"author-{sha256_hex(name.casefold())[:16]}"]
        if self._once(str(identifier)):
            self.document.agent(identifier, {"prov:type": PROV["Person"], "prov:label": name})
        return identifier

    def source(self, source: Source) -> QualifiedName:
        """The source and, recursively, everything it was derived from."""
        identifier = self.ns[f"source-{source.pk}"]
        if not self._once(str(identifier)):
            return identifier
        attributes: _Attributes = {
            "prov:type": self.ns["Source"],
            "prov:label": source.title,
            self.ns["language"]: source.language,
            self.ns["mediaType"]: source.media_type,
            self.ns["textSha256"]: source.text_sha256,
            self.ns["originalSha256"]: source.original_sha256,
        }
        if source.published_on:
            attributes[self.ns["publishedOn"]] = source.published_on.isoformat()
        versions = list(source.versions.select_related("captured_by").order_by("number"))
        entries = version_entries(source, versions)
        # Located where its bytes were fetched (a correction keeps them); the address stated
        # for a text typed, pasted or from a file, or edited since, is only a claim.
        fetched = (
            next(
                (
                    entry.came_in.fetched_url
                    for entry in reversed(entries)
                    if entry.came_in.arrival != Arrival.CORRECTED
                ),
                "",
            )
            if entries
            else current_came_in(source).fetched_url
        )
        if fetched:
            attributes["prov:location"] = fetched
        if source.original_url and source.original_url != fetched:
            attributes[self.ns["claimedUrl"]] = source.original_url
        self.document.entity(identifier, attributes)
        if source.outlet:
            self.document.wasAttributedTo(
                identifier, self.outlet(source.outlet), None, {"prov:role": "publisher"}
            )
        for name in source.authors:
            self.document.wasAttributedTo(identifier, self.author(name), None, {"prov:role": "author"})
        for name in source.translators:
            self.document.wasAttributedTo(identifier, self.author(name), None, {"prov:role": "translator"})
        entities = [self._version(source, version) for version in versions[:-1]] + [identifier]
        self._import(source, entities[0], entries[0] if entries else None)
        for entry, entity, previous in zip(entries[1:], entities[1:], entities, strict=False):
            self._revision(entry, entity, previous)
        if source.derived_from:
            parent = self.source(source.derived_from)
            self.document.wasDerivedFrom(
                identifier, parent, other_attributes={"prov:type": self.ns[source.derivation]}
            )
        elif (original := source.unarchived_original) is not None:
            self.document.wasDerivedFrom(
                identifier,
                self._unarchived(source, original),
                other_attributes={"prov:type": self.ns[source.derivation]},
            )
        return identifier

    def _unarchived(self, source: Source, original: UnarchivedOriginal) -> QualifiedName:
        """The original `source` derives from that is not archived: what is known of it, and
        no hash (the archive holds none of its bytes to vouch for)."""
        identifier = self.ns[f"source-{source.pk}-unarchived-original"]
        attributes: _Attributes = {
            "prov:type": self.ns["UnarchivedOriginal"],
            "prov:label": f"{original.label} (not archived)",
            self.ns["archived"]: False,
        }
        if original.title:
            attributes[self.ns["title"]] = original.title
        if original.url:
            attributes["prov:location"] = original.url
        if original.language:
            attributes[self.ns["language"]] = original.language
        if original.published_on:
            attributes[self.ns["publishedOn"]] = original.published_on.isoformat()
        self.document.entity(identifier, attributes)
        if original.outlet:
            # An outlet known by its name only: the same name is the same agent, as for authors.
            publisher = self.ns[f"publisher-{sha256_hex(original.outlet.casefold())[:16]}"]
            if self._once(str(publisher)):
                self.document.agent(
                    publisher, {"prov:type": PROV["Organization"], "prov:label": original.outlet}
                )
            self.document.wasAttributedTo(identifier, publisher, None, {"prov:role": "publisher"})
        return identifier

    def _version(self, source: Source, version: SourceVersion) -> QualifiedName:
        """A version of the source before its newest (the source's own entity is the newest)."""
        identifier = self.ns[f"source-{source.pk}-version-{version.number}"]
        self.document.entity(
            identifier,
            {
                "prov:type": self.ns["SourceVersion"],
                "prov:label": f"{source.title}, version {version.number}",
                self.ns["textSha256"]: version.text_sha256,
                self.ns["originalSha256"]: version.original_sha256,
                self.ns["mediaType"]: version.media_type,
            },
        )
        return identifier

    def _revision(self, entry: VersionEntry, entity: QualifiedName, previous: QualifiedName) -> None:
        """A version after the first: the recapture or text correction that made it, and by whom."""
        version, came = entry.version, entry.came_in
        making = self.ns[f"{version.origin}-{version.pk}"]
        attributes: _Attributes = {
            "prov:type": self.ns[came.arrival.value],
            "prov:label": f"{'first fetch' if came.first_fetch else version.get_origin_display()}: "
            f"version {version.number}",
            self.ns["textSha256"]: version.text_sha256,
        }
        if came.fetched_url:
            attributes["prov:location"] = came.fetched_url
        if version.schedule_label:
            attributes[self.ns["schedule"]] = version.schedule_label
        self.document.activity(making, version.captured_at, version.captured_at, attributes)
        self.document.used(making, previous, version.captured_at)
        self.document.wasGeneratedBy(entity, making, version.captured_at)
        self.document.wasDerivedFrom(
            entity, previous, making, other_attributes={"prov:type": PROV["Revision"]}
        )
        if agent := self.user(version.captured_by):
            self.document.wasAssociatedWith(making, agent)

    def _import(self, source: Source, identifier: QualifiedName, first: VersionEntry | None) -> None:
        """How the source entered the archive (its first version, `identifier`): typed,
        pasted, from a file or captured; original bytes, text extraction."""
        capture = Capture.objects.filter(source=source).first()
        original_sha256, media_type = (
            (first.version.original_sha256, first.version.media_type)
            if first
            else (source.original_sha256, source.media_type)
        )
        came = first.came_in if first else current_came_in(source)
        original = self.ns[f"original-{original_sha256}"]
        if self._once(str(original)):
            self.document.entity(
                original,
                {
                    "prov:type": self.ns["Original"],
                    self.ns["sha256"]: original_sha256,
                    self.ns["mediaType"]: media_type,
                },
            )
        importing = self.ns[f"import-{source.pk}"]
        attributes: _Attributes = {
            "prov:type": self.ns[came.arrival.value],
            "prov:label": f"{came.arrival.label} by {source.captured_by or 'unknown'}",
        }
        if capture:
            attributes |= {self.ns["method"]: capture.method, self.ns["extraction"]: capture.extraction}
            if capture.filename:
                attributes[self.ns["filename"]] = capture.filename
        self.document.activity(importing, source.captured_at, source.captured_at, attributes)
        self.document.used(importing, original, source.captured_at)
        self.document.wasGeneratedBy(identifier, importing, source.captured_at)
        self.document.wasDerivedFrom(identifier, original, importing)
        if agent := self.user(source.captured_by):
            self.document.wasAssociatedWith(importing, agent)
        if capture and capture.method == "url":
            self._web_capture(source, capture, original)
        self._fixity(source, original)

    def _web_capture(self, source: Source, capture: Capture, original: QualifiedName) -> None:
        page = self.ns[f"webpage-{source.pk}"]
        self.document.entity(page, {"prov:type": self.ns["WebPage"], "prov:location": capture.final_url})
        fetching = self.ns[f"capture-{source.pk}"]
        self.document.activity(
            fetching,
            capture.fetched_at,
            capture.fetched_at,
            {
                "prov:label": "web capture",
                self.ns["requestedUrl"]: capture.requested_url,
                self.ns["finalUrl"]: capture.final_url,
                self.ns["httpStatus"]: capture.http_status,
                self.ns["redirects"]: len(capture.redirects),
            },
        )
        self.document.used(fetching, page, capture.fetched_at)
        self.document.wasGeneratedBy(original, fetching, capture.fetched_at)
        if capture.warc_sha256:
            warc = self.ns[f"warc-{capture.warc_sha256}"]
            self.document.entity(
                warc,
                {
                    "prov:type": self.ns["WarcRecord"],
                    self.ns["sha256"]: capture.warc_sha256,
                    self.ns["mediaType"]: "application/warc",
                },
            )
            self.document.wasGeneratedBy(warc, fetching, capture.fetched_at)
        if agent := self.user(source.captured_by):
            self.document.wasAssociatedWith(fetching, agent)

    def _fixity(self, source: Source, original: QualifiedName) -> None:
        check = FixityCheck.objects.filter(source=source).order_by("-created_at", "-id").first()
        if check is None:
            return
        verifying = self.ns[f"fixity-check-{check.pk}"]
        self.document.activity(
            verifying,
            check.created_at,
            check.created_at,
            {"prov:label": "fixity verification", self.ns["status"]: check.status},
        )
        self.document.used(verifying, original, check.created_at)

    def _grading(self, obj: Outlet | Claim, field_name: str, identifier: QualifiedName) -> None:
        """Every grade the object was given, each an activity: who gave it, when, and the
        grade's own reason (its `<field>_reason` at that version)."""
        for graded in gradings(obj):
            grade, reason = getattr(graded, field_name), getattr(graded, f"{field_name}_reason")
            attributes: _Attributes = {
                "prov:label": f"graded {field_name} {grade}",
                self.ns[field_name]: grade,
                self.ns["reason"]: reason,
            }
            # The reason the edit was recorded with may be about the edit, not the grade (an
            # analyst's claim edit): kept apart, and only when it says more than the grade's.
            change_reason = (graded.history_change_reason or "").strip()
            if change_reason and (not reason.strip() or reason.strip() not in change_reason):
                attributes[self.ns["changeReason"]] = change_reason
            grading = self.ns[f"grading-{obj._meta.model_name}-{obj.pk}-{graded.history_id}"]
            self.document.activity(grading, graded.history_date, graded.history_date, attributes)
            self.document.wasInfluencedBy(identifier, grading)
            if agent := self.user(graded.history_user):
                self.document.wasAssociatedWith(grading, agent)

    def passage(self, passage: Passage) -> QualifiedName:
        identifier = self.ns[f"passage-{passage.pk}"]
        if not self._once(str(identifier)):
            return identifier
        self.document.entity(
            identifier,
            {
                "prov:type": self.ns["Passage"],
                "prov:value": passage.exact,
                self.ns["start"]: passage.start,
                self.ns["end"]: passage.end,
                self.ns["anchorStatus"]: passage.anchor_status,
            },
        )
        source = self.source(passage.source)
        self._step(f"highlight-{passage.pk}", identifier, source, passage, "highlighted passage")
        self.document.wasDerivedFrom(identifier, source, other_attributes={"prov:type": PROV["Quotation"]})
        self._counterparts(passage, identifier)
        return identifier

    def _counterparts(self, passage: Passage, identifier: QualifiedName) -> None:
        """The passage's counterparts across derivations (archive.alignment), each an
        entity derived from the span it corresponds to in the source one step nearer
        the original, by that pair's sentence alignment."""
        found = counterparts(passage=passage, memo=self._memo)
        if not found:
            return
        chain = passage.source.derivation_chain()
        loaded = {each.pk: each for each in chain}
        missing = {item.source_id for item in found} - set(loaded)
        loaded |= {each.pk: each for each in Source.objects.filter(pk__in=missing).select_related("outlet")}
        spans = {passage.source_id: identifier}
        for item in found:
            spans[item.source_id] = self._span(loaded[item.source_id], item.start, item.end, item.exact)
        for item in found:
            there = loaded[item.source_id]
            if item.relation == "ancestor":
                derivative = chain[[each.pk for each in chain].index(there.pk) - 1]
                derived, used = spans[derivative.pk], spans[there.pk]
            elif there.derived_from_id is not None:  # a derivative's counterpart: always
                derivative = there
                derived, used = spans[there.pk], spans[there.derived_from_id]
            else:
                continue
            activity = self._alignment(derivative)
            self.document.wasDerivedFrom(
                derived,
                used,
                activity,
                other_attributes={
                    "prov:type": self.ns[derivative.derivation],
                    self.ns["confidence"]: item.confidence,
                },
            )

    def _span(self, source: Source, start: int, end: int, exact: str) -> QualifiedName:
        """The words of `source` that correspond to a passage elsewhere."""
        identifier = self.ns[f"span-{source.pk}-{start}-{end}"]
        if self._once(str(identifier)):
            self.document.entity(
                identifier,
                {
                    "prov:type": self.ns["Passage"],
                    "prov:value": exact,
                    self.ns["start"]: start,
                    self.ns["end"]: end,
                },
            )
            self.document.wasDerivedFrom(
                identifier, self.source(source), other_attributes={"prov:type": PROV["Quotation"]}
            )
        return identifier

    def _alignment(self, derivative: Source) -> QualifiedName:
        """The sentence alignment of `derivative` with what it derives from, as an activity."""
        identifier = self.ns[f"alignment-{derivative.pk}"]
        if self._once(str(identifier)):
            alignment = current_alignment(source=derivative)
            when = alignment.computed_at if alignment is not None else None
            self.document.activity(
                identifier,
                when,
                when,
                {
                    "prov:type": self.ns["SentenceAlignment"],
                    "prov:label": "sentence alignment",
                    self.ns["algorithmVersion"]: ALGORITHM_VERSION,
                },
            )
            self.document.used(identifier, self.source(derivative))
            if derivative.derived_from is not None:
                self.document.used(identifier, self.source(derivative.derived_from))
        return identifier

    def _step(
        self, name: str, generated: QualifiedName, used: QualifiedName, obj: Passage | Evidence, label: str
    ) -> None:
        """An activity by the object's creator that used one entity and made another."""
        activity = self.ns[name]
        self.document.activity(activity, obj.created_at, obj.created_at, {"prov:label": label})
        self.document.used(activity, used, obj.created_at)
        self.document.wasGeneratedBy(generated, activity, obj.created_at)
        if agent := self.user(obj.created_by):
            self.document.wasAssociatedWith(activity, agent)

    def _as_cited(self, evidence: Evidence) -> _Attributes:
        """The passage's text when the evidence was cited, and what became of it since
        ("changed", "removed"), where it no longer reads so: its entity holds the text now."""
        text, since = self.cited.get(evidence.pk, ("", ""))
        if not since:
            return {}
        return {self.ns["citedText"]: text, self.ns["changedSinceCited"]: since}

    def _review(self, kind: str, obj: Claim | Evidence, identifier: QualifiedName) -> None:
        """The latest reviewer's decision on the object, an activity: who, when, with what comment."""
        decision = self.decisions.get((kind, obj.pk))
        if decision is None:
            return
        review = self.ns[f"review-{kind}-{obj.pk}"]
        attributes: _Attributes = {
            "prov:label": f"review: {decision.action}",
            self.ns["decision"]: str(decision.action),
            self.ns["comment"]: decision.comment,
        }
        self.document.activity(review, decision.at, decision.at, attributes)
        self.document.wasInfluencedBy(identifier, review)
        if agent := self.user(decision.by):
            self.document.wasAssociatedWith(review, agent)

    def claim(self, claim: Claim) -> QualifiedName:
        identifier = self.ns[f"claim-{claim.pk}"]
        self.document.entity(
            identifier,
            {
                "prov:type": self.ns["Claim"],
                "prov:value": claim.statement,
                # A number, not the Credibility member a claim not read back from the
                # database holds: PROV reads back a plain int, and must read back what it wrote.
                self.ns["credibility"]: int(claim.credibility),
                self.ns["status"]: claim.status,
                self.ns["reviewStatus"]: claim.review_status,
            },
        )
        if agent := self.user(claim.created_by):
            self.document.wasAttributedTo(identifier, agent)
        self._grading(claim, "credibility", identifier)
        self._review("claim", claim, identifier)
        evidence_list = claim.evidence.select_related(
            "created_by", "passage__created_by", "passage__source__outlet", "passage__source__captured_by"
        )
        for evidence in evidence_list:
            item = self.ns[f"evidence-{evidence.pk}"]
            attributes: _Attributes = {
                "prov:type": self.ns["Evidence"],
                self.ns["stance"]: evidence.stance,
                self.ns["grade"]: evidence.grade,
                self.ns["gradeMeaning"]: grade_meaning(evidence.grade),
                self.ns["note"]: evidence.note,
                self.ns["reviewStatus"]: evidence.review_status,
            }
            self.document.entity(item, attributes | self._as_cited(evidence))
            self._review("evidence", evidence, item)
            self._step(
                f"link-evidence-{evidence.pk}",
                item,
                self.passage(evidence.passage),
                evidence,
                "linked evidence",
            )
            self.document.wasInfluencedBy(identifier, item, None, {self.ns["stance"]: evidence.stance})
        return identifier


def source_document(source: Source, *, base_uri: str) -> ProvDocument:
    """The provenance of a source: its chain up to the original and everything derived from it."""
    builder = _ProvBuilder(base_uri)
    found = lineage(source)
    stack = list(found.descendants)
    builder.source(found.source)
    while stack:
        node = stack.pop()
        builder.source(node.source)
        stack.extend(node.children)
    return builder.document


def claim_document(
    claim: Claim,
    *,
    base_uri: str,
    cited: Mapping[int, tuple[str, str]],
    decisions: Mapping[tuple[str, int], ReviewDecision],
) -> ProvDocument:
    """A claim's full evidence trail, with the people who did each step; `cited`, each
    piece of evidence's text as cited and what became of it (archive.monitoring.changes.cited_texts);
    `decisions`, the latest reviewer's decision on the claim and on each piece of evidence, by
    (kind, id) (archive.audit.review.claim_decisions)."""
    builder = _ProvBuilder(base_uri, cited, decisions)
    builder.claim(claim)
    return builder.document


def serialize(document: ProvDocument, fmt: str) -> str:
    """PROV-JSON or PROV-N, after checking the document reads back unchanged."""
    # Without a destination, serialize() returns the text (prov types it str | None).
    as_json = cast(str, document.serialize(format="json"))
    if ProvDocument.deserialize(content=as_json, format="json") != document:
        raise ProvExportError("The PROV document does not read back as it was written.")
    return as_json if fmt == PROV_JSON else document.get_provn()
