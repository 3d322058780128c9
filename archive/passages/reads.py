"""Reading passages: those an analyst finds by their words or their source's title."""

from django.db.models import Q, QuerySet

from archive.models import Passage, SearchKind, Workspace
from archive.search import ids_containing


def passages_matching(*, workspace: Workspace, words: str) -> QuerySet[Passage]:
    """The workspace's passages whose text or source's title (or authors)
    contains `words` as search folds them (case, accents, harakat: through the
    search index); all of them for no words, the latest first, each with its
    source's title."""
    passages = Passage.objects.filter(workspace=workspace)
    if words:
        passages = passages.filter(
            Q(pk__in=ids_containing(workspace=workspace, kind=SearchKind.PASSAGE, field="body", words=words))
            | Q(
                source_id__in=ids_containing(
                    workspace=workspace, kind=SearchKind.SOURCE, field="head", words=words
                )
            )
        )
    return passages.select_related("source").only("exact", "source__title").order_by("-id")
