"""System checks of a deployment (`manage.py check --deploy`): what a production
server runs on, beside Django's own security checks."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning


def check_database(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A warning when the database is SQLite: a DATABASE_URL left unset or misspelt in
    production would otherwise start an empty archive in a file, and every check of it
    (verify_history, verify_fixity) pass with nothing to check."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return []
    return [
        CheckWarning(
            f"The database is the SQLite file {database['NAME']}: DATABASE_URL is not set, or names it.",
            hint="Set DATABASE_URL to the PostgreSQL database (README, Deploying on PostgreSQL); "
            "to run on SQLite on purpose, add archive.W002 to SILENCED_SYSTEM_CHECKS.",
            id="archive.W002",
        )
    ]
