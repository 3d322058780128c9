"""Getting sources into the archive: files, pasted text and web captures.

detect.py decides what a file is from its content (refusing a name that contradicts it),
extract.py turns it into normalized text plus proposed metadata,
staging.py keeps an upload between proposing and confirming its metadata,
pipeline.py saves it as a Source with its Capture, reporting duplicates.
"""


class ImportRefused(Exception):
    """Input the archive will not take; the message says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Unreachable(ImportRefused):
    """The site could not be reached or answered with a server error: trying again later may work."""
