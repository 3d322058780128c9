"""CSV downloads: rows written as lines, streamed, with every cell kept as text
in a spreadsheet (cells that start like a formula would run as one)."""

import csv
import itertools
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel on Windows reads a CSV without it in the local code page (Arabic comes out as mojibake).
_BYTE_ORDER_MARK = "\ufeff"


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: one typed as "=HYPERLINK(...)"
    must not run as a formula; a leading apostrophe keeps it text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Each row as a CSV line, its cells made spreadsheet_safe."""
    writer = csv.writer(_Echo())
    return (writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in rows)


def csv_download(rows: Iterable[Sequence[object]], filename: str) -> StreamingHttpResponse:
    """The rows as a CSV file to download, streamed as they are read, after a UTF-8 byte order mark."""
    lines = itertools.chain([_BYTE_ORDER_MARK], csv_lines(rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
