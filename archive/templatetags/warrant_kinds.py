"""`{{ entry.model|kind_label }}`: a kind of tracked object as pages name it;
`kind_before_name`: as the activity puts it before an object's name."""

from django import template

from archive.audit.kinds import kind_before_name, kind_label

register = template.Library()

register.filter("kind_label", kind_label)
register.filter("kind_before_name", kind_before_name)
