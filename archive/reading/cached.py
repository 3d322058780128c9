"""The reading page's highlighted text and sidebar, rendered once per state of
the workspace and kept, as UTF-8, in the "reading" cache.

Rendering a long source with thousands of passages costs far more than
serving it, and most views see the same state: the text with its highlights
depends only on the source and its passages, notes and evidence; the sidebar
on those and on who is reading (what they may edit, resolve or submit). Both
are kept under the workspace's ledger head (archive.audit.ledger.chain_head),
which moves in the same transaction as every change to a tracked object of the
workspace, so no change can be served stale; the sidebar also under the
reader and their role, so no one sees another's buttons or review comments.
The workspace's tags (the note form's suggestions), the source's versions, the
counts of passages to confirm and the reader's count of drafts on the source
are read from the same rows (all tracked) and kept beside them. Keys also
name the version of the code (CODE_VERSION), which a deployment changes.
The forms in the sidebar get the request's CSRF token where the cached copy
is cut. Usernames are not tracked: a renamed user shows under the old name
until anything in the workspace changes.

The page's template renders only markers where these parts go, and the
parts are spliced in as bytes: passing megabytes of text through the
template's nested blocks (each joins its content again) and encoding them
per request cost more than everything else on the page.
"""

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe

from archive.audit.ledger import chain_head
from archive.audit.review import count_my_drafts_on
from archive.models import Source
from archive.monitoring.changes import timeline
from archive.passages.confirming import ReviewCounts
from archive.reading.items import ItemLinks, render_items
from archive.reading.page import build_reading, workspace_tags
from archive.reading.side_by_side import with_across
from archive.sources.versions import VersionEntry, version_entries

CACHE = "reading"
# Entries are HTML this code made and objects it pickled: a shared cache (Redis)
# outlives a deployment, so each version of the code keys its own.
CODE_VERSION = hashlib.sha256(
    b"".join(path.read_bytes() for path in sorted(Path(__file__).parents[1].rglob("*.py")))
).hexdigest()[:16]
# Where a form's token goes; user text is escaped, so it never holds a `"`.
_CSRF_SLOT = "csrf-slot"
_CSRF_INPUT = 'name="csrfmiddlewaretoken" value="{}"'
# Per process and unguessable, so that no text on the page can pass for one.
_MARKER = f"<!--reading-{secrets.token_hex(16)}-{{}}-->"


def _marker(name: str) -> SafeString:
    return mark_safe(_MARKER.format(name))  # noqa: S308 (no user input)  # nosec B308, B703


def _split_at_token(html: str) -> tuple[bytes, ...]:
    return tuple(part.encode() for part in html.split(_CSRF_INPUT.format(_CSRF_SLOT)))


@dataclass(frozen=True)
class RenderedReading:
    """The parts of the reading page that grow with the source, as the template places them.

    `text_html`, `items_html` and `orphaned_html` are markers for the template;
    `page()` puts the parts in their place.
    """

    text: bytes
    workspace_tags: list[str]  # archive.reading.page.workspace_tags
    review: ReviewCounts  # the passages re-anchoring left to confirm, and the orphaned
    versions: list[VersionEntry]  # archive.monitoring.changes.timeline, with how each came in
    items: tuple[bytes, ...]  # cut where each form's CSRF token goes
    orphaned: tuple[bytes, ...]
    item_count: int
    my_drafts: int  # archive.audit.review.count_my_drafts_on

    @property
    def text_html(self) -> SafeString:
        return _marker("text")

    @property
    def items_html(self) -> SafeString:
        return _marker("items")

    @property
    def orphaned_html(self) -> SafeString:
        return _marker("orphaned")

    @property
    def has_orphans(self) -> bool:
        return self.orphaned != (b"",)

    def page(self, rendered: str, *, csrf_token: str) -> bytes:
        """The page `rendered` from the template, encoded, with the parts where their markers are."""
        token = _CSRF_INPUT.format(csrf_token).encode()
        # In the order the template places them.
        parts = {"text": [self.text], "items": self.items, "orphaned": self.orphaned}
        pieces: list[bytes] = []
        for name, part in parts.items():
            marker = _MARKER.format(name)
            if marker in rendered:
                before, rendered = rendered.split(marker, 1)
                pieces.append(before.encode())
                for index, chunk in enumerate(part):  # one join for the page: megabytes copied once
                    pieces += [token, chunk] if index else [chunk]
        pieces.append(rendered.encode())
        return b"".join(pieces)


def rendered_reading(
    source: Source, *, user, user_role: str | None, slug: str, aligned: bool
) -> RenderedReading:
    """The source's highlighted text and sidebar items as `user` (in `user_role`) sees them now,
    with what else on the page is read from the workspace's rows: the workspace's tags and the
    reader's drafts on the source.

    `aligned`: the source derives from another or has derivatives, so each
    item shows its passage's counterparts.
    """
    state = (
        f"{CODE_VERSION}:{source.pk}:{source.version}:{source.text_sha256}:{chain_head(source.workspace_id)}"
    )
    text_key = f"text:{state}"
    items_key = f"items:{state}:{user.pk}:{user_role}:{int(aligned)}"
    cache = caches[CACHE]
    found = cache.get_many([text_key, items_key])
    if len(found) == 2:
        return RenderedReading(*found[text_key], *found[items_key])
    reading = build_reading(source, user=user, user_role=user_role)
    if aligned:
        with_across(reading.items, source=source, slug=slug)
    links = ItemLinks(slug, csrf_token=_CSRF_SLOT, language=source.language)
    text, tags = reading.text_html.encode(), workspace_tags(source.workspace_id)
    review, versions = ReviewCounts.of(reading.anchor_statuses), version_entries(source, timeline(source))
    items = _split_at_token(render_items(reading.items, links))
    orphaned = _split_at_token(render_items(reading.orphaned_items, links))
    drafts = count_my_drafts_on(source=source, user=user)
    cache.set_many(
        {text_key: (text, tags, review, versions), items_key: (items, orphaned, len(reading.items), drafts)}
    )
    return RenderedReading(text, tags, review, versions, items, orphaned, len(reading.items), drafts)
