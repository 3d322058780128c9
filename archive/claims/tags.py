"""Tags on annotations and claims, cleaned the same way whichever way they come in."""

from django.core.exceptions import ValidationError

from archive.models.base import validate_tags


def clean_tags(tags: object) -> list[str]:
    """Tags as given, stripped, without blanks or repeats, in their order; then
    checked by the model's rule (how many, how long)."""
    if tags is None:
        return []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ValidationError({"tags": "Tags must be a list of words or phrases."})
    cleaned = list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
    try:
        validate_tags(cleaned)
    except ValidationError as error:
        raise ValidationError({"tags": error.messages}) from None
    return cleaned
