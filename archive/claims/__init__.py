"""Claims and what backs them: annotations, evidence, claims, the claim graph.

Every write to those goes through a function here (keyword-only, one unit of
work each); edits obey the rules of editing.py, tags the one rule of tags.py.
"""

from archive.claims.annotations import (
    annotate_selection,
    create_annotation,
    create_annotations,
    default_motivation,
    delete_annotation,
    edit_annotation,
)
from archive.claims.claims import create_claim, delete_claim, edit_claim, set_credibility
from archive.claims.discussion import delete_reply, edit_reply, reply, resolve_thread
from archive.claims.editing import EDITABLE_FIELDS, edit_item, said_reopened
from archive.claims.evidence import (
    add_evidence,
    cite_selection,
    delete_evidence,
    edit_evidence,
    replace_evidence,
)
from archive.claims.tags import clean_tags

__all__ = [
    "EDITABLE_FIELDS",
    "add_evidence",
    "annotate_selection",
    "cite_selection",
    "clean_tags",
    "create_annotation",
    "create_annotations",
    "create_claim",
    "default_motivation",
    "delete_annotation",
    "delete_claim",
    "delete_evidence",
    "delete_reply",
    "edit_annotation",
    "edit_claim",
    "edit_evidence",
    "edit_item",
    "edit_reply",
    "replace_evidence",
    "reply",
    "resolve_thread",
    "said_reopened",
    "set_credibility",
]
