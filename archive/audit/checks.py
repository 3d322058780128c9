"""System checks: every tracked model gives the audit ledger what it needs,
so a model added without it fails at startup, not at its first write."""

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage, Error
from django.db.models import ForeignKey, Model
from simple_history.models import registered_models

from archive.audit.kinds import KINDS
from archive.audit.ledger import live_ledger
from archive.core.history import LedgerHistoryManager


def ledger_problems(model: type[Model], history_labels: set[str]) -> list[str]:
    problems = []
    if not isinstance(getattr(model, "history", None), LedgerHistoryManager):
        problems.append("declare `history = tracked_history()` (archive.core.history), not HistoricalRecords")
    if model._meta.model_name != "workspace":
        field = next((f for f in model._meta.concrete_fields if f.name == "workspace"), None)
        if not isinstance(field, ForeignKey):
            problems.append(
                "needs a `workspace` foreign key: each ledger entry belongs to a workspace's chain"
            )
    if model._meta.model_name not in history_labels:
        problems.append("its history table is not one the ledger reads")
    return problems


def check_tracked_models(app_configs: Sequence[Any] | None = None, **kwargs: object) -> list[CheckMessage]:
    """Every model of the archive app with history must be one the ledger can chain."""
    config = apps.get_app_config("archive")
    if app_configs is not None and config not in app_configs:
        return []
    history_labels = set(live_ledger().history_models)
    tracked = [model for model in config.get_models() if model in registered_models.values()]
    return [
        Error(f"{model.__name__}: {problem}.", obj=model, id="archive.E001")
        for model in tracked
        for problem in ledger_problems(model, history_labels)
    ]


def check_kinds(app_configs: Sequence[Any] | None = None, **kwargs: object) -> list[CheckMessage]:
    """The kinds registry (archive.audit.kinds) names exactly the models the ledger records."""
    config = apps.get_app_config("archive")
    if app_configs is not None and config not in app_configs:
        return []
    ledger, registered = set(live_ledger().history_models), set(KINDS)
    problems: list[CheckMessage] = [
        Error(f"{name!r} is tracked but not in archive.audit.kinds.KINDS.", id="archive.E002")
        for name in sorted(ledger - registered)
    ]
    return problems + [
        Error(f"{name!r} is in archive.audit.kinds.KINDS but has no history.", id="archive.E003")
        for name in sorted(registered - ledger)
    ]
