"""The reading page's sidebar items as HTML.

Rendered in Python rather than with a template include per item: a source
with thousands of annotations must still be served in well under 300 ms, and
Django's template engine costs about a third of a millisecond per item. The
page and the JSON endpoints (which send an item after every change) both use
`render_item`, so the two never differ.
"""

from html import escape  # the stdlib one: Django's checks every argument for lazy strings, too slow here
from typing import cast

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from archive.audit.kinds import KINDS, REVIEWED
from archive.core.graphemes import shorten
from archive.core.times import human_time
from archive.models import AnchorStatus, Annotation, Evidence, Motivation, Passage, ReviewStatus
from archive.models.discussion import MAX_REPLY_LENGTH
from archive.models.grading import grade_meaning
from archive.reading.kinds import LABELS
from archive.reading.page import ReadingItem, Row, Thread, ThreadReply

QUOTE_LENGTH = 160
CLAIM_LENGTH = 140


class ItemLinks:
    """The URLs items link to, reversed once per page instead of once per item."""

    _PLACEHOLDER = 987654321
    _KIND = "kindplaceholder"

    def __init__(self, slug: str, *, csrf_token: str = "", language: str = ""):
        # Forms in items (submit for review) post with the page's CSRF token.
        self.csrf_token = csrf_token
        # The source's language, which its quotes are in: a screen reader reads them in it.
        self.language = language
        self._patterns = {
            name: self._split(reverse(f"archive:{name}", args=[slug, self._PLACEHOLDER]))
            for name in ("annotation", "evidence", "claim")
        }
        self._patterns["source"] = self._split(reverse("archive:source", args=[slug, self._PLACEHOLDER]))
        # Per kind of item (named as archive.audit.kinds names them), filled in per item.
        self._submit_pattern = self._split(
            reverse("archive:submit_for_review", args=[slug, self._KIND, self._PLACEHOLDER])
        )
        self._discussion_patterns = {
            name: self._split(
                reverse(f"archive:discussion_{name}", args=[slug, "annotation", self._PLACEHOLDER])
            )
            for name in ("reply", "resolve")
        }
        # Per reply: changing one's words, deleting a reply.
        self._reply_patterns = {
            name: self._split(reverse(f"archive:discussion_reply_{name}", args=[slug, self._PLACEHOLDER]))
            for name in ("edit", "delete")
        }
        self._history_pattern = self._split(
            reverse("archive:object_history", args=[slug, self._KIND, self._PLACEHOLDER])
        )

    @classmethod
    def _split(cls, url: str) -> tuple[str, str]:
        prefix, suffix = url.rsplit(str(cls._PLACEHOLDER), 1)
        return prefix, suffix

    def url(self, name: str, pk: int) -> str:
        prefix, suffix = self._patterns[name]
        return f"{prefix}{pk}{suffix}"

    def submit_url(self, kind: str, pk: int) -> str:
        if kind not in REVIEWED:
            raise KeyError(f"{kind!r} is not reviewed")
        prefix, suffix = self._submit_pattern
        return f"{prefix.replace(self._KIND, kind)}{pk}{suffix}"

    def discussion_url(self, action: str, pk: int) -> str:
        """Where to post a reply to ("reply") or resolve ("resolve") an annotation's discussion."""
        prefix, suffix = self._discussion_patterns[action]
        return f"{prefix}{pk}{suffix}"

    def reply_url(self, action: str, pk: int) -> str:
        """Where to post the change ("edit") or the deletion ("delete") of reply `pk`."""
        prefix, suffix = self._reply_patterns[action]
        return f"{prefix}{pk}{suffix}"

    def history_url(self, kind: str, pk: int) -> str:
        if kind not in KINDS:
            raise KeyError(f"{kind!r} is not a kind of tracked object")
        prefix, suffix = self._history_pattern
        return f"{prefix.replace(self._KIND, kind)}{pk}{suffix}"


def _history_link(item: ReadingItem, links: ItemLinks) -> str:
    return f'<a href="{links.history_url(item.kind, item.obj.pk)}" class="history-link">history</a>'


def _meta(item: ReadingItem, links: ItemLinks) -> str:
    when = human_time(item.obj.updated_at)
    return (
        f'<p class="meta">{status_badge(item.review_status)} {escape(item.person)} · {when}'
        # Named by its kind: beside the source's "this is version 2", a bare "version 1" reads
        # as the source's.
        f" · {item.kind} version {item.obj.version} · {_history_link(item, links)}</p>{_review(item, links)}"
    )


def status_badge(status: str) -> str:
    """The review status in words (not only a colour), e.g. "rejected"."""
    if not status:
        return ""
    label = escape(ReviewStatus(status).label)
    return f'<span class="status status-{status}" title="Review status">{label}</span>'


def _review(item: ReadingItem, links: ItemLinks) -> str:
    """The reviewer's comment on a rejected item, and the form that submits it (again)."""
    html = ""
    if item.review_comment:
        html += (
            '<p class="review-comment"><strong>Reviewer\u2019s comment:</strong> '
            f'<span dir="auto">{escape(item.review_comment)}</span></p>'
        )
    if item.can_edit and item.review_status in (ReviewStatus.DRAFT, ReviewStatus.REJECTED):
        again = " again" if item.review_status == ReviewStatus.REJECTED else ""
        back = f"{links.url('source', item.passage.source_id)}#{item.dom_id}"
        html += (
            f'<form method="post" action="{links.submit_url(item.kind, item.obj.pk)}" class="submit-form">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(links.csrf_token)}">'
            f'<input type="hidden" name="version" value="{item.obj.version}">'
            f'<input type="hidden" name="next" value="{escape(back)}">'
            f'<button type="submit" class="small" aria-describedby="{item.dom_id}-quote">'
            f"Submit{again} for review</button></form>"
        )
    return html


def _form(action: str, fields: dict[str, object], links: ItemLinks, inner: str, css: str) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{escape(str(value))}">'
        for name, value in {"csrfmiddlewaretoken": links.csrf_token, **fields}.items()
    )
    return f'<form method="post" action="{action}" class="{css}">{hidden}{inner}</form>'


def _thread(item: ReadingItem, thread: Thread, links: ItemLinks) -> str:
    """The replies under an annotation, the form to reply and the one to resolve (or reopen) it."""
    pk = item.obj.pk
    back = f"{links.url('source', item.passage.source_id)}#{item.dom_id}"
    count = len(thread.replies)
    label = f"{count} repl{'y' if count == 1 else 'ies'}" if count else "No replies yet"
    state = ""
    if thread.resolved:
        when = human_time(thread.resolved_at) if thread.resolved_at else ""
        state = (
            f'<span class="status status-resolved">resolved</span> '
            f'<span class="meta">by {escape(thread.resolved_by)} · {when}</span>'
        )
    heading = f"discussion-{item.dom_id}"
    html = f'<p class="discussion-heading"><strong id="{heading}">Discussion</strong> · {label} {state}</p>'
    if thread.replies:
        html += (
            '<ol class="replies">'
            + "".join(
                f'<li class="reply"><p class="meta">{escape(r.person)} · {human_time(r.created_at)}</p>'
                f'<div class="reply-body" dir="auto">{escape(r.body)}</div>'
                f"{_reply_changes(item, r, links, back)}</li>"
                for r in thread.replies
            )
            + "</ol>"
        )
    if thread.can_reply:
        field_id = f"reply-{item.dom_id}"
        inner = (
            f'<label for="{field_id}">Your reply</label>'
            f'<textarea id="{field_id}" name="body" rows="3" required dir="auto" '
            f'maxlength="{MAX_REPLY_LENGTH}"></textarea>'
            '<button type="submit" class="small">Post reply</button>'
        )
        form = _form(links.discussion_url("reply", pk), {"next": back}, links, inner, "reply-form")
        html += f'<details class="reply-details"><summary>Reply</summary>{form}</details>'
    if thread.can_resolve and thread.version is not None:
        resolved = "0" if thread.resolved else "1"
        text = "Reopen discussion" if thread.resolved else "Resolve discussion"
        fields = {"next": back, "version": thread.version, "resolved": resolved}
        button = f'<button type="submit" class="small">{text}</button>'
        html += _form(links.discussion_url("resolve", pk), fields, links, button, "resolve-form")
    # Named by its quote too: a page of items has one such region each, told apart by name.
    named_by = f"{heading} {item.dom_id}-quote"
    return f'<section class="discussion" aria-labelledby="{named_by}">{html}</section>'


def _reply_changes(item: ReadingItem, reply: ThreadReply, links: ItemLinks, back: str) -> str:
    """The forms to change the words of a reply and to delete it, for a reader who may."""
    field_id = f"{item.dom_id}-reply-{reply.pk}"
    html = ""
    if reply.can_edit:
        inner = (
            f'<label for="{field_id}-body">Corrected reply</label>'
            f'<textarea id="{field_id}-body" name="body" rows="3" required dir="auto" '
            f'maxlength="{MAX_REPLY_LENGTH}">'
            f"{escape(reply.body)}</textarea>"
            '<button type="submit" class="small">Save reply</button>'
        )
        fields = {"next": back, "version": reply.version}
        form = _form(links.reply_url("edit", reply.pk), fields, links, inner, "reply-form")
        html += f'<details class="reply-change"><summary>Edit reply</summary>{form}</details>'
    if reply.can_delete:
        inner = (
            f'<label for="{field_id}-reason">Why delete it (kept in the history)</label>'
            f'<textarea id="{field_id}-reason" name="reason" rows="2" required dir="auto"></textarea>'
            '<button type="submit" class="small danger">Delete reply</button>'
        )
        form = _form(links.reply_url("delete", reply.pk), {"next": back}, links, inner, "reply-form")
        html += f'<details class="reply-change"><summary>Delete reply</summary>{form}</details>'
    return html


def _tags(tags: list[str]) -> str:
    """The tags, each a button that narrows the sidebar to the items tagged so (js/filters.js)."""
    if not tags:
        return ""
    return (
        '<ul class="tags" aria-label="Tags">'
        + "".join(
            f'<li><button type="button" class="tag" data-filter-tag="{escape(tag)}" dir="auto"'
            f' title="Show only items with this tag">{escape(tag)}</button></li>'
            for tag in tags
        )
        + "</ul>"
    )


def _label(item: ReadingItem, content: str) -> str:
    """The item's kind in words (the colour is a second cue); its highlight is described by it."""
    kind = item.role
    return (
        f'<p class="item-label" id="label-{item.dom_id}">'
        f'<span class="role role-{kind}">{LABELS[kind]}</span> {content}</p>'
    )


def _body(item: ReadingItem, text: str) -> str:
    # The sidebar keeps line breaks with white-space: pre-wrap.
    if not text:
        return ""
    return f'<div class="item-body" id="body-{item.dom_id}" dir="auto">{escape(text)}</div>'


def _annotation_parts(item: ReadingItem, links: ItemLinks) -> tuple[dict, str]:
    annotation = cast(Annotation | Row, item.obj)  # item.kind == "annotation"
    # The editor reads body and tags back from the rendered item; only the choice needs its value.
    data = {"motivation": annotation.motivation}
    motivation = Motivation(annotation.motivation).label
    # The motivation is named where the kind alone does not say it (an assessment is shown as a note).
    named = ""
    if motivation.lower() != LABELS[item.role]:
        named = f'<span class="meta">{escape(motivation)}</span>'
    html = f"{_label(item, named)}{_body(item, annotation.body)}{_tags(annotation.tags)}{_meta(item, links)}"
    return data, html


def _grade_said(grade: str) -> str:
    """The Admiralty code with its meaning on the card ("B2 · outlet: usually reliable; claim:
    probably true"), not in a title that touch screens cannot open."""
    return (
        f'<span class="grade-said"><span class="grade">{escape(grade)}</span> · '
        f"{escape(grade_meaning(grade))}</span>"
    )


def _evidence_parts(item: ReadingItem, links: ItemLinks) -> tuple[dict, str]:
    evidence = cast(Evidence | Row, item.obj)  # item.kind == "evidence"
    data = {"stance": evidence.stance}
    claim_url = links.url("claim", evidence.claim_id)
    statement = escape(shorten(evidence.claim.statement, CLAIM_LENGTH))
    claim = f'<a href="{claim_url}" dir="auto">{statement}</a> {_grade_said(item.grade)}'
    html = f"{_label(item, claim)}{_body(item, evidence.note)}{_meta(item, links)}"
    return data, html


def _passage_parts(item: ReadingItem, links: ItemLinks) -> tuple[dict, str]:
    passage = cast(Passage | Row, item.obj)  # item.kind == "passage"
    status = escape(AnchorStatus(passage.anchor_status).label)
    who = escape(item.person)
    return {}, _label(item, f'<span class="meta">{status} · {who} · {_history_link(item, links)}</span>')


def _across(item: ReadingItem) -> str:
    """The passage's counterparts in the sources it derives from and in its derivatives,
    each in its own language and direction, with a link to the two texts side by side."""
    if not item.across:
        return ""
    lines = "".join(
        f'<li class="counterpart"><span class="meta">{escape(across.label)} '
        f"(<bdi>{escape(shorten(across.source.title, 60))}</bdi>):</span> "
        f'<q lang="{escape(across.source.language)}" dir="{escape(across.source.direction)}"><bdi>'
        f"{escape(shorten(across.counterpart.exact, QUOTE_LENGTH))}</bdi></q> "
        f'<a href="{escape(across.url)}" class="small-link">side by side</a></li>'
        for across in item.across
    )
    return f'<ul class="across" aria-label="The same passage in related sources">{lines}</ul>'


def render_item(item: ReadingItem, links: ItemLinks) -> SafeString:
    """One <li> of the sidebar; its data-* attributes and text feed the inline editor."""
    if item.kind == "annotation":
        data, content = _annotation_parts(item, links)
    elif item.kind == "evidence":
        data, content = _evidence_parts(item, links)
    else:
        data, content = _passage_parts(item, links)
    passage = item.passage
    attributes = {
        "id": item.dom_id,
        "class": f"item item-{item.role}",
        "data-item": item.dom_id,
        "data-kind": item.kind,
        "data-passage": passage.pk,
        "data-start": passage.start,
        "data-version": item.obj.version,
        # What the sidebar's filters narrow by (js/filters.js); tags are read from the tag buttons.
        "data-person": item.person,
        **({"data-status": item.review_status} if item.review_status else {}),
        **({"data-url": links.url(item.kind, item.obj.pk)} if item.can_edit else {}),
        **{f"data-{name}": value for name, value in data.items()},
    }
    opening = " ".join(f'{name}="{escape(str(value))}"' for name, value in attributes.items())
    in_language = f' lang="{escape(links.language)}"' if links.language else ""
    # The quote describes the item's buttons: a screen reader's list of buttons otherwise
    # holds many alike ("Edit", "Delete"), without saying which item each acts on.
    quote = (
        f'<a class="item-quote" id="{item.dom_id}-quote" href="#passage-{passage.pk}" '
        f'data-goto-passage="{passage.pk}">'
        f"<q{in_language}><bdi>{escape(shorten(passage.exact, QUOTE_LENGTH))}</bdi></q></a>"
    )
    described = f'aria-describedby="{item.dom_id}-quote"'
    actions = (
        f'<p class="item-actions"><button type="button" class="small" data-action="edit" {described}>'
        f"Edit</button> "
        f'<button type="button" class="small danger" data-action="delete" {described}>Delete</button></p>'
        if item.can_edit
        else ""
    )
    thread = _thread(item, item.thread, links) if item.thread is not None else ""
    across = _across(item)
    return mark_safe(f"<li {opening}>{quote}{across}{content}{actions}{thread}</li>")  # noqa: S308 (all text escaped above)  # nosec B308, B703


def render_items(items: list[ReadingItem], links: ItemLinks) -> SafeString:
    return mark_safe("".join(render_item(item, links) for item in items))  # noqa: S308 (each item is safe)  # nosec B308, B703
