"""Typed readers for settings taken from environment variables.

Each helper returns the default when the variable is unset or empty, and
raises ImproperlyConfigured for a value it cannot read, so a typo in a
deployment fails loudly at start-up instead of silently using a default.
"""

import ipaddress
import os
import zoneinfo
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, "") or default


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole number, at least `minimum` if given (0 seconds or -5 bytes names no limit one meant)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {raw!r}")
    return value


def env_choice(name: str, default: str, choices: list[str]) -> str:
    """One of `choices`, given in any case ("info" for INFO)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    for choice in choices:
        if raw.casefold() == choice.casefold():
            return choice
    raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {raw!r}")


def env_time_zone(name: str, default: str) -> str:
    """An IANA time zone name ("Europe/Berlin")."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be a time zone name such as UTC or Europe/Berlin, got {raw!r}"
        ) from None
    return raw


def env_database(name: str, default: str, *, conn_max_age: int) -> dj_database_url.DBConfig:
    """Django's settings of the database the URL names (postgres://…, sqlite:///…)."""
    url = os.environ.get(name, "").strip() or default
    try:
        return dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except (ValueError, dj_database_url.UnknownSchemeError):
        scheme = urlsplit(url).scheme
        raise ImproperlyConfigured(
            f"{name} must be a postgres:// or sqlite:/// address, got one starting {scheme + '://'!r}"
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "")
    if not raw.strip():
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str = "") -> str:
    """An http or https address with a host, or the default (empty: the feature is off)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// address, got {raw!r}")
    return raw


def env_networks(name: str) -> list[str]:
    """Comma-separated IP networks ("127.0.0.0/8, ::1/128"); none by default."""
    networks = env_list(name, [])
    for network in networks:
        try:
            ipaddress.ip_network(network)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP networks such as 127.0.0.0/8, got {network!r}"
            ) from None
    return networks


def env_seconds_list(name: str, default: list[float]) -> list[float]:
    """Comma-separated numbers of seconds, none negative ("5, 30, 120")."""
    raw = env_list(name, [])
    if not raw:
        return list(default)
    try:
        seconds = [float(item) for item in raw]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must list numbers of seconds such as 5,30,120, got {raw!r}"
        ) from None
    if any(not 0 <= value < float("inf") for value in seconds):
        raise ImproperlyConfigured(f"{name} must list numbers of seconds, none negative, got {raw!r}")
    return seconds
