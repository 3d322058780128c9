"""Tags on annotations and claims: cleaned the same way whichever way they come
in, and found the same way on either database."""

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from archive.models.base import validate_tags

# A comma separates tags typed in a form: Latin, or Arabic as an Arabic keyboard types it.
_TYPED_SEPARATOR = re.compile("[,\u060c]")
_SEPARATORS = {",": "a comma", "\u060c": "an Arabic comma (\u060c)", "|": "a vertical bar (|)"}


def tags_typed(text: str) -> list[str]:
    """The tags a form's box holds: comma-separated (Latin or Arabic commas)."""
    return [tag for tag in (part.strip() for part in _TYPED_SEPARATOR.split(text)) if tag]


def clean_tags(tags: object) -> list[str]:
    """Tags as given, stripped, without blanks or repeats, in their order; then
    checked by the model's rule (how many, how long). A tag cannot contain a
    separator: the browser's forms take tags comma-separated, so editing one there
    would split it, and CSV exports and the search index join them with "|"."""
    if tags is None:
        return []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ValidationError({"tags": "Tags must be a list of words or phrases."})
    cleaned = list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
    for separator, name in _SEPARATORS.items():
        split = next((tag for tag in cleaned if separator in tag), None)
        if split is not None:
            raise ValidationError({"tags": f"A tag cannot contain {name}: “{split}”."})
    try:
        validate_tags(cleaned)
    except ValidationError as error:
        raise ValidationError({"tags": error.messages}) from None
    return cleaned


def with_tag(queryset: QuerySet, tag: str) -> QuerySet:
    """Rows whose `tags` JSON list contains `tag` exactly, on every database."""
    if connection.features.supports_json_field_contains:
        return queryset.filter(tags__contains=[tag])
    # SQLite has no JSON containment: look through the list with json_each.
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    # The tag is a bound parameter; only the quoted table name is interpolated.
    has_tag = RawSQL(  # noqa: S611  # nosec B611
        f"EXISTS (SELECT 1 FROM json_each({table}.tags) WHERE json_each.value = %s)",  # noqa: S608  # nosec B608
        (tag,),
        output_field=BooleanField(),
    )
    return queryset.alias(has_tag=has_tag).filter(has_tag=True)
