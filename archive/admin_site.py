"""The admin site: Django's, guarding its views against input they would fail on.

Installed in place of django.contrib.admin (WarrantAdminConfig, in
INSTALLED_APPS), its site is the default one: every `admin.register` and
`admin.site` is this site.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR
from django.http import HttpRequest, HttpResponseBase

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class WarrantAdminSite(admin.AdminSite):
    def admin_view(self, view: View, cacheable: bool = False) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            # The field a related-object popup selects by: given but empty, Django's
            # change and delete views look up a field named "" and fail with a 500.
            if request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR)) == "":
                raise DisallowedModelAdminToField("The field '' cannot be referenced.")
            return view(request, *args, **kwargs)

        # Inside Django's own wrapper, so that who may see the admin is checked first.
        return super().admin_view(cast(View, guarded), cacheable)


class WarrantAdminConfig(AdminConfig):
    default_site = "archive.admin_site.WarrantAdminSite"
