"""What a highlight or a sidebar item is, in plain words: a note, a question,
an error flag, a highlight (a passage marked without a note), or evidence that
supports, refutes or gives context to a claim.

Each kind has its own colour (CSS class `hl-KIND` on highlights, `item-KIND`
on sidebar cards) and its own label, so the kind never rests on colour alone.
Annotations keep their W3C motivation in the data; the kind is read from it.
"""

from enum import StrEnum

from archive.models import Motivation, Stance


class HighlightRole(StrEnum):
    """The kind of a passage or an item, which decides its colour."""

    REFUTES = Stance.REFUTES.value
    SUPPORTS = Stance.SUPPORTS.value
    CONTEXTUALIZES = Stance.CONTEXTUALIZES.value
    ERROR = "error"
    QUESTION = "question"
    NOTE = "note"
    HIGHLIGHT = "highlight"
    PLAIN = "plain"  # a passage nothing refers to (yet)


LABELS = {
    HighlightRole.REFUTES: "refutes",
    HighlightRole.SUPPORTS: "supports",
    HighlightRole.CONTEXTUALIZES: "context",
    HighlightRole.ERROR: "error flag",
    HighlightRole.QUESTION: "question",
    HighlightRole.NOTE: "note",
    HighlightRole.HIGHLIGHT: "highlight",
    HighlightRole.PLAIN: "passage",
}

# Annotations other than these are notes, whatever their motivation.
_ANNOTATION_ROLES = {
    Motivation.QUESTIONING: HighlightRole.QUESTION,
    Motivation.EDITING: HighlightRole.ERROR,
    Motivation.HIGHLIGHTING: HighlightRole.HIGHLIGHT,
}

# The motivations the annotation form offers, the first the default; an
# annotation made elsewhere (W3C, API) with another keeps it when edited.
# Highlight is a passage marked without a note (a note needs text).
FORM_MOTIVATIONS = (
    Motivation.COMMENTING,
    Motivation.HIGHLIGHTING,
    Motivation.QUESTIONING,
    Motivation.EDITING,
    Motivation.ASSESSING,
)

# A passage that serves several purposes is coloured by the first that applies.
_ROLE_PRIORITY = list(HighlightRole)


def annotation_role(motivation: str) -> HighlightRole:
    return _ANNOTATION_ROLES.get(Motivation(motivation), HighlightRole.NOTE)


def highlight_role(*, motivations: set[str], stances: set[str]) -> HighlightRole:
    """The colour of a passage with annotations of these motivations and evidence of these stances."""
    roles = {HighlightRole(stance) for stance in stances} | {annotation_role(m) for m in motivations}
    return min(roles, key=_ROLE_PRIORITY.index, default=HighlightRole.PLAIN)
