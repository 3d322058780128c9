from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Warrant archive"

    def ready(self) -> None:
        """Every signal receiver, system check and URL converter of the app,
        connected here and nowhere else."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks
        from django.db.backends.signals import connection_created
        from django.db.models.signals import m2m_changed, pre_save
        from django.urls import register_converter
        from django.urls.converters import get_converters
        from simple_history.signals import post_create_historical_record, pre_create_historical_record

        from archive.api.authentication import revoke_tokens_on_password_change
        from archive.audit.checks import check_kinds, check_tracked_models
        from archive.audit.ledger import chain_history_rows
        from archive.audit.review import review_on_changed_words
        from archive.core.compiled import check_compiled
        from archive.core.db import use_compiled_timestamptz_loader
        from archive.core.deployment import check_database, check_stored_files
        from archive.core.history import add_reason_from_context, announce_saved_row, history_written
        from archive.core.paths import Int64Converter
        from archive.core.sessions import start_session_end
        from archive.models import Annotation, Passage, Source
        from archive.monitoring.alerts import alert_on_corrected_text
        from archive.passages.carrying import words_changed
        from archive.passages.correction import text_corrected
        from archive.search.signals import object_written, passage_annotations_changed

        # History rows: the reason of the enclosing recorded_as block; single
        # saves announced like bulk writes; every row into the audit ledger and
        # its object into the search index.
        pre_create_historical_record.connect(add_reason_from_context, dispatch_uid="history-reason")
        post_create_historical_record.connect(announce_saved_row, dispatch_uid="history-announce")
        history_written.connect(chain_history_rows, dispatch_uid="history-ledger")
        history_written.connect(object_written, dispatch_uid="history-search")
        m2m_changed.connect(
            passage_annotations_changed, sender=Annotation.passages.through, dispatch_uid="search-passages"
        )
        # What a reviewer approved on a passage's words goes back to them when the words change.
        words_changed.connect(review_on_changed_words, sender=Passage, dispatch_uid="review-words-changed")
        # Those citing a source's words hear when a correction changes or removes them, as of a recapture.
        text_corrected.connect(alert_on_corrected_text, sender=Source, dispatch_uid="alert-corrected-text")
        connection_created.connect(use_compiled_timestamptz_loader, dispatch_uid="compiled_timestamptz")
        # A signed-in session ends at a time the pages know, to warn before it.
        user_logged_in.connect(start_session_end, dispatch_uid="session-end")
        # A new password shuts out the API token too, as it ends the other sessions.
        pre_save.connect(
            revoke_tokens_on_password_change, sender=get_user_model(), dispatch_uid="token-password"
        )
        checks.register(check_tracked_models, checks.Tags.models)
        checks.register(check_kinds, checks.Tags.models)
        checks.register(check_compiled)
        checks.register(check_database, deploy=True)
        checks.register(check_stored_files, deploy=True)
        # Before the URLconf loads, which it does on the first request or reverse().
        if "int64" not in get_converters():
            register_converter(Int64Converter, "int64")
