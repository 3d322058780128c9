"""`{% if request.role|can:"contribute" %}`: templates ask the permission layer too."""

from django import template

from archive.permissions import Action, can

register = template.Library()


@register.filter(name="can")
def can_filter(role: str | None, action: str) -> bool:
    return can(role, Action(action))
