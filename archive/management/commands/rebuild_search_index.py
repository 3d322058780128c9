"""Rebuild the search index from the archive, with a progress bar."""

import time

from django.core.management.base import BaseCommand

from archive.search import rebuild_index

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Rebuild the search index of every source, passage, annotation and claim."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        count = rebuild_index(progress=self._progress)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count} objects in {time.monotonic() - started:.1f} s.")
        )

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} {100 * done // total}%", ending="")
        self.stdout.flush()
