from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Warrant archive"

    def ready(self) -> None:
        from archive import history  # noqa: F401  (connects history signal handlers)
        from archive.search import signals as search_signals

        search_signals.connect()  # keeps the search index current
