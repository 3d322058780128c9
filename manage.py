#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    try:
        settings.INSTALLED_APPS  # noqa: B018 (read first, so that a bad setting is said in one line)
    except ImproperlyConfigured as error:
        sys.exit(f"Warrant is not configured: {error}")
    try:
        execute_from_command_line(sys.argv)
    except OperationalError as error:
        # A database down or out of reach, or not migrated: one line a cron mail can hold.
        said = str(error).strip().splitlines()
        sys.exit(
            f"Database error: {said[0] if said else type(error).__name__}. Is the database up, and migrated?"
        )
