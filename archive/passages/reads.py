"""Reading passages: those an analyst finds by their words or their source's title."""

from django.db.models import Q, QuerySet

from archive.models import Passage, Workspace


def passages_matching(*, workspace: Workspace, words: str) -> QuerySet[Passage]:
    """The workspace's passages whose text or source's title contains `words`
    (case-insensitively; all of them for no words), the latest first, each with
    its source's title."""
    passages = Passage.objects.filter(workspace=workspace)
    if words:
        passages = passages.filter(Q(exact__icontains=words) | Q(source__title__icontains=words))
    return passages.select_related("source").only("exact", "source__title").order_by("-id")
