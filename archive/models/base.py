"""Abstract bases shared by the workspace-owned models."""

from collections.abc import Collection, Iterator
from typing import Any, ClassVar, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from archive.core.text import PAGE_TEXT_CONTROLS, TEXT_CONTROLS, control_character_problem


class CreatedAtField(models.DateTimeField):
    """When a row was first made: stamped on insert unless it holds a time already,
    so that an object restored from its history keeps when it was made, not when it
    came back (Django's auto_now_add stamps over it)."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if self.auto_now_add and add and getattr(model_instance, self.attname) is not None:
            return getattr(model_instance, self.attname)
        return super().pre_save(model_instance, add)

    def deconstruct(self) -> Any:
        # The column is Django's own: migrations need not know the difference.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs


class TextRules(models.Model):
    """The one rule for the text a user gives, on every model that keeps a history:
    no control character but tab and the line breaks (archive.core.text). full_clean
    checks it in every CharField and TextField (URLs and slugs too) and in every string
    of a JSON field (tags, authors, a verdict scale's names), so every domain path that
    validates refuses it, naming the field, the character and its line (or item)."""

    # Fields that may also hold form feeds: a source's text, with its page breaks.
    page_text_fields: ClassVar[Collection[str]] = ()
    # Fields nobody types, which hold what they copy: a quote of a source's text (checked
    # where the text entered), the app's own message quoting it. Kept out of the rule,
    # so that a text stored before it can still be quoted.
    untyped_text_fields: ClassVar[Collection[str]] = ()
    _stored_values: dict[str, object]  # set by from_db

    class Meta:
        abstract = True

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Self:
        instance = super().from_db(db, field_names, values, **kwargs)
        # The values as stored: a text kept unchanged is not checked again, so a row stored
        # before the rule can still be approved or edited in its other fields, and a
        # long text is not read through at each change of its source's metadata.
        instance._stored_values = dict(zip(field_names, values, strict=False))
        return instance

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        stored = getattr(self, "_stored_values", {})
        for field in self._meta.concrete_fields:
            if exclude and field.name in exclude:
                continue
            value = getattr(self, field.attname)
            # Strings only: a list (tags) may have been changed in place.
            if isinstance(value, str) and stored.get(field.attname) == value:
                continue
            problem = self.text_problem(field.name, value)
            if problem:
                errors.setdefault(field.name, []).append(ValidationError(problem, code="control_character"))
        if errors:
            raise ValidationError(errors)

    @classmethod
    def text_problem(cls, name: str, value: object) -> str | None:
        """Why `value` cannot be the field `name`'s for holding a control character; None
        if it can (or the field holds no text the rule covers)."""
        field = cls._meta.get_field(name)
        if name in cls.untyped_text_fields:
            return None
        allowed = PAGE_TEXT_CONTROLS if name in cls.page_text_fields else TEXT_CONTROLS
        if isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
            return control_character_problem(
                value,
                what=f"The {field.verbose_name}",
                allowed=allowed,
                lines=isinstance(field, models.TextField),
            )
        if isinstance(field, models.JSONField):
            items = value if isinstance(value, list) else [value]
            for number, item in enumerate(items, start=1):
                what = (
                    f"Item {number} of the {field.verbose_name}"
                    if items is value
                    else f"The {field.verbose_name}"
                )
                for text in _texts_in(item):
                    if problem := control_character_problem(text, what=what, allowed=allowed, lines=False):
                        return problem
        return None


def _texts_in(value: object) -> Iterator[str]:
    """Every string in a JSON value (keys too), at any depth, without recursing."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend([*item, *item.values()])
        elif isinstance(item, list):
            stack.extend(item)


class VersionedModel(TextRules):
    """Timestamps and a version number that grows with every save.

    The version is the optimistic-concurrency token: an edit made from a
    stale version is refused instead of silently overwriting another's.
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = CreatedAtField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)


class WorkspaceOwned(VersionedModel):
    """A model that belongs to exactly one workspace.

    Subclasses name the related objects that must live in the same workspace
    (`same_workspace_as`) and may derive their workspace from a parent
    (`workspace_from`), so a passage can never point across workspaces.
    """

    workspace = models.ForeignKey("archive.Workspace", on_delete=models.PROTECT)

    workspace_from: str | None = None
    same_workspace_as: tuple[str, ...] = ()
    # The user whose work the object is (analysts change only their own).
    author_field: str | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.check_invariants()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.check_invariants()

    @property
    def owner_id(self) -> int | None:
        """The id of the user whose work this is (`author_field`), if it has one."""
        return getattr(self, f"{self.author_field}_id") if self.author_field else None

    def check_invariants(self) -> None:
        """Rules that hold however the object is saved (admin, API, commands)."""
        if self.workspace_from:
            parent = getattr(self, self.workspace_from, None)
            if parent is not None:
                self.workspace_id = parent.workspace_id
        for field in self.same_workspace_as:
            related = getattr(self, field, None)
            if related is not None and related.workspace_id != self.workspace_id:
                raise ValidationError({field: "This belongs to another workspace."})


# A note (an annotation's text, evidence's note) is read beside its passage: a longer
# text is a source of its own. Without a bound, one of megabytes made every page it is on that big.
MAX_NOTE_LENGTH = 50_000


def note_field() -> models.TextField:
    return models.TextField(
        blank=True,
        validators=[
            MaxLengthValidator(
                MAX_NOTE_LENGTH,
                f"A note has at most {MAX_NOTE_LENGTH:,} characters (this has %(show_value)d): "
                "put a longer text in a source of its own.",
            )
        ],
    )


# The one rule for tags, however they are saved (archive.claims.tags cleans them first).
MAX_TAGS = 100
MAX_TAG_LENGTH = 100


def validate_tags(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(tag, str) and tag.strip() for tag in value):
        raise ValidationError("Tags must be a list of non-empty strings.")
    if len(value) > MAX_TAGS:
        raise ValidationError(f"At most {MAX_TAGS} tags.")
    if any(len(tag) > MAX_TAG_LENGTH for tag in value):
        raise ValidationError(f"A tag has at most {MAX_TAG_LENGTH} characters.")


def tags_field() -> models.JSONField:
    return models.JSONField(default=list, blank=True, validators=[validate_tags])
