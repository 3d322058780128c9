"""What is in the media storage, for tests that check nothing was left behind."""

from pathlib import Path

from django.conf import settings


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}
