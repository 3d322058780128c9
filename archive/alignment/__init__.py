"""Sentence alignment between a source and the one it derives from (a translation and
its original, a republication and what it republishes), following passages across
derivations, and divergence checks on aligned sentences."""

from archive.alignment.aligning import align, current_alignment, refresh_alignments, refresh_later
from archive.alignment.counterparts import Counterpart, counterparts
from archive.alignment.divergences import Divergence, divergences
from archive.alignment.explaining import explain_divergence, explained_flags, values_of

__all__ = [
    "Counterpart",
    "Divergence",
    "align",
    "counterparts",
    "current_alignment",
    "divergences",
    "explain_divergence",
    "explained_flags",
    "refresh_alignments",
    "refresh_later",
    "values_of",
]
