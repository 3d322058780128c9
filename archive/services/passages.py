from archive.anchoring import selector_for
from archive.history import recorded_as
from archive.models import Passage, Source
from archive.unit_of_work import unit_of_work


@unit_of_work()
def create_passage(*, source: Source, user, start: int, end: int, exact: str | None = None) -> Passage:
    """A passage at [start, end) of the source's text, in code points.

    When the client sends the quote it saw (`exact`), it must match the text:
    a mismatch means the client's copy of the text differs from the server's.
    """
    selector = selector_for(source.text, start, end)
    passage = Passage(
        source=source,
        start=selector.start,
        end=selector.end,
        exact=exact if exact is not None else selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        created_by=user,
    )
    with recorded_as(user=user):
        passage.save()
    return passage
