"""Keyset paging of a W3C container: a page continues after (or before) an item.

A container's items are in one order, by (kind, id): its annotations, then its
evidence, then the replies, each by id. A page's `next` names its last item and
its `prev` its first, so an item created or deleted meanwhile moves no other item
into a page the client has read or out of one it has not: with offsets, a delete
before the page skips an item and a create repeats one. The link's token,
e.g. `after=evidence-12`, is a position in that order; the item need not exist.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from rest_framework.exceptions import ValidationError

from archive.models import Annotation, Evidence, Reply

Item = Annotation | Evidence | Reply
KINDS: tuple[type[Model], ...] = (Annotation, Evidence, Reply)
_NAMES = ("annotation", "evidence", "reply")
_TOKEN = re.compile(r"(annotation|evidence|reply)-([0-9]{1,19})")
# The database's ids are 64-bit; a larger one would overflow the query.
ID_MAX = 2**63 - 1


@dataclass(frozen=True)
class Key:
    """A position in the container's order: the kind's rank (KINDS) and an id."""

    rank: int
    id: int

    def __str__(self) -> str:
        return f"{_NAMES[self.rank]}-{self.id}"

    def next_one(self) -> "Key":
        """The position just after this one (an id that need not exist)."""
        return Key(self.rank, min(self.id + 1, ID_MAX))


def key_of(item: Item) -> Key:
    return Key(KINDS.index(type(item)), item.pk)


def parse_key(name: str, value: str) -> Key:
    """The position a page link's `after` or `before` names; a 400 for anything else."""
    match = _TOKEN.fullmatch(value)
    if match is None or int(match[2]) > ID_MAX:
        raise ValidationError(
            {name: ["Not a position in this container: follow the container's next and prev links."]}
        )
    return Key(_NAMES.index(match[1]), int(match[2]))


def items_after(
    querysets: Sequence[QuerySet], counts: Sequence[int], key: Key | None, limit: int
) -> list[Item]:
    """Up to `limit` items after `key` (from the start if None), in the container's order."""
    items: list[Item] = []
    for rank, (queryset, count) in enumerate(zip(querysets, counts, strict=True)):
        if len(items) >= limit:
            break
        # A kind counted empty is skipped: what it holds now was created meanwhile.
        if count == 0 or (key is not None and rank < key.rank):
            continue
        if key is not None and rank == key.rank:
            queryset = queryset.filter(pk__gt=key.id)
        items += queryset[: limit - len(items)]
    return items


def items_before(querysets: Sequence[QuerySet], counts: Sequence[int], key: Key, limit: int) -> list[Item]:
    """Up to `limit` items just before `key`, in the container's order."""
    items: list[Item] = []
    for rank in reversed(range(key.rank + 1)):
        if len(items) >= limit:
            break
        if counts[rank] == 0:
            continue
        queryset = querysets[rank]
        if rank == key.rank:
            queryset = queryset.filter(pk__lt=key.id)
        items += queryset.reverse()[: limit - len(items)]
    return items[::-1]


def count_before(querysets: Sequence[QuerySet], counts: Sequence[int], key: Key) -> int:
    """How many items precede `key`: the startIndex of a page that begins there."""
    before = sum(counts[: key.rank])
    if counts[key.rank] == 0:
        return before
    return before + querysets[key.rank].filter(pk__lt=key.id).count()
