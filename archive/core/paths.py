"""Whole numbers in URL paths (ids, versions), as a database column holds them."""

from archive.core.json_input import INT64_MAX


class Int64Converter:
    """Django's `int` converter, bounded to signed 64 bits: a longer number
    matches no URL (a 404), where looking it up would fail (SQLite cannot
    bind it). Registered as `int64` in ArchiveConfig.ready."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        # Length first: int() of a huge digit string is slow, then refused anyway.
        if len(value) > len(str(INT64_MAX)) or int(value) > INT64_MAX:
            raise ValueError(f"{value[:30]} is beyond any id")  # Django's resolver: no match
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
