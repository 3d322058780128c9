"""The Admiralty (NATO) system for grading sources and information.

An outlet's reliability is a letter, a claim's credibility a digit, and a
piece of evidence shows both together, e.g. "B2".
"""

from django.db import models


class Reliability(models.TextChoices):
    A = "A", "A: completely reliable"
    B = "B", "B: usually reliable"
    C = "C", "C: fairly reliable"
    D = "D", "D: not usually reliable"
    E = "E", "E: unreliable"
    F = "F", "F: reliability cannot be judged"


class Credibility(models.IntegerChoices):
    CONFIRMED = 1, "1: confirmed by other sources"
    PROBABLY_TRUE = 2, "2: probably true"
    POSSIBLY_TRUE = 3, "3: possibly true"
    DOUBTFUL = 4, "4: doubtful"
    IMPROBABLE = 5, "5: improbable"
    CANNOT_BE_JUDGED = 6, "6: truth cannot be judged"


def admiralty_code(reliability: str | None, credibility: int | None) -> str:
    """Combine both grades; an unknown part counts as "cannot be judged"."""
    return f"{reliability or Reliability.F}{credibility or Credibility.CANNOT_BE_JUDGED}"


def grade_meaning(grade: str) -> str:
    """What an Admiralty code says, in words: "B2" is "outlet: usually reliable; claim:
    probably true". Its second part is the claim's credibility, not the evidence's: an
    "F5" piece of evidence refuting an improbable claim is not itself improbable."""
    reliability = Reliability(grade[0]).label.partition(": ")[2]
    credibility = Credibility(int(grade[1:])).label.partition(": ")[2]
    return f"outlet: {reliability}; claim: {credibility}"
