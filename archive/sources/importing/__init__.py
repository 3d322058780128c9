"""Getting sources into the archive: files, pasted text and web captures.

detect.py decides what a file is from its content (refusing a name that contradicts it),
extract.py turns it into normalized text plus proposed metadata,
staging.py keeps an upload between proposing and confirming its metadata,
pipeline.py saves it as a Source with its Capture, reporting duplicates.
"""

from collections.abc import Iterator
from contextlib import contextmanager

# How much of a parser's own message a refusal quotes.
_REASON_MAX = 200


class ImportRefused(Exception):
    """Input the archive will not take; the message says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Unreachable(ImportRefused):
    """The site could not be reached or answered with a server error: trying again later may work."""


@contextmanager
def parser_failures(what: str) -> Iterator[None]:
    """A third-party parser's failure on a file's content, of whatever kind, as a refusal.

    Malformed files make zipfile, pypdf, python-docx and trafilatura fail in many
    ways besides their own errors (an AttributeError on an object of an unexpected
    type, a limit reached): each is the file's fault, to be refused, not a crash.
    Only parser calls go inside, so our own mistakes still surface."""
    try:
        yield
    except ImportRefused:
        raise
    except Exception as error:
        reason = str(error)[:_REASON_MAX] or type(error).__name__
        raise ImportRefused(
            f"This file cannot be read: it is a damaged or malformed {what} ({reason})."
        ) from None
