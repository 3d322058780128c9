"""Sentence alignment between a source and the one it derives from (a translation and
its original, a republication and what it republishes), following passages across
derivations, and divergence checks on aligned sentences."""

from archive.alignment.aligning import align, current_alignment, refresh_alignments, refresh_later
from archive.alignment.counterparts import Counterpart, counterparts
from archive.alignment.divergences import Divergence, divergences

__all__ = [
    "Counterpart",
    "Divergence",
    "align",
    "counterparts",
    "current_alignment",
    "divergences",
    "refresh_alignments",
    "refresh_later",
]
