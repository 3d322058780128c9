"""Our model <-> W3C Web Annotation JSON-LD (https://www.w3.org/TR/annotation-model/).

- A passage is a SpecificResource target on the source's text with both a
  TextQuoteSelector and a TextPositionSelector (offsets in code points); that
  text (the target's `source`) carries the source's `language` and `textDirection`.
- An annotation's text is a TextualBody; each tag a TextualBody with purpose
  "tagging"; its motivation is the W3C motivation of the same name. A TextualBody
  has a `textDirection` from its script and no `language`: nobody records the one
  it is written in, and its script does not tell (Arabic script writes Persian too).
- Evidence is an annotation with motivation "assessing" (supports, refutes)
  or "linking" (gives context), whose bodies name the claim (a SpecificResource
  with the claim's IRI as source, purpose "linking") and
  the stance (a TextualBody with purpose "classifying"); its note is a
  TextualBody with purpose "commenting".

- A client's `canonical` and `via` are kept and rendered; the `id` it posts
  becomes `via` (archive.w3c.writes), the `id` it PUTs must name the item it
  replaces (check_own_id). A TextualBody's `format`, when given,
  must be text/plain: we store plain text, and refuse any other by name.
- What would not be kept (a body's `language`, a `describing` purpose, a top-level
  extension property, a target's `purpose` or a selector's `refinedBy`) is refused
  by name, not dropped: see KEPT_KEYS and TARGET_KEYS. A target's `state` is the
  server's (the source version its selectors point into), its source's `language`
  and `textDirection` the source record's, a TextualBody's `textDirection` its
  text's: only ours, as a client that PUTs back what it got echoes them, are accepted.
- A target whose TextPositionSelector misses its TextQuoteSelector (offsets
  counted in UTF-16 units, say) is read from the quote when the quote alone is
  unique, with a note for the client (archive.passages.selectors).

`to_w3c` renders; `read_w3c` parses what a client posts into a `W3CRequest`,
checked against the source texts, raising ValidationError with the
offending key; `as_sent` names a write's refusals by the keys the client sent
too. Nothing here writes: archive.w3c.writes does.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve

from archive.alignment import Counterpart
from archive.claims import default_motivation
from archive.core.text import direction_for_text
from archive.models import Annotation, Evidence, Motivation, Passage, Reply, Source, SourceVersion, Stance
from archive.models.annotation import IRI_MAX_LENGTH
from archive.passages.selectors import TextSelector, selector_for, selector_from_quote_fallback

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
LDP_CONTEXT = "http://www.w3.org/ns/ldp.jsonld"
# Evidence motivation by stance; and the stances a motivation allows. Keyed by
# str: a stance's value (as a W3CRequest holds it) finds its Stance.
EVIDENCE_MOTIVATION: dict[str, Motivation] = {
    Stance.SUPPORTS: Motivation.ASSESSING,
    Stance.REFUTES: Motivation.ASSESSING,
    Stance.CONTEXTUALIZES: Motivation.LINKING,
}
STANCE_PURPOSE = "classifying"
TAG_PURPOSE = "tagging"
NOTE_PURPOSE = "commenting"
PLAIN_TEXT = "text/plain"


@dataclass(frozen=True)
class Links:
    """Absolute IRIs of our resources, from the site's base URL."""

    base: str  # e.g. "https://warrant.example.org", no trailing slash
    # Each source's newest version (or None), looked up once per rendering.
    _versions: dict[int, SourceVersion | None] = field(default_factory=dict, compare=False, repr=False)
    # Each source's language and direction, looked up once per rendering.
    _languages: dict[int, tuple[str, str]] = field(default_factory=dict, compare=False, repr=False)

    def newest_version(self, source_id: int) -> SourceVersion | None:
        if source_id not in self._versions:
            self._versions[source_id] = (
                SourceVersion.objects.filter(source_id=source_id)
                .select_related("workspace")
                .order_by("-number")
                .first()
            )
        return self._versions[source_id]

    def version_page(self, version: SourceVersion) -> str:
        source = f"{self.base}/w/{version.workspace.slug}/sources/{version.source_id}"
        return f"{source}/versions/{version.number}/"

    def container(self, source_id: int) -> str:
        return f"{self.base}/w3c/sources/{source_id}/"

    def annotation(self, source_id: int, annotation_id: int) -> str:
        return f"{self.container(source_id)}annotations/{annotation_id}/"

    def evidence(self, source_id: int, evidence_id: int) -> str:
        return f"{self.container(source_id)}evidence/{evidence_id}/"

    def reply(self, source_id: int, reply_id: int) -> str:
        return f"{self.container(source_id)}replies/{reply_id}/"

    def linking(self, source_id: int, passage_id: int) -> str:
        """The passage's `linking` annotation to its counterparts in related sources."""
        return f"{self.container(source_id)}passages/{passage_id}/linking/"

    def source_text(self, source_id: int) -> str:
        return f"{self.base}/api/sources/{source_id}/text/"

    def text_resource(self, source_id: int) -> dict[str, str]:
        """The source's text as a target's `source`: its IRI, the language it is in and its direction."""
        if source_id not in self._languages:
            self._languages[source_id] = Source.objects.values_list("language", "direction").get(pk=source_id)
        language, direction = self._languages[source_id]
        return {"id": self.source_text(source_id), "language": language, "textDirection": direction}

    def claim(self, claim_id: int) -> str:
        return f"{self.base}/api/claims/{claim_id}/"


def home_source_id(obj: Annotation | Evidence | Reply) -> int:
    """The source whose container names the item: its passage's (evidence), or the
    lowest source id among its passages (an annotation may be on several sources).
    An annotation whose passages change (REST, the admin) moves to the container of its
    lowest source then; its IRIs in other containers redirect to it (archive.w3c.views).
    A query may give it as `home_source_id`; else passages are expected prefetched
    (annotation) or the passage id loaded (evidence)."""
    given = getattr(obj, "home_source_id", None)
    if given is not None:
        return given
    if isinstance(obj, Evidence):
        return obj.passage.source_id
    if isinstance(obj, Reply):  # in the container of the annotation it answers
        annotation = obj.discussion.annotation
        if annotation is None:
            raise ValueError(f"reply {obj.pk} answers a claim: it is in no source's container")
        return home_source_id(annotation)
    return min(passage.source_id for passage in obj.passages.all())


def iri_of(obj: Annotation | Evidence | Reply, links: Links) -> str:
    """The item's IRI: below its container's, /w3c/sources/<id>/annotations/<id>/ (or evidence/, replies/)."""
    if isinstance(obj, Evidence):
        return links.evidence(home_source_id(obj), obj.pk)
    if isinstance(obj, Reply):
        return links.reply(home_source_id(obj), obj.pk)
    return links.annotation(home_source_id(obj), obj.pk)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _target(passage: Passage, links: Links) -> dict:
    target = _span(
        passage.source_id, passage.start, passage.end, passage.exact, passage.prefix, passage.suffix, links
    )
    state = _state(passage.source_id, links)
    if state is not None:
        target["state"] = state
    return target


def _state(source_id: int, links: Links) -> dict | None:
    """Which version of the source's text a target's selectors point into (the newest),
    and where it is kept as captured; None for a source with no recorded version."""
    version = links.newest_version(source_id)
    if version is None:
        return None
    return {
        "type": "TimeState",
        "sourceDate": _timestamp(version.captured_at),
        "cached": links.version_page(version),
    }


def _span(source_id: int, start: int, end: int, exact: str, prefix: str, suffix: str, links: Links) -> dict:
    quote = {"type": "TextQuoteSelector", "exact": exact}
    if prefix:
        quote["prefix"] = prefix
    if suffix:
        quote["suffix"] = suffix
    return {
        "type": "SpecificResource",
        "source": links.text_resource(source_id),
        "selector": [quote, {"type": "TextPositionSelector", "start": start, "end": end}],
    }


def _text_direction(value: str) -> str:
    """A TextualBody's textDirection: "rtl" when most of its letters are right to left
    (Arabic script, say); else "auto", for the client to tell from the text."""
    return "rtl" if direction_for_text(value) == "rtl" else "auto"


def _text_body(value: str, **members: str) -> dict[str, str]:
    return {"type": "TextualBody", "value": value, **members, "textDirection": _text_direction(value)}


def _one_or_list(items: list) -> object:
    return items[0] if len(items) == 1 else items


def _envelope(obj: Annotation | Evidence, iri: str, motivation: str, author: User | None) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": iri,
        "type": "Annotation",
        "motivation": motivation,
        "created": _timestamp(obj.created_at),
        "modified": _timestamp(obj.updated_at),
    }
    if obj.canonical:
        rendered["canonical"] = obj.canonical
    if obj.via:
        rendered["via"] = obj.via
    if author is not None:
        rendered["creator"] = {"type": "Person", "nickname": author.username}
    return rendered


def annotation_to_w3c(annotation: Annotation, links: Links) -> dict:
    """Expects `passages` prefetched and `author` selected."""
    bodies = [_text_body(annotation.body, format=PLAIN_TEXT)] if annotation.body else []
    bodies += [_text_body(tag, purpose=TAG_PURPOSE) for tag in annotation.tags]
    rendered = _envelope(annotation, iri_of(annotation, links), annotation.motivation, annotation.author)
    if bodies:
        rendered["body"] = _one_or_list(bodies)
    rendered["target"] = _one_or_list([_target(passage, links) for passage in annotation.passages.all()])
    return rendered


def evidence_to_w3c(evidence: Evidence, links: Links) -> dict:
    """Expects `passage` and `created_by` selected."""
    bodies = [
        {"type": "SpecificResource", "source": links.claim(evidence.claim_id), "purpose": "linking"},
        _text_body(evidence.stance, purpose=STANCE_PURPOSE),
    ]
    if evidence.note:
        bodies.append(_text_body(evidence.note, purpose=NOTE_PURPOSE))
    motivation = EVIDENCE_MOTIVATION[evidence.stance]
    rendered = _envelope(evidence, iri_of(evidence, links), motivation, evidence.created_by)
    rendered["body"] = bodies
    rendered["target"] = _target(evidence.passage, links)
    return rendered


def reply_to_w3c(reply: Reply, links: Links) -> dict[str, Any]:
    """A member's reply in a note's discussion: motivation "replying", its target the
    annotation it answers. Expects `author` and the annotation's passages loaded."""
    annotation = reply.discussion.annotation
    if annotation is None:
        raise ValueError(f"reply {reply.pk} answers a claim: it is in no source's container")
    rendered: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": iri_of(reply, links),
        "type": "Annotation",
        "motivation": "replying",
        "created": _timestamp(reply.created_at),
        "modified": _timestamp(reply.updated_at),
        "body": _text_body(reply.body, format=PLAIN_TEXT),
        "target": iri_of(annotation, links),
    }
    if reply.author is not None:
        rendered["creator"] = {"type": "Person", "nickname": reply.author.username}
    return rendered


def linking_to_w3c(
    passage: Passage, found: list[tuple[Counterpart, Source]], links: Links, modified: datetime
) -> dict:
    """A passage and its counterparts across derivations (archive.alignment) as one
    annotation with motivation "linking": its target the passage, its bodies the
    corresponding spans in the sources it derives from and in its derivatives. Computed,
    not written by anyone: its generator is the alignment, `modified` when it last ran."""
    bodies = []
    for item, source in found:
        quote = selector_for(source.text, item.start, item.end)
        body = _span(source.pk, item.start, item.end, quote.exact, quote.prefix, quote.suffix, links)
        body["purpose"] = "linking"
        bodies.append(body)
    rendered: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": links.linking(passage.source_id, passage.pk),
        "type": "Annotation",
        "motivation": "linking",
        "created": _timestamp(passage.created_at),
        "modified": _timestamp(modified),
        "generator": {"type": "Software", "name": "Warrant sentence alignment"},
        "target": _target(passage, links),
    }
    if bodies:
        rendered["body"] = _one_or_list(bodies)
    return rendered


def to_w3c(obj: Annotation | Evidence | Reply, links: Links) -> dict:
    if isinstance(obj, Reply):
        return reply_to_w3c(obj, links)
    return evidence_to_w3c(obj, links) if isinstance(obj, Evidence) else annotation_to_w3c(obj, links)


# --- reading what a client sends ------------------------------------------------


@dataclass
class W3CRequest:
    """A client's annotation, checked and ready for archive.w3c.writes."""

    motivation: str
    targets: list[tuple[Source, TextSelector]]
    body: str = ""
    tags: list[str] = field(default_factory=list)
    claim_id: int | None = None  # set: the annotation is evidence for this claim
    stance: str = ""
    note: str = ""
    canonical: str = ""  # the client's canonical IRI, kept unchanged
    via: str = ""  # the client's via IRI
    client_id: str = ""  # the id the client gave (a POST moves it to via)
    text_member: str = "body.value"  # where the client sent the text: a TextualBody's value, or bodyValue
    # Said to the client (a Warning header): e.g. a TextPositionSelector that was ignored.
    notes: list[str] = field(default_factory=list)

    @property
    def is_evidence(self) -> bool:
        return self.claim_id is not None


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


# The port a scheme implies, so that "http://host:80/" is "http://host/".
DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(iri: str) -> tuple[str, str | None, int | None] | None:
    """Scheme, host and port of an absolute IRI (None for a relative one or a bad port)."""
    parts = urlsplit(iri)
    try:
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, port or DEFAULT_PORTS.get(scheme)


def is_ours(iri: object, links: Links) -> bool:
    """Whether `iri` is one of this server's, as it gives them: absolute, on its host,
    without query or fragment. A relative IRI, or another server's with our path, names
    nothing here (it would be rewritten to ours, not kept)."""
    if not isinstance(iri, str):
        return False
    parts = urlsplit(iri)
    return _origin(iri) == _origin(links.base) and not parts.query and not parts.fragment


def _route_of(iri: object, name: str, links: Links) -> int | None:
    """The id in one of our IRIs (is_ours) for the URL named `name`, else None."""
    if not isinstance(iri, str) or not is_ours(iri, links):
        return None
    try:
        match = resolve(urlsplit(iri).path)
    except Resolver404:
        return None
    return match.kwargs.get("pk") if match.view_name == name else None


# The routes that name an annotation, and evidence: below a container, and the older IRIs.
ITEM_ROUTES = {Annotation: ("w3c:item", "w3c:annotation"), Evidence: ("w3c:evidence-item", "w3c:evidence")}


def check_own_id(request: "W3CRequest", obj: Annotation | Evidence, links: Links) -> None:
    """A PUT replaces the item at its IRI: an `id` in its body (one is optional) must name
    that item, at any of its IRIs (the older ones, or a container it moved from). Another
    annotation's IRI, or anyone else's, is refused rather than ignored."""
    if not request.client_id:
        return
    if any(_route_of(request.client_id, name, links) == obj.pk for name in ITEM_ROUTES[type(obj)]):
        return
    raise ValidationError(
        {
            "id": f"This replaces {iri_of(obj, links)}, so its id is that IRI: another annotation's, "
            "or another server's, is not this one. Send the id as the server gave it, or leave it out."
        }
    )


def _claim_named(body: object, links: Links) -> int | None:
    """The claim a body names: its IRI, as the body or the body's id or source."""
    if isinstance(body, dict):
        return _route_of(body.get("source"), "api:claim-detail", links) or _route_of(
            body.get("id"), "api:claim-detail", links
        )
    return _route_of(body, "api:claim-detail", links)


def read_w3c(data: object, *, source_for: Callable[[int], Source | None], links: Links) -> W3CRequest:
    """Parse and check a W3C annotation. `source_for(id)` gives a source the
    client may target (None for any other); `links` the IRIs we render, which a
    target's `state` must be to be accepted."""
    if not isinstance(data, dict):
        raise ValidationError({"annotation": "Send one annotation as a JSON object."})
    _refuse_unkept(data, KEPT_KEYS | SERVER_KEYS)
    if ANNO_CONTEXT not in _as_list(data.get("@context")):
        raise ValidationError({"@context": f"The @context must include {ANNO_CONTEXT}."})
    if "Annotation" not in _as_list(data.get("type")):
        raise ValidationError({"type": 'The type must be "Annotation".'})
    if "body" in data and "bodyValue" in data:
        raise ValidationError({"body": "Give body or bodyValue, not both."})
    notes: list[str] = []
    request = W3CRequest(
        motivation="", targets=_read_targets(data.get("target"), source_for, links, notes), notes=notes
    )
    request.canonical, request.via, request.client_id = (
        _read_iri(data, "canonical"),
        _read_iri(data, "via"),
        _read_iri(data, "id"),
    )
    _read_bodies(data, request, links)
    request.motivation = _read_motivation(data.get("motivation"), request)
    if request.is_evidence and len(request.targets) != 1:
        raise ValidationError({"target": "Evidence cites exactly one passage."})
    return request


# What read_w3c keeps of an annotation, and what we set ourselves (a client that PUTs
# back what it got sends them; ours replace them). Anything else would be lost: refused.
KEPT_KEYS = frozenset(
    {"@context", "id", "type", "motivation", "body", "bodyValue", "target", "canonical", "via"}
)
SERVER_KEYS = frozenset({"created", "modified", "creator"})
TEXT_BODY_KEYS = frozenset({"type", "value", "format", "purpose", "textDirection"})
CLAIM_BODY_KEYS = frozenset({"type", "id", "source", "purpose"})
# What a target keeps: its source and selectors (a SpecificResource's purpose, styleClass,
# renderedVia, scope or id would be lost); its state is the server's (_read_state).
TARGET_KEYS = frozenset({"type", "source", "selector", "state"})
# A target's source as an object: its IRI, and the source's language and direction (_read_described).
SOURCE_KEYS = frozenset({"id", "language", "textDirection"})
SELECTOR_KEYS = {
    "TextQuoteSelector": frozenset({"type", "exact", "prefix", "suffix"}),
    "TextPositionSelector": frozenset({"type", "start", "end"}),
}
# A TextualBody's purposes: no purpose or "commenting" is the text (an annotation's
# text, evidence's note); "tagging" a tag; "classifying" evidence's stance.
TEXT_PURPOSES = frozenset({NOTE_PURPOSE, TAG_PURPOSE, STANCE_PURPOSE})


def _refuse_unkept(data: dict, kept: frozenset[str], where: str = "", *, under: str = "") -> None:
    """Refuse, by name, the properties of `data` that are not `kept`: stored
    without them, the annotation read back would silently differ from the one sent.
    Each is its own field (prefixed with `under`, e.g. "target."), or with `where`
    all are named in one message under that field."""
    unkept = sorted(set(data) - kept)
    if not unkept:
        return
    if where:
        names = ", ".join(repr(name) for name in unkept)
        raise ValidationError({where: f"Not kept here, so refused rather than lost: {names}. Leave it out."})
    raise ValidationError(
        {f"{under}{name}": "Not kept here, so refused rather than lost. Leave it out." for name in unkept}
    )


def _read_iri(data: dict, key: str) -> str:
    """One absolute IRI under `key` (a list of one is accepted), or "" if absent."""
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if (
        not isinstance(value, str)
        or not urlsplit(value).scheme
        or len(value) > IRI_MAX_LENGTH
        or any(char.isspace() for char in value)
    ):
        raise ValidationError(
            {key: f"The {key} must be one absolute IRI of at most {IRI_MAX_LENGTH} characters."}
        )
    return value


def _read_format(body: dict) -> None:
    """We store plain text: a TextualBody in any other format is refused by name."""
    if "format" in body and body["format"] != PLAIN_TEXT:
        raise ValidationError(
            {
                "body": f"Bodies are stored as plain text: format {body['format']!r} is not supported; "
                f'send "{PLAIN_TEXT}" or leave format out.'
            }
        )


def _read_motivation(value: object, request: W3CRequest) -> str:
    motivations = _as_list(value) if value is not None else []
    if len(motivations) > 1 or not all(isinstance(item, str) for item in motivations):
        raise ValidationError({"motivation": "Give one motivation."})
    motivation = motivations[0].removeprefix("oa:") if motivations else None
    if request.is_evidence:
        expected = EVIDENCE_MOTIVATION[request.stance]
        if motivation not in (None, expected):
            raise ValidationError({"motivation": f'Evidence that {request.stance} a claim is "{expected}".'})
        return expected
    if motivation is None:
        return default_motivation(request.body)
    if motivation not in Motivation.values:
        raise ValidationError({"motivation": f"Unknown motivation {motivation!r}."})
    return motivation


def _read_claim_body(body: dict) -> None:
    """A body naming a claim is kept as the claim's IRI, rendered as a linking SpecificResource."""
    _refuse_unkept(body, CLAIM_BODY_KEYS, "body")
    if body.get("type", "SpecificResource") != "SpecificResource":
        raise ValidationError({"body": 'A body naming a claim is a "SpecificResource".'})
    if body.get("purpose", "linking") != "linking":
        raise ValidationError({"body": 'A body naming a claim has the purpose "linking".'})


def _read_text_body(body: dict) -> None:
    _refuse_unkept(body, TEXT_BODY_KEYS, "body")
    if body.get("type", "TextualBody") != "TextualBody":
        raise ValidationError({"body": 'A body with a value is a "TextualBody".'})
    ours = _text_direction(body["value"])
    if body.get("textDirection", ours) != ours:
        raise ValidationError(
            {
                "body": f"'textDirection' is told from a TextualBody's text, {ours!r} here, so "
                "another is not kept: leave it out, or send it as the server gave it."
            }
        )
    purpose = body.get("purpose")
    if not (purpose is None or (isinstance(purpose, str) and purpose in TEXT_PURPOSES)):
        raise ValidationError(
            {
                "body": f"Purpose {purpose!r} is not kept: a TextualBody's purpose is "
                f'"{NOTE_PURPOSE}" or none (the text), "{TAG_PURPOSE}" or "{STANCE_PURPOSE}".'
            }
        )


def _read_bodies(data: dict, request: W3CRequest, links: Links) -> None:
    if isinstance(data.get("bodyValue"), str):
        request.body, request.text_member = data["bodyValue"], "bodyValue"
        return
    if "bodyValue" in data:
        raise ValidationError({"bodyValue": "bodyValue must be text."})
    texts = []
    for body in _as_list(data["body"]) if "body" in data else []:
        claim_id = _claim_named(body, links)
        if claim_id is not None:
            if request.claim_id is not None:
                raise ValidationError({"body": "Name one claim."})
            if isinstance(body, dict):
                _read_claim_body(body)
            request.claim_id = claim_id
        elif isinstance(body, dict) and isinstance(body.get("value"), str):
            _read_format(body)
            _read_text_body(body)
            purpose = body.get("purpose")
            if purpose == TAG_PURPOSE and body["value"].strip():
                request.tags.append(body["value"])
            elif purpose == STANCE_PURPOSE:
                if body["value"] not in Stance.values:
                    stances = ", ".join(f'"{stance}"' for stance in Stance.values)
                    raise ValidationError(
                        {
                            "body": f"{body['value']!r} is not a stance: a TextualBody with purpose "
                            f'"{STANCE_PURPOSE}" says {stances}.'
                        }
                    )
                request.stance = body["value"]
            else:
                texts.append(body["value"])
        else:
            raise ValidationError(
                {"body": "Bodies are TextualBody objects, or the IRI of a claim of this workspace."}
            )
    if len(texts) > 1:
        raise ValidationError({"body": "Give at most one TextualBody besides tags."})
    text = texts[0] if texts else ""
    if request.is_evidence:
        if not request.stance:
            raise ValidationError(
                {"body": 'Evidence needs a stance: a TextualBody with purpose "classifying".'}
            )
        if request.tags:
            raise ValidationError({"body": "Evidence has no tags."})
        request.note = text
    else:
        if request.stance:
            raise ValidationError({"body": "A stance needs the claim it is about."})
        request.body = text


# The member of a W3C annotation that holds each field a write may refuse, where the
# names differ, so that a refusal names what the client sent: a TextualBody's value
# holds the text (or bodyValue: W3CRequest.text_member), a note, a stance and each tag.
MEMBERS = {
    "body": "body.value",
    "note": "body.value",
    "stance": "body.value",
    "tags": "body.value",
    "claim": "body",
    "passage": "target",
    "passages": "target",
}


def as_sent(error: ValidationError, request: W3CRequest, *, via: str = "via") -> ValidationError:
    """A write's refusal of `request` (errors by field) by the members the client sent;
    `via`: the member our via came from (a POST's `id`, when it gives one)."""
    members = MEMBERS | {"body": request.text_member, "via": via}
    renamed: dict[str, list[ValidationError]] = {}
    for name, errors in error.error_dict.items():
        renamed.setdefault(members.get(name, name), []).extend(errors)
    return ValidationError(renamed)


def _read_targets(
    value: object, source_for: Callable[[int], Source | None], links: Links, notes: list[str]
) -> list[tuple[Source, TextSelector]]:
    if value is None or value == []:
        raise ValidationError({"target": "An annotation needs a target."})
    targets = _as_list(value)
    if len(targets) == 1:
        return [_read_target(targets[0], source_for, links, notes)]
    read = []
    for position, target in enumerate(targets):
        try:
            read.append(_read_target(target, source_for, links, notes))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            # Of several targets, name the one refused by its position, as JSON counts: target[1].
            raise ValidationError(
                {
                    name.replace("target", f"target[{position}]", 1): errors
                    for name, errors in error.error_dict.items()
                }
            ) from None
    return read


def _read_target(
    target: object, source_for: Callable[[int], Source | None], links: Links, notes: list[str]
) -> tuple[Source, TextSelector]:
    if not isinstance(target, dict):
        raise ValidationError(
            {"target": "Each target is a SpecificResource with selectors on a source's text."}
        )
    _refuse_unkept(target, TARGET_KEYS, under="target.")
    if target.get("type", "SpecificResource") != "SpecificResource":
        raise ValidationError(
            {"target": 'A target is a "SpecificResource" with selectors on a source\'s text.'}
        )
    for selector in _as_list(target.get("selector")):
        # Other types are refused by archive.passages.selectors; these would lose what they do not keep.
        if isinstance(selector, dict) and selector.get("type") in SELECTOR_KEYS:
            _refuse_unkept(selector, SELECTOR_KEYS[selector["type"]], under="target.selector.")
    given = target.get("source")
    if isinstance(given, dict):
        _refuse_unkept(given, SOURCE_KEYS, under="target.source.")
    iri = given.get("id") if isinstance(given, dict) else given
    if isinstance(iri, str) and not is_ours(iri, links):
        raise ValidationError(
            {
                "target.source": "A target's source is a source's text by its IRI on this server, "
                f"{links.base}/api/sources/<id>/text/: a relative IRI, another server's, or one with "
                "a query or fragment is not this one. Send the IRI as the server gave it."
            }
        )
    source_id = _route_of(iri, "api:source-text", links) or _route_of(iri, "api:source-detail", links)
    source = source_for(source_id) if source_id is not None else None
    if source is None:
        raise ValidationError({"target": "A target's source must be the text of a source in this workspace."})
    _read_state(target, source, links)
    _read_described(given, source)
    try:
        selector, note = selector_from_quote_fallback(source.text, target)
    except ValidationError as error:
        raise ValidationError({"target": error.messages}) from None
    if note:
        notes.append(note)
    return source, selector


def _same_language_tag(given: object, ours: str) -> bool:
    """Whether `given` is the BCP 47 tag `ours`: tags are compared without regard to case
    ("AR" is "ar", "En-gb" is "en-GB"), and a tag's letters are ASCII."""
    return isinstance(given, str) and given.isascii() and given.lower() == ours.lower()


def _read_described(given: object, source: Source) -> None:
    """A target's source's language and direction are the source record's: as the server
    renders them they are accepted (a client PUTs back what it got; the language in any
    case, as BCP 47 has it); others would be lost."""
    if not isinstance(given, dict):
        return
    for member, ours in (("language", source.language), ("textDirection", source.direction)):
        value = given.get(member, ours)
        if not (_same_language_tag(value, ours) if member == "language" else value == ours):
            raise ValidationError(
                {
                    f"target.source.{member}": f"The source's record gives its {member}, {ours!r}, so "
                    "another is not kept: leave it out, or send it as the server gave it (an admin "
                    "corrects the record on the source's page)."
                }
            )


def _read_state(target: dict, source: Source, links: Links) -> None:
    """A target's state is the server's: the version of the source's text its selectors
    point into, which we record and render ourselves. The state we would render is
    accepted (a client PUTs back what it got); any other would be replaced: refused."""
    if "state" not in target:
        return
    ours = _state(source.pk, links)
    if target["state"] == ours:
        return
    if ours is None:
        now = "this source has no recorded version, so its targets have no state"
    else:
        now = f"now the version recorded {ours['sourceDate']}, {ours['cached']}"
    raise ValidationError(
        {
            "target.state": "The server records the state itself: the version of the source's text "
            f"the selectors point into ({now}). Leave state out, or send it exactly as the server gave it."
        }
    )
