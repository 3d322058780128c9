"""System checks: a tracked model the audit ledger cannot chain fails at startup."""

from django.contrib.auth import get_user_model

from archive.audit.checks import check_kinds, check_tracked_models, ledger_problems
from archive.audit.kinds import KINDS
from archive.audit.ledger import live_ledger
from archive.models import Claim, Workspace


def test_the_archives_tracked_models_pass_the_ledger_check(db):
    assert check_tracked_models() == []


def test_a_tracked_model_with_a_workspace_has_no_problem():
    assert ledger_problems(Claim, set(live_ledger().history_models)) == []


def test_the_workspace_itself_needs_no_workspace_field():
    assert ledger_problems(Workspace, set(live_ledger().history_models)) == []


def test_a_model_without_tracked_history_or_workspace_is_reported():
    problems = ledger_problems(get_user_model(), set(live_ledger().history_models))
    assert any("tracked_history" in problem for problem in problems)
    assert any("workspace" in problem for problem in problems)
    assert any("history table" in problem for problem in problems)


def test_the_kinds_registry_names_every_tracked_model(db):
    assert check_kinds() == []


def test_a_tracked_model_missing_from_the_kinds_is_reported(monkeypatch):
    monkeypatch.delitem(KINDS, "outlet")
    assert [error.id for error in check_kinds()] == ["archive.E002"]
