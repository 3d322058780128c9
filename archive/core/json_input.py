"""Reading a JSON request body that no input can make fail: the one parser
behind every JSON endpoint (the REST API and the W3C protocol through
archive.api.parsing, the browser's endpoints through archive.views.json_endpoints).

`parse_json_body` refuses, with a message naming the problem, what
`json.loads` would choke on or what the database cannot store:

- a body over the size limit (JSONInputTooLarge, answered 413);
- bytes that are not UTF-8 (RFC 8259 requires it), and a body declared in another
  charset (`check_charset`, JSONCharsetRefused, answered 415);
- nesting deeper than MAX_DEPTH, checked by scanning the brackets outside
  strings before parsing, so a body of 100,000 `[` never reaches the
  recursive decoder;
- integers outside a signed 64-bit column, floats that are not finite, and
  the NaN/Infinity extensions;
- the same key twice in one object (which one would count?);
- a lone surrogate (e.g. the escape `\\ud800`) or a NUL character in any
  string or key: neither can be encoded for the database.

Everything here is plain Python: no models, no HTTP framework.
"""

import json
import math
import re
from collections import Counter
from itertools import accumulate

from archive.core.graphemes import shorten

MAX_DEPTH = 64
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

# A JSON string, unrolled so the regex engine does not backtrack; escapes
# (including \") stay inside the match.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONInputError(ValueError):
    """The body is not JSON this server accepts; `str()` says why."""

    status = 400


class JSONInputTooLarge(JSONInputError):
    status = 413

    def __init__(self, limit: int):
        super().__init__(f"The request body is larger than the limit of {limit} bytes.")
        self.limit = limit


class JSONCharsetRefused(JSONInputError):
    status = 415

    def __init__(self, charset: str):
        super().__init__(
            f"JSON is read as UTF-8 (RFC 8259), but the body was declared charset={shorten(charset, 40)}: "
            "send it as UTF-8, with charset=utf-8 or none."
        )


def check_charset(charset: str | None) -> None:
    """Refuse (JSONCharsetRefused) a body whose Content-Type declares a charset other than
    UTF-8: its bytes read as UTF-8 could be other characters than the client meant."""
    if charset is not None and charset.strip().strip('"').lower() not in ("utf-8", "utf8"):
        raise JSONCharsetRefused(charset)


def parse_json_body(raw: bytes, *, max_bytes: int | None = None) -> object:
    """The JSON value in `raw`, checked as the module describes; JSONInputError otherwise."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise JSONInputTooLarge(max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise JSONInputError(
            f"The request body is not valid UTF-8 (byte 0x{raw[error.start]:02x} at position {error.start})."
        ) from None
    check_depth(text)
    try:
        value = json.loads(
            text, parse_int=_int, parse_float=_float, parse_constant=_constant, object_pairs_hook=_object
        )
    except JSONInputError:
        raise
    except ValueError as error:  # json.JSONDecodeError is one
        raise JSONInputError(f"The request body is not valid JSON ({error}).") from None
    # Valid UTF-8 holds no surrogate, and strict JSON no raw control character:
    # both can only come from \u escapes.
    if "\\u" in text:
        check_text(value)
    return value


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON text nested deeper than `limit`, without recursing.

    Brackets inside strings do not count. An unterminated string leaves its
    brackets counted: such text is not JSON anyway.
    """
    if text.count("[") + text.count("{") <= limit:
        return
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if any(depth > limit for depth in accumulate(map(_STEP.__getitem__, brackets))):
        raise JSONInputError(f"The request body is nested deeper than {limit} levels.")


def check_text(value: object) -> None:
    """Refuse a lone surrogate or a NUL in any string or key of a parsed value.

    Iterative, so any depth is safe; the path to the offending text is worked
    out only when there is one.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _bad(item):
                _refuse(value)
        elif isinstance(item, dict):
            if any(_bad(key) for key in item):
                _refuse(value)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _bad(text: str) -> bool:
    return "\x00" in text or _SURROGATE.search(text) is not None


def _refuse(value: object) -> None:
    """Raise the JSONInputError naming where in `value` the first bad text is."""
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str) and _bad(item):
            _check_string(item, path or "the body")
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_string(key, f"a key of {path or 'the body'}")
                stack.append((f"{path}.{key}" if path else key, child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{index}]", child) for index, child in enumerate(item))


def _check_string(text: str, where: str) -> None:
    if "\x00" in text:
        raise JSONInputError(
            f"Text at {_shown(where)} contains a NUL character (\\u0000), which cannot be stored."
        )
    surrogate = _SURROGATE.search(text)
    if surrogate:
        raise JSONInputError(
            f"Text at {_shown(where)} contains a lone surrogate (\\u{ord(surrogate.group()):04x}), "
            "which is not a character: send text as UTF-8."
        )


def _shown(where: str) -> str:
    """A path for a message: bounded, and printable even if a key is the bad string."""
    where = _SURROGATE.sub("\N{REPLACEMENT CHARACTER}", where.replace("\x00", "\\u0000"))
    return shorten(where, 100)


def _int(digits: str) -> int:
    # Length first: int() of a huge digit string is slow, then refused anyway.
    if len(digits.lstrip("-")) > 19 or not INT64_MIN <= (value := int(digits)) <= INT64_MAX:
        raise JSONInputError(
            f"The number {digits[:30]}{'...' if len(digits) > 30 else ''} is out of range "
            f"(whole numbers must lie between {INT64_MIN} and {INT64_MAX})."
        )
    return value


def _float(digits: str) -> float:
    value = float(digits)
    if not math.isfinite(value):
        raise JSONInputError(f"The number {digits[:30]} is out of range.")
    return value


def _constant(name: str) -> float:
    raise JSONInputError(f"{name} is not a JSON value.")


def _object(pairs: list[tuple[str, object]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        counts = Counter(key for key, _ in pairs)
        twice = next(key for key, _ in pairs if counts[key] > 1)
        raise JSONInputError(f"The key {_shown(twice)!r} is given twice in one object.")
    return obj
