from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Warrant archive"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from archive import history  # noqa: F401  (connects history signal handlers)
        from archive.db import use_compiled_timestamptz_loader
        from archive.search import signals as search_signals

        search_signals.connect()  # keeps the search index current
        connection_created.connect(use_compiled_timestamptz_loader, dispatch_uid="compiled_timestamptz")
