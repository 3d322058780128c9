"""The one rule for tags, on annotations and claims alike."""

from django.core.exceptions import ValidationError

MAX_TAGS = 100
MAX_TAG_LENGTH = 100


def clean_tags(tags: object) -> list[str]:
    """Tags as given, stripped, without blanks or repeats, in their order.

    At most MAX_TAGS of at most MAX_TAG_LENGTH characters each.
    """
    if tags is None:
        return []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ValidationError({"tags": "Tags must be a list of words or phrases."})
    cleaned = list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": f"At most {MAX_TAGS} tags."})
    too_long = [tag for tag in cleaned if len(tag) > MAX_TAG_LENGTH]
    if too_long:
        raise ValidationError({"tags": f"A tag has at most {MAX_TAG_LENGTH} characters."})
    return cleaned
