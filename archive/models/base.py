"""Abstract bases shared by the workspace-owned models."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


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


class VersionedModel(models.Model):
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
