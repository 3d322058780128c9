"""The table of what each role may do (permissions.role_table, for the README)
agrees with the rules and with the URLs' permission matrix."""

from pathlib import Path

from archive.permissions import CAPABILITIES, ROLE_ACTIONS, Action, role_table
from tests.test_permission_matrix import OK, RULES

# One URL per line of the table that the permission matrix checks for every role.
URL_OF = {
    (
        "Read sources, annotations, claims, evidence, history, activity; "
        "download the claims and sources lists (CSV) and evidence packages"
    ): "archive:activity",
    "Highlight, annotate, cite evidence, create claims, import sources, explain divergences": (
        "archive:claim_create"
    ),
    (
        "Edit, delete and submit for review annotations, claims (their credibility grade too, with a "
        "reason), evidence"
    ): "archive:submit_for_review",
    "Recapture a web source now; get alerts when cited text changes or a recapture fails": (
        "archive:source_recapture"
    ),
    "Reply in discussions; edit or delete their own replies (a delete with a reason)": (
        "archive:discussion_reply"
    ),
    "Review queue; approve or reject with a comment (never work they wrote, or changed since its "
    "last decision)": "archive:review_decision",
    (
        "Grade any claim's credibility (with a reason), leaving its review status as it is"
    ): "archive:claim_credibility",
    "Flag an item for an admin (with a reason)": "archive:flag",
    "Revert annotations, claims, evidence, passages, sources, outlets": "archive:revert",
    (
        "Export the activity (CSV, JSON); verify the history chain, and get an alert when a "
        "verification finds it broken; see other members' alerts in the "
        "activity and history"
    ): "archive:activity_csv",
    "Add, correct, grade and delete outlets; correct source texts and derivations; delete sources": (
        "archive:outlet_grade"
    ),
    "Members and their roles; the workspace's name and description": "archive:members",
    (
        "Export the whole workspace, its history and original files, as a ZIP that import_archive restores"
    ): "archive:workspace_export_download",
}


def _table_rows() -> dict[str, dict[str, str]]:
    header, _, *rows = role_table().splitlines()
    roles = [cell.strip() for cell in header.strip("|").split("|")][1:]
    table = {}
    for row in rows:
        what, *cells = [cell.strip() for cell in row.strip("|").split("|")]
        table[what] = dict(zip(roles, cells, strict=True))
    return table


def test_every_action_and_role_is_in_the_table():
    assert {action for _, action, _ in CAPABILITIES} == set(Action)
    assert list(
        _table_rows()[
            "Review queue; approve or reject with a comment (never work they wrote, or changed since its "
            "last decision)"
        ]
    ) == list(ROLE_ACTIONS)


def test_the_table_agrees_with_the_permission_matrix():
    table = _table_rows()
    for what, url_name in URL_OF.items():
        methods = RULES[url_name].methods
        expected = methods.get("POST") or methods["GET"]
        allowed_by_matrix = {role for role in ROLE_ACTIONS if expected[role] == OK}
        allowed_by_table = {role for role, cell in table[what].items() if cell != "no"}
        assert allowed_by_matrix == allowed_by_table, what


def test_analysts_change_only_their_own_work():
    row = _table_rows()[
        "Edit, delete and submit for review annotations, claims (their credibility grade too, with a "
        "reason), evidence"
    ]
    assert row == {"analyst": "own work", "reviewer": "no", "admin": "yes"}


def test_the_readme_shows_the_table_the_rules_generate():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert role_table() in readme


def test_every_member_replies_and_changes_their_own_replies():
    row = _table_rows()["Reply in discussions; edit or delete their own replies (a delete with a reason)"]
    assert row == {"analyst": "yes", "reviewer": "yes", "admin": "yes"}


def test_only_admins_delete_another_members_reply():
    # The matrix's reply is the analyst's: its author deletes it, and of the others only the admin.
    assert _table_rows()["Delete any member's reply in a discussion (with a reason)"] == {
        "analyst": "no",
        "reviewer": "no",
        "admin": "yes",
    }
    delete = RULES["archive:discussion_reply_delete"].methods["POST"]
    assert (delete["reviewer"], delete["admin"]) == (403, OK)
    edit = RULES["archive:discussion_reply_edit"].methods["POST"]
    assert (edit["analyst"], edit["reviewer"], edit["admin"]) == (OK, 403, 403)
