"""`{{ entry.model|kind_label }}`: a kind of tracked object as pages name it;
`kind_before_name`: as the activity puts it before an object's name;
`action_label`: a kind of change as pages write it."""

from django import template

from archive.audit.actions import action_label
from archive.audit.kinds import kind_before_name, kind_label

register = template.Library()

register.filter("kind_label", kind_label)
register.filter("kind_before_name", kind_before_name)
register.filter("action_label", action_label)
