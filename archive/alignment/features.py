# ruff: noqa: RUF001, RUF002 (Arabic letters, digits and punctuation are the point)
"""What survives translation, found in a sentence: numbers (digits in any of the
Arabic-Indic, Persian and ASCII systems, thousands separators, English and Arabic
number words), dates, URLs, Latin-script names and quoted strings.

Each is found with its code-point span in the text searched, so a divergence can be
highlighted where it is. Values are comparable across languages: "fifteen
thousand", "15,000", "١٥٬٠٠٠" and "خمسة عشر ألف" are all 15000.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# One code point each way, so offsets into the normalised text are offsets into the text.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٬٫", "01234567890123456789,.")


def normalise_digits(text: str) -> str:
    """Arabic-Indic and Persian digits as ASCII, the Arabic separators as ',' and '.'."""
    return text.translate(_DIGITS)


@dataclass(frozen=True)
class Found:
    kind: str
    """"number", "date", "name", "url" or "quote"."""
    value: object
    """Comparable across languages: a float, a (year, month, day) or ("weekday", n), a string."""
    start: int
    end: int
    surface: str

    @property
    def key(self) -> tuple[str, object]:
        return (self.kind, self.value)


@dataclass
class Features:
    found: list[Found] = field(default_factory=list)

    def of(self, kind: str) -> list[Found]:
        return [item for item in self.found if item.kind == kind]

    def keys(self) -> set[tuple[str, object]]:
        return {item.key for item in self.found}


# --- number words --------------------------------------------------------------

_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "dozen": 12, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
}  # fmt: skip
_EN_MULTIPLIERS = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_EN_MULTIPLIERS |= {word + "s": value for word, value in _EN_MULTIPLIERS.items()}

_AR_UNITS = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "إثنين": 2,
    "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "اربع": 4, "اربعة": 4, "خمس": 5, "خمسة": 5,
    "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9,
    "عشر": 10, "عشرة": 10, "أحد": 1, "إحدى": 1, "اثنا": 2, "اثنتا": 2,
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "أربعون": 40, "أربعين": 40,
    "اربعين": 40, "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
    # ordinals ("at the sixth hour": "at six")
    "ثالث": 3, "ثالثة": 3, "رابع": 4, "رابعة": 4, "خامس": 5, "خامسة": 5, "سادس": 6, "سادسة": 6,
    "سابع": 7, "سابعة": 7, "ثامن": 8, "ثامنة": 8, "تاسع": 9, "تاسعة": 9, "عاشر": 10, "عاشرة": 10,
}  # fmt: skip
_AR_HUNDRED = {"مئة": 100, "مائة": 100, "مئات": 100}
_AR_MULTIPLIERS = {
    "ألف": 1000, "الف": 1000, "آلاف": 1000, "الاف": 1000, "ألفا": 1000, "ألفاً": 1000,
    "مليون": 10**6, "ملايين": 10**6, "مليونا": 10**6, "مليار": 10**9, "مليارات": 10**9,
}  # fmt: skip
# Duals: the noun alone says "two" ("two thousand", "two hours").
_AR_DUALS = {
    "ألفان": 2000, "ألفين": 2000, "ألفي": 2000, "الفين": 2000, "الفي": 2000,
    "مئتان": 200, "مئتين": 200, "مئتي": 200, "مائتين": 200, "مائتي": 200, "مائتان": 200,
    "مليونان": 2 * 10**6, "مليونين": 2 * 10**6, "مليوني": 2 * 10**6,
}  # fmt: skip
_AR_DUAL_NOUNS = [
    "ساعتين",
    "ساعتان",
    "يومين",
    "يومان",
    "شهرين",
    "شهران",
    "عامين",
    "عامان",
    "سنتين",
    "سنتان",
    "أسبوعين",
    "أسبوعان",
    "مرتين",
    "مرتان",
    "دقيقتين",
    "قذيفتين",
    "صاروخين",
    "طفلين",
    "شخصين",
]
for _noun in _AR_DUAL_NOUNS:
    _AR_DUALS[_noun] = 2
# Compounds written as one word: ثلاثمئة, خمسمائة.
_AR_COMPOUND_HUNDRED = re.compile(r"^(ثلاث|أربع|اربع|خمس|ست|سبع|ثمان|تسع)(مئة|مائة)$")
_AR_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف")

# English ordinals and words that are numbers only sometimes ("a second", "one of them"):
# a value of 1 from words alone is not reported.
_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|(?P<word>[^\W\d_]+(?:[-'’][^\W\d_]+)*)"
)


def _arabic_word(word: str) -> tuple[str, str | None]:
    """What the word is as a number word ("unit", "hundred", "multiplier", "dual", "and")
    and its bare form, prefixes such as و and ال removed; (kind, None) if it is none."""
    candidates = [word]
    for prefix in _AR_PREFIXES:
        if word.startswith(prefix) and len(word) > len(prefix) + 1:
            candidates.append(word[len(prefix) :])
    for bare in candidates:
        if bare in _AR_UNITS:
            return "unit", bare
        if bare in _AR_HUNDRED or _AR_COMPOUND_HUNDRED.match(bare):
            return "hundred", bare
        if bare in _AR_MULTIPLIERS:
            return "multiplier", bare
        if bare in _AR_DUALS:
            return "dual", bare
    return "", None


@dataclass
class _Run:
    start: int
    end: int
    total: float = 0
    current: float = 0
    from_digits: bool = False

    @property
    def value(self) -> float:
        return self.total + self.current


def find_numbers(text: str, *, skip: Sequence[tuple[int, int]] = ()) -> list[Found]:
    """Every number in `text` (digits or words), with its span; spans in `skip` are not read."""
    normalised = normalise_digits(text)
    found: list[Found] = []
    run: _Run | None = None
    pending_and: bool = False

    def close() -> None:
        nonlocal run
        if run is not None and (run.from_digits or run.value != 1):
            found.append(Found("number", float(run.value), run.start, run.end, text[run.start : run.end]))
        run = None

    for match in _TOKEN.finditer(normalised):
        if any(start <= match.start() < end for start, end in skip):
            close()
            continue
        start, end = match.span()
        if match.group("num"):
            close()
            value = float(match.group("num").replace(",", ""))
            run = _Run(start, end, current=value, from_digits=True)
            continue
        word = match.group("word")
        lower = word.lower()
        parts = lower.split("-")
        if all(part in _EN_UNITS for part in parts):
            if run is None:
                run = _Run(start, end)
            run.current += sum(_EN_UNITS[part] for part in parts)
            run.end = end
        elif lower in _EN_MULTIPLIERS:
            if run is None:
                if lower.endswith("s"):  # "thousands of people": no figure
                    continue
                run = _Run(start, end)
            _multiply(run, _EN_MULTIPLIERS[lower])
            run.end = end
        elif lower in ("a", "an") and run is None:
            run = _Run(start, end, current=1)
        elif lower == "and" and run is not None:
            pending_and = True
            continue
        else:
            kind, bare = _arabic_word(word)
            if kind == "unit" and bare is not None:
                value = _AR_UNITS[bare]
                if run is not None and value == 10 and 0 < run.current % 10 < 10 and run.current < 10:
                    run.current += 10  # خمسة عشر
                elif run is not None and (word.startswith("و") or pending_and):
                    run.current += value  # خمسة وعشرون
                else:
                    close()
                    run = _Run(start, end, current=value)
                run.end = end
            elif kind == "hundred" and bare is not None:
                compound = _AR_COMPOUND_HUNDRED.match(bare)
                if compound:
                    close()
                    run = _Run(start, end, current=_AR_UNITS[compound.group(1)] * 100)
                else:
                    if run is None:
                        run = _Run(start, end)
                    _multiply(run, 100)
                run.end = end
            elif kind == "multiplier" and bare is not None:
                if run is None:
                    if bare in ("آلاف", "الاف", "ملايين", "مليارات"):  # "thousands of": no figure
                        continue
                    run = _Run(start, end)
                _multiply(run, _AR_MULTIPLIERS[bare])
                run.end = end
            elif kind == "dual" and bare is not None:
                close()
                run = _Run(start, end, current=_AR_DUALS[bare])
                close()
            else:
                close()
        pending_and = False
        if run is not None and run.end != end:
            close()
    close()
    return found


# A noun in the dual (المدينتان, "the two cities") says "two" by its ending alone.
_PROBABLE_DUAL = re.compile(r"(?<!\w)\w{3,}(?:تان|تين|ان)(?!\w)")


def may_say_two(text: str) -> bool:
    """Whether an Arabic text may say "two" by a dual ending, not a number word: a "two"
    unmatched on the other side is then no divergence."""
    return bool(_PROBABLE_DUAL.search(text))


def _multiply(run: _Run, factor: int) -> None:
    if factor == 100:
        run.current = (run.current or 1) * 100
    else:
        run.total += (run.current or 1) * factor
        run.current = 0


# --- dates ---------------------------------------------------------------------

_EN_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_AR_MONTHS = {
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5,
    "حزيران": 6, "تموز": 7, "آب": 8, "اب": 8, "أيلول": 9, "ايلول": 9, "تشرين الأول": 10,
    "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الأول": 12, "كانون الاول": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5,
    "يونيو": 6, "يوليو": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10,
    "نوفمبر": 11, "ديسمبر": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7,
    "الاثنين": 1, "الإثنين": 1, "الثلاثاء": 2, "الأربعاء": 3, "الاربعاء": 3, "الخميس": 4,
    "الجمعة": 5, "السبت": 6, "الأحد": 7, "الاحد": 7,
}  # fmt: skip
_MONTH = "|".join(sorted((re.escape(name) for name in [*_EN_MONTHS, *_AR_MONTHS]), key=len, reverse=True))
_WEEKDAY = "|".join(sorted((re.escape(name) for name in _WEEKDAYS), key=len, reverse=True))
_DATE_PATTERNS = [
    (re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    (re.compile(r"\b(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4})\b")),
    (re.compile(
        rf"\b(?P<d>\d{{1,2}})\s+(?:من\s+)?(?P<mn>{_MONTH})\b(?:,?\s+(?:عام\s+)?(?P<y>\d{{4}}))?", re.I
    )),
    (re.compile(rf"\b(?P<mn>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}}))?", re.I)),
    (re.compile(rf"\b(?P<mn>{_MONTH})\s+(?:عام\s+)?(?P<y>\d{{4}})\b", re.I)),
]  # fmt: skip
_WEEKDAY_PATTERN = re.compile(rf"(?<!\w)(?:[وب]?)(?P<w>{_WEEKDAY})(?!\w)", re.I)


def find_dates(text: str) -> list[Found]:
    normalised = normalise_digits(text)
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(normalised):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            groups = match.groupdict()
            month = int(groups["m"]) if groups.get("m") else None
            if groups.get("mn"):
                name = groups["mn"].lower()
                month = _EN_MONTHS.get(name) or _AR_MONTHS.get(groups["mn"])
            day = int(groups["d"]) if groups.get("d") else None
            year = int(groups["y"]) if groups.get("y") else None
            if month is None or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
                continue
            taken.append(match.span())
            found.append(Found("date", (year, month, day), *match.span(), text[match.start() : match.end()]))
    for match in _WEEKDAY_PATTERN.finditer(normalised):
        day = _WEEKDAYS[match.group("w").lower()]
        start, end = match.span("w")
        found.append(Found("date", ("weekday", day), start, end, text[start:end]))
    return found


# --- names, URLs, quotes --------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'”»]+", re.I)
_QUOTE = re.compile(r"“([^”]{3,200})”|«([^»]{3,200})»|\"([^\"]{3,200})\"")
_LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ'’-]*")
_NOT_NAMES = (
    set(
        [
            "a",
            "an",
            "the",
            "of",
            "in",
            "on",
            "at",
            "to",
            "for",
            "from",
            "by",
            "with",
            "and",
            "or",
            "but",
            "as",
            "is",
            "are",
            "was",
            "were",
            "he",
            "she",
            "it",
            "they",
            "we",
            "i",
            "you",
            "this",
            "that",
            "these",
            "those",
            "his",
            "her",
            "its",
            "their",
            "our",
            "my",
            "your",
            "no",
            "not",
        ]
    )
    | set(_EN_MONTHS)
    | {day for day in _WEEKDAYS if day.isascii()}
)


def _is_name(word: str) -> bool:
    return any(ch.isupper() and (i == 0 or word[i - 1] == "-") for i, ch in enumerate(word))


def find_names(text: str, *, known: set[str] | None = None) -> list[Found]:
    """Latin-script names: capitalised words (or "al-Zaytoun") but not the first word of a
    sentence unless it is in `known` (names seen capitalised elsewhere) or an acronym."""
    found = []
    for match in _LATIN_WORD.finditer(text):
        word = re.sub(r"['’]s$", "", match.group().rstrip("-'’"))
        if not word or not _is_name(word) or word.lower() in _NOT_NAMES:
            continue
        before = text[: match.start()].rstrip()
        initial = not before or before[-1] in '.!?؟۔:"“«(•\n'
        if initial and not word.isupper() and (known is None or word not in known):
            continue
        found.append(Found("name", word, match.start(), match.start() + len(word), word))
    return found


# What ends a sentence or clause after a URL rather than the URL, Latin or Arabic: "؟" and "?" too,
# so the Arabic "…/report؟" and the translation's "…/report?" are one URL.
_AFTER_URL = ".,;:?)،؛؟"


def find_urls(text: str) -> list[Found]:
    return [
        Found("url", match.group().rstrip(_AFTER_URL).lower(), match.start(), match.end(), match.group())
        for match in _URL.finditer(text)
    ]


def find_quotes(text: str) -> list[Found]:
    found = []
    for match in _QUOTE.finditer(text):
        inner = next(group for group in match.groups() if group is not None)
        found.append(Found("quote", " ".join(inner.lower().split()), *match.span(), match.group()))
    return found


def features(text: str, *, known_names: set[str] | None = None) -> Features:
    """Everything comparable in `text` (a sentence or a few)."""
    dates = find_dates(text)
    urls = find_urls(text)
    skip = [(item.start, item.end) for item in dates + urls]
    numbers = find_numbers(text, skip=skip)
    names = [
        name for name in find_names(text, known=known_names) if not any(s <= name.start < e for s, e in skip)
    ]
    return Features([*numbers, *dates, *names, *urls, *find_quotes(text)])


def capitalised_names(text: str) -> set[str]:
    """The Latin-script names of a whole text, where they are not sentence-initial."""
    return {item.value for item in find_names(text)}  # type: ignore[misc]
