"""Token authentication for the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from archive.core.compiled_query import CompiledQuery

_TOKEN = CompiledQuery(lambda key: Token.objects.select_related("user").filter(key=key), key=str)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, with the token looked up by a query compiled once (every API request makes it)."""

    def authenticate_credentials(self, key: str) -> tuple[object, Token]:
        found = _TOKEN(key=key)
        if not found:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not found[0].user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return found[0].user, found[0]
