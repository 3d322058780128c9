import datetime

from archive.history import recorded_as
from archive.models import Derivation, Outlet, Source, Workspace
from archive.storage import store_original
from archive.text import direction_for_language, normalize_text
from archive.unit_of_work import unit_of_work


@unit_of_work()
def create_source(
    *,
    workspace: Workspace,
    user,
    title: str,
    text: str,
    language: str,
    original: bytes | None = None,
    media_type: str = "text/plain",
    authors: list[str] | None = None,
    outlet: Outlet | None = None,
    original_url: str = "",
    published_on: datetime.date | None = None,
    direction: str | None = None,
    derived_from: Source | None = None,
    derivation: Derivation | str = "",
    reason: str = "",
) -> Source:
    """Archive a document: keep its original bytes and its normalized text.

    Without `original`, the text itself (UTF-8) is the original.
    """
    text = normalize_text(text)
    name, digest = store_original(original if original is not None else text.encode("utf-8"))
    source = Source(
        workspace=workspace,
        title=title,
        text=text,
        language=language,
        direction=direction or direction_for_language(language),
        media_type=media_type,
        authors=authors or [],
        outlet=outlet,
        original_url=original_url,
        published_on=published_on,
        captured_by=user,
        original=name,
        original_sha256=digest,
        derived_from=derived_from,
        derivation=derivation,
    )
    source.full_clean()
    with recorded_as(user=user, reason=reason):
        source.save()
    return source
