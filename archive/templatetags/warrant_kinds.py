"""`{{ entry.model|kind_label }}`: a kind of tracked object as pages name it."""

from django import template

from archive.audit.kinds import kind_label

register = template.Library()

register.filter("kind_label", kind_label)
