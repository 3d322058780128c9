"""System checks of a deployment (`manage.py check --deploy`): what a production
server runs on, beside Django's own security checks."""

import getpass
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Error as CheckError
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


def check_stored_files(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """An error when the originals' folder (MEDIA_ROOT) lies where static files are collected
    from or served: they are served only through a permission-checked view. A warning
    when this user cannot write there (nor create it): every upload, capture and
    correction of a file would fail."""
    media = Path(settings.MEDIA_ROOT).resolve()
    public = [Path(settings.STATIC_ROOT), *(Path(str(found)) for found in settings.STATICFILES_DIRS)]
    for folder in (path.resolve() for path in public):
        if media.is_relative_to(folder):
            return [
                CheckError(
                    f"MEDIA_ROOT {media} is inside {folder}, whose files anyone may fetch as static "
                    "files: the archive's originals would be served without a permission check.",
                    hint="Give MEDIA_ROOT a folder of its own, outside STATIC_ROOT and the static folders.",
                    id="archive.E003",
                )
            ]
    existing = media
    while not existing.exists():  # the storage creates the missing folders on its first save
        existing = existing.parent
    if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK):
        return []
    user = getpass.getuser()
    if not existing.is_dir():
        what = "is not a folder" if existing == media else f"cannot be made: {existing} is a file"
    elif existing == media:
        what = f"is not writable by {user}"
    else:
        what = f"cannot be made: {user} cannot write to {existing}"
    return [
        CheckWarning(
            f"MEDIA_ROOT {media} {what}: uploads, captures and corrections of files would fail.",
            hint="Make it a folder owned by the user gunicorn and the job workers run as, "
            "and run check --deploy as that user.",
            id="archive.W003",
        )
    ]
