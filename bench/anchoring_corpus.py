"""An adversarial corpus for re-anchoring, with ground truth.

    .venv/bin/python bench/anchoring_corpus.py [PER_CLASS] [SEED] [RATE] [INTACT]

Builds documents from real texts (the corpus article in ../shared/corpus, the
demo texts in archive/demo, a licence text, Arabic with diacritics added,
text full of emoji and combining sequences that NFC cannot compose), puts
passages on them, and edits each document around each passage in one of the
CLASSES below. Every passage comes with its ground truth: the span of the new
text that holds its surviving text (and whatever was inserted inside it), or
None when its text was destroyed and it must be orphaned.

Passages and edits start and end on grapheme cluster boundaries; passages of
one document do not overlap and each passage's edits stay in its own slot of
the document, so that the truth of one is not disturbed by another's edits.

RATE (default 0) adds background edits: that many per 100 words of text, each
replacing, deleting or inserting a few words anywhere except inside a passage
or another edit, context included, as a heavily revised text would be.

INTACT (default 0) adds that many passages per passage of the CLASSES, of the
class "intact": untouched passages in the text the classes left free, up to
six per free slot, which only background edits come near. Most passages of a
corrected text are such (the issue that asked for this corpus measured 756
intact passages to 264 damaged or destroyed: INTACT 3); the CLASSES alone
measure the hard cases.
"""

import random
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "baladi-aleppo-daraa.txt"
DEMO = ROOT / "archive" / "demo"

# A licence written for this corpus: repeated legal phrases ("the Software",
# "of the", "to") are what short quotes of such texts look like.
LICENCE = """Permission to use the Software

Permission is hereby granted to any person who obtains a copy of the Software and of the \
accompanying documentation to use, copy, modify and publish the Software, subject to the \
conditions below.

1. Every copy of the Software, and every substantial portion of the Software, must keep the \
notice of the authors, this permission and the disclaimer below.

2. A modified copy of the Software must state that it was modified, by whom and when, so \
that the changes can be told apart from the work of the original authors.

3. The names of the authors may not be used to endorse or promote products derived from the \
Software without their written permission, given in advance and for each use.

4. Nothing in this licence grants a right to use the trademarks of the authors, except to \
describe the origin of the Software as custom requires.

Disclaimer. The Software is provided as it is, without warranty of any kind, express or \
implied, including the warranties of merchantability, of fitness for a particular purpose \
and of non-infringement. In no event shall the authors be liable for any claim, damages or \
other liability, whether in an action of contract, tort or otherwise, arising from, out of \
or in connection with the Software or the use of the Software or other dealings in it.

This licence applies to the Software as a whole and to each part of it. If a court holds one \
of the conditions above void, the other conditions remain in force, and the parties shall \
replace the void condition with a valid one that comes closest to its purpose.
"""

# Arabic text on another subject, written for this corpus, whose words replace
# Arabic passages: the corpus's two Arabic texts share their words.
ARABIC_DONOR = """افتتحت البلدية صباح اليوم سوقاً شعبياً جديداً في الحي الشرقي من المدينة، يضم أكثر \
من ستين محلاً لبيع الخضار والفواكه والألبسة. وقال رئيس المجلس المحلي إن السوق سيفتح أبوابه كل يوم \
من السابعة صباحاً حتى الثامنة مساءً، وإن الإيجارات ستبقى منخفضة خلال السنة الأولى لتشجيع التجار \
الصغار.

ورحب السكان بالمشروع، لكن بعضهم اشتكى من ازدحام السير في الشوارع القريبة ومن قلة المواقف. \
وتخطط البلدية لإضافة حديقة صغيرة وملعب للأطفال بجانب السوق قبل نهاية الصيف، كما تدرس إنشاء خط \
حافلات يربط السوق بالأحياء الغربية.
"""
# Texts that share their sentences (the republication of the translation; the
# Arabic text and its copy with harakat) are not each other's donors: text
# "replaced" by a donor could come back as the same sentence, and its truth,
# destroyed, would be false.
KIN = ({"demo-translation", "demo-republication"}, {"demo-arabic", "arabic-diacritics"})

EMOJI_WORDS = [
    "👩‍👩‍👧‍👦", "🇸🇾", "👋🏽", "1️⃣", "🏳️‍🌈", "❤️", "🌊", "🔥", "🚧",  # ZWJ, flags, tones, keycaps
    "q\u0307\u0323", "x\u0302\u0301", "ŋ\u030a", "a\u0331\u0301", "z\u0324\u0308",  # no NFC form
    "Daraa", "Aleppo", "water", "station", "shelling", "families", "north", "border", "dawn",
    "the", "of", "to", "and", "in", "were", "after", "before", "neighbourhood", "market",
]  # fmt: skip
HARAKAT = [chr(code) for code in range(0x064B, 0x0653)]
BOILERPLATE = {
    "en": "Share this article: Facebook · Twitter · WhatsApp · Email. "
    "Subscribe to our newsletter to get the latest news from Syria every morning.",
    "ar": "شارك هذا المقال عبر فيسبوك وتويتر وواتساب والبريد. "
    "اشترك في نشرتنا البريدية لتصلك آخر أخبار سوريا كل صباح.",
}
SHORT_QUOTES = {
    "en": ["to", "of the", "the", "Software", "in", "and the", "was", "Aleppo", "Daraa"],
    "ar": ["نشاط", "في", "من", "إلى", "على", "قال", "درعا", "المدينة"],
}

CLASSES = [
    "insert_inside",  # 40-120 characters inserted inside a passage
    "edge_deletion",  # 10-45% of a passage deleted at its start, end or both
    "replace_part",  # 5-40% of a passage replaced
    "echo_before",  # an insertion just before a damaged passage repeats its words
    "boilerplate",  # a passage on one copy of a repeated phrase (destroyed or kept)
    "short_kept",  # a short quote kept, with an edit beside it
    "short_destroyed",  # a short quote destroyed, the same words in the inserted text
    "destroyed",  # a passage replaced by other text
    "unrelated",  # a passage untouched, an edit nearby
]
INTACT = "intact"  # a passage untouched, only background edits about (see build_corpus's `intact`)
DAMAGED = ("insert_inside", "edge_deletion", "replace_part", "echo_before")


@dataclass(frozen=True)
class Passage:
    kind: str
    start: int
    end: int
    truth: tuple[int, int] | None  # in the new text; None: destroyed


@dataclass(frozen=True)
class Document:
    name: str
    old_text: str
    new_text: str
    passages: list[Passage]


def _arabic_with_diacritics(rng: random.Random, text: str) -> str:
    """The Arabic demo text with harakat on a third of its letters."""
    out = []
    for char in text:
        out.append(char)
        if "\u0621" <= char <= "\u064a" and rng.random() < 0.33:
            out.append(rng.choice(HARAKAT))
    return unicodedata.normalize("NFC", "".join(out))


def _emoji_text(rng: random.Random, length: int) -> str:
    parts, size = [], 0
    while size < length:
        words = [rng.choice(EMOJI_WORDS) for _ in range(rng.randint(5, 16))]
        sentence = " ".join(words).capitalize() + "." + ("\n\n" if rng.random() < 0.25 else " ")
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)


def base_texts(rng: random.Random) -> dict[str, tuple[str, str]]:
    """name: (language, text), every text NFC with "\\n" newlines."""
    article = CORPUS.read_text(encoding="utf-8") if CORPUS.exists() else ""
    arabic = (DEMO / "original-ar.txt").read_text(encoding="utf-8")
    texts = {
        "article": ("en", article),
        "demo-translation": ("en", (DEMO / "translation-en.txt").read_text(encoding="utf-8")),
        "demo-republication": ("en", (DEMO / "republication-en.txt").read_text(encoding="utf-8")),
        "demo-arabic": ("ar", arabic),
        "arabic-diacritics": ("ar", _arabic_with_diacritics(rng, arabic + "\n\n" + arabic[::-1])),
        "licence": ("en", LICENCE),
        "emoji-combining": ("en", _emoji_text(rng, 3000)),
    }
    return {
        name: (language, unicodedata.normalize("NFC", text.replace("\r\n", "\n")))
        for name, (language, text) in texts.items()
        if text
    }


def _with_boilerplate(rng: random.Random, text: str, language: str) -> tuple[str, list[int]]:
    """The text with the boilerplate block at 3-6 paragraph breaks, and where each copy starts."""
    breaks = [i for i in range(len(text)) if text.startswith("\n\n", i)]
    chosen = sorted(rng.sample(breaks, min(len(breaks), rng.randint(3, 6))))
    block = BOILERPLATE[language]
    out, starts, at = [], [], 0
    for position in chosen:
        out.append(text[at : position + 2])
        starts.append(sum(map(len, out)))
        out.append(block + "\n\n")
        at = position + 2
    out.append(text[at:])
    return "".join(out), starts


class _Text:
    """A text with its grapheme cluster and word boundaries."""

    def __init__(self, text: str):
        self.text = text
        self.bounds = {match.start() for match in regex.finditer(r"\X", text)} | {len(text)}
        self.words = [
            m.start() for m in regex.finditer(r"(?<![\w\p{M}])\w", text) if m.start() in self.bounds
        ]
        self.word_ends = [m.end() for m in regex.finditer(r"\w[\p{M}\u200d\ufe0f]*(?![\w\p{M}])", text)]
        self.word_ends = [end for end in self.word_ends if end in self.bounds]

    def snap(self, position: int) -> int:
        """The grapheme boundary at or after `position`."""
        position = max(0, min(position, len(self.text)))
        while position not in self.bounds:
            position += 1
        return position

    def word_at_or_after(self, position: int, limit: int) -> int | None:
        for start in self.words:
            if position <= start < limit:
                return start
        return None

    def word_end_at_or_before(self, position: int, floor: int) -> int | None:
        for end in reversed(self.word_ends):
            if floor < end <= position:
                return end
        return None


def _donor(rng: random.Random, donors: list[str], length: int) -> str:
    """About `length` code points of real text from one of `donors`, on word and cluster bounds."""
    donor = _Text(rng.choice(donors))
    if len(donor.text) <= length + 2:
        return donor.text
    for _ in range(20):
        start = donor.word_at_or_after(rng.randrange(0, len(donor.text) - length), len(donor.text))
        if start is None:
            continue
        end = donor.word_end_at_or_before(start + length, start)
        if end is not None and end - start >= length // 2:
            return donor.text[start:end]
    return donor.text[: donor.snap(length)]


def _image(edits: list[tuple[int, int, str]], position: int, side: str) -> int:
    """Where old `position` is in the new text, as the truth's start ("start": after any
    edit ending there) or end ("end": before an insertion there, after a replacement ending there)."""
    shift = 0
    for a, b, replacement in edits:
        if b < position or (b == position and (side == "start" or a < b)):
            shift += len(replacement) - (b - a)
    return position + shift


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, at = [], 0
    for a, b, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        assert a >= at, "edits overlap"
        out += [text[at:a], replacement]
        at = b
    out.append(text[at:])
    return "".join(out)


# A class places one passage in a slot [low, high) of the text and edits around
# it: (start, end, edits, truth as old (start, end) mapped through the edits, or None).
Placement = tuple[int, int, list[tuple[int, int, str]], tuple[int, int] | None]


def _span(
    rng: random.Random, t: _Text, low: int, high: int, lengths: tuple[int, int]
) -> tuple[int, int] | None:
    """A passage of words between low and high, its length in `lengths` (roughly)."""
    for _ in range(30):
        start = t.word_at_or_after(rng.randrange(low, max(low + 1, high - lengths[0])), high)
        if start is None:
            continue
        end = t.word_end_at_or_before(min(high, start + rng.randint(*lengths)), start)
        if end is not None and end - start >= lengths[0] // 2 and end - start >= 2:
            return start, end
    return None


def _insert_inside(rng, t, low, high, donors) -> Placement | None:
    span = _span(rng, t, low, high, (40, 200))
    if span is None:
        return None
    start, end = span
    inside = [w for w in t.words if start + 3 < w < end - 3]
    if not inside:
        return None
    at = rng.choice(inside)
    insertion = _donor(rng, donors, rng.randint(40, 120)) + " "
    return start, end, [(at, at, insertion)], (start, end)


def _edge_deletion(rng, t, low, high, donors) -> Placement | None:
    span = _span(rng, t, low, high, (40, 200))
    if span is None:
        return None
    start, end = span
    cut = int((end - start) * rng.uniform(0.10, 0.45))
    where = rng.choice(["start", "end", "both"])
    head = t.snap(start + (cut if where == "start" else cut // 2 if where == "both" else 0))
    tail = end - (cut if where == "end" else cut - cut // 2 if where == "both" else 0)
    while tail not in t.bounds:
        tail -= 1
    outside = rng.choice([0, 0, rng.randint(1, 30)])  # the deletion may take context too
    edits = []
    if head > start:
        edits.append((t.snap(max(low, start - outside)), head, ""))
    if tail < end:
        edits.append((tail, t.snap(min(high, end + outside)), ""))
    return start, end, edits, (head, tail)


def _replace_part(rng, t, low, high, donors) -> Placement | None:
    span = _span(rng, t, low, high, (30, 200))
    if span is None:
        return None
    start, end = span
    size = max(1, int((end - start) * rng.uniform(0.05, 0.40)))
    at = t.snap(rng.randint(start, end - size))
    stop = t.snap(at + size)
    if stop > end:
        return None
    replacement = _donor(rng, donors, max(1, int(size * rng.uniform(0.6, 1.4))))
    return start, end, [(at, stop, replacement)], (start, end)


def _echo_before(rng, t, low, high, donors) -> Placement | None:
    span = _span(rng, t, low, high, (40, 150))
    if span is None:
        return None
    start, end = span
    words = t.text[start:end].split()
    echo = words + _donor(rng, donors, 60).split()
    rng.shuffle(echo)
    insertion = " ".join(echo)[:120].rstrip() + " "
    size = max(1, int((end - start) * rng.uniform(0.10, 0.25)))
    at = t.snap(rng.randint(start + 1, end - size))
    stop = t.snap(at + size)
    if stop >= end:
        return None
    edits = [(start, start, insertion), (at, stop, _donor(rng, donors, size))]
    return start, end, edits, (start, end)


def _short_kept(rng, t, low, high, donors) -> Placement | None:
    span = _span(rng, t, low + 60, high - 60, (2, 12))
    if span is None:
        return None
    start, end = span
    gap = rng.randint(1, 40)
    if rng.random() < 0.5:
        at = t.snap(end + gap)
        return start, end, [(at, t.snap(at + rng.randint(0, 8)), _donor(rng, donors, 12))], (start, end)
    at = t.snap(max(low, start - gap - 8))
    stop = t.snap(at + rng.randint(0, 8))
    if stop > start:
        return None
    return start, end, [(at, stop, _donor(rng, donors, 12))], (start, end)


def _short_destroyed(rng, t, low, high, donors, language) -> Placement | None:
    """A short quote whose sentence is rewritten, the rewrite holding the same words."""
    quotes = [q for q in SHORT_QUOTES[language] if q in t.text[low + 40 : high - 40]]
    if not quotes:
        quote = None
        span = _span(rng, t, low + 40, high - 40, (2, 10))
        if span is None:
            return None
        start, end = span
    else:
        quote = rng.choice(quotes)
        start = t.text.index(quote, low + 40)
        end = start + len(quote)
        if end > high - 40 or not ({start, end} <= t.bounds):
            return None
    quote = t.text[start:end]
    region_start = t.snap(max(low, start - rng.randint(15, 40)))
    region_end = t.snap(min(high, end + rng.randint(15, 40)))
    before = _donor(rng, donors, start - region_start)
    after = _donor(rng, donors, region_end - end)
    # A rewrite that holds again the word the quote cuts into ("in" of
    # "shelling") keeps the quote in its place: no anchoring could call it destroyed.
    word = _enclosing_word(t.text, start, end)
    if word != quote and (word in before or word in after):
        return None
    replacement = f"{before} {quote} {after}"
    return start, end, [(region_start, region_end, replacement)], None


def _enclosing_word(text: str, start: int, end: int) -> str:
    """text[start:end] widened to the whole words it cuts into."""
    while start > 0 and regex.match(r"[\w\p{M}]", text[start - 1]):
        start -= 1
    while end < len(text) and regex.match(r"[\w\p{M}]", text[end]):
        end += 1
    return text[start:end]


def _destroyed(rng, t, low, high, donors) -> Placement | None:
    span = _span(rng, t, low + 10, high - 10, (20, 150))
    if span is None:
        return None
    start, end = span
    region_start = t.snap(max(low, start - rng.randint(0, 10)))
    region_end = t.snap(min(high, end + rng.randint(0, 10)))
    return start, end, [(region_start, region_end, _donor(rng, donors, region_end - region_start))], None


def _unrelated(rng, t, low, high, donors) -> Placement | None:
    span = _span(rng, t, low + 70, high - 70, (10, 200))
    if span is None:
        return None
    start, end = span
    gap, size = rng.randint(0, 60), rng.randint(0, 40)
    replacement = rng.choice(["", _donor(rng, donors, rng.randint(1, 80))])
    if rng.random() < 0.5:
        at = t.snap(end + gap)
        stop = t.snap(min(high, at + size))
    else:
        stop = start - gap
        while stop not in t.bounds:
            stop -= 1
        at = max(low, stop - size)
        while at not in t.bounds:
            at -= 1
    if at == stop and not replacement:
        replacement = " "
    return start, end, [(at, stop, replacement)], (start, end)


def _boilerplate(rng, t, copy_start, block, donors) -> Placement:
    """A passage in the middle of one copy of the boilerplate block: half the time
    the copy is destroyed (its twins elsewhere must not be taken), else the
    paragraph before it is edited."""
    start = t.snap(copy_start + rng.randint(20, 40))
    end = t.snap(min(copy_start + len(block) - 20, start + rng.randint(15, 50)))
    if rng.random() < 0.5:
        region_start = t.snap(max(0, copy_start - rng.randint(10, 40)))
        region_end = t.snap(min(len(t.text), copy_start + len(block) + rng.randint(2, 30)))
        return start, end, [(region_start, region_end, _donor(rng, donors, region_end - region_start))], None
    at = t.snap(max(0, copy_start - rng.randint(5, 30)))
    return start, end, [(at, at, _donor(rng, donors, rng.randint(5, 40)) + " ")], (start, end)


def _placer(kind: str, language: str) -> Callable:
    if kind == "short_destroyed":
        return lambda rng, t, low, high, donors: _short_destroyed(rng, t, low, high, donors, language)
    return {
        "insert_inside": _insert_inside,
        "edge_deletion": _edge_deletion,
        "replace_part": _replace_part,
        "echo_before": _echo_before,
        "short_kept": _short_kept,
        "destroyed": _destroyed,
        "unrelated": _unrelated,
    }[kind]


SLOT = 420  # code points of text per passage


def _background_edits(
    rng: random.Random, t: _Text, rate: float, kept: list[tuple[int, int]], donors: list[str]
) -> list[tuple[int, int, str]]:
    """`rate` edits per 100 words, of one to three words each, none touching `kept` spans."""
    edits: list[tuple[int, int, str]] = []
    count = int(len(t.words) * rate / 100)
    busy = sorted(kept)
    for _ in range(count * 3):
        if len(edits) >= count:
            break
        index = rng.randrange(len(t.words))
        at = t.words[index]
        stop = (
            t.word_end_at_or_before(t.words[min(len(t.words) - 1, index + rng.randint(1, 3))] - 1, at) or at
        )
        kind = rng.choice(["replace", "delete", "insert"])
        if kind == "insert":
            stop = at
        if any(at - 1 <= b and a <= stop + 1 for a, b in busy):
            continue
        replacement = "" if kind == "delete" else _donor(rng, donors, rng.randint(3, 25)) + " "
        if at == stop and not replacement:
            continue
        edits.append((at, stop, replacement))
        busy.append((at, stop))
    return edits


def _intact(
    rng: random.Random, t: _Text, taken: list[tuple[int, int]], wanted: int
) -> list[tuple[str, int, int, tuple[int, int] | None]]:
    """Up to `wanted` untouched passages, one per sixth of a slot of the text
    that no other passage, edit or boilerplate copy has taken."""
    width = SLOT // 6
    free = [
        low
        for low in range(0, len(t.text) - width, width)
        if not any(low < b and a < low + width for a, b in taken)
    ]
    placed: list[tuple[str, int, int, tuple[int, int] | None]] = []
    for low in rng.sample(free, min(wanted, len(free))):
        span = _span(rng, t, low + 10, low + width - 10, (10, 45))
        if span is not None:
            placed.append((INTACT, span[0], span[1], span))
    return placed


def build_corpus(per_class: int, seed: int = 2017, rate: float = 0, intact: float = 0) -> list[Document]:
    """Documents holding `per_class` passages of each class (at least), with
    `rate` background edits per 100 words and `intact` untouched passages per
    passage of the classes, where the text leaves room."""
    rng = random.Random(seed)  # noqa: S311 (a benchmark corpus, not cryptography)
    texts = base_texts(rng)
    needed = dict.fromkeys(CLASSES, per_class)
    documents: list[Document] = []
    names = list(texts)
    while any(needed.values()) and len(documents) < 1000 * max(1, per_class):
        name = names[len(documents) % len(names)]
        language, text = texts[name]
        donors = [
            other
            for other_name, (other_language, other) in texts.items()
            if other_language == language and other_name != name and {name, other_name} not in KIN
        ] + ([ARABIC_DONOR] if language == "ar" else [])
        text, copies = _with_boilerplate(rng, text, language)
        t = _Text(text)
        block = BOILERPLATE[language]
        edits: list[tuple[int, int, str]] = []
        placed: list[tuple[str, int, int, tuple[int, int] | None]] = []
        taken: list[tuple[int, int]] = []
        # Boilerplate passages first, on copies of the block.
        for copy_start in copies[: rng.randint(0, 2)]:
            if needed["boilerplate"] <= 0:
                break
            start, end, new_edits, truth = _boilerplate(rng, t, copy_start, block, donors)
            low = min([start] + [a for a, _, _ in new_edits])
            high = max([end] + [b for _, b, _ in new_edits])
            if any(low <= b and a <= high for a, b in taken):
                continue  # two copies a short paragraph apart: their edits would overlap
            taken.append((low - 1, high + 1))
            edits += new_edits
            placed.append(("boilerplate", start, end, truth))
            needed["boilerplate"] -= 1
        # Then one passage per free slot, away from the boilerplate's copies.
        taken += [(copy_start - 40, copy_start + len(block) + 40) for copy_start in copies]
        slots = list(range(0, len(text) - SLOT, SLOT))
        rng.shuffle(slots)
        for low in slots:
            high = low + SLOT
            if any(low < b and a < high for a, b in taken):
                continue
            kinds = [kind for kind in CLASSES if needed[kind] > 0 and kind != "boilerplate"]
            if not kinds:
                break
            kind = rng.choice(kinds)
            placement = _placer(kind, language)(rng, t, low + 20, high - 20, donors)
            if placement is None:
                continue
            start, end, new_edits, truth = placement
            if not ({start, end} <= t.bounds) or start >= end:
                continue
            edits += [edit for edit in new_edits if edit[0] < edit[1] or edit[2]]
            placed.append((kind, start, end, truth))
            taken.append((low, high))
            needed[kind] -= 1
        if intact:
            placed += _intact(rng, t, taken, round(intact * len(placed)))
        if rate:
            kept = [(a, b) for a, b, _ in edits] + [(start, end) for _, start, end, _ in placed]
            edits += _background_edits(rng, t, rate, kept, donors)
        new_text = _apply(text, edits)
        edits.sort(key=lambda edit: (edit[0], edit[1]))
        passages = []
        for kind, start, end, truth in placed:
            if truth is not None:
                truth = (_image(edits, truth[0], "start"), _image(edits, truth[1], "end"))
            passages.append(Passage(kind, start, end, truth))
        documents.append(Document(f"{name}-{len(documents)}", text, new_text, passages))
    return documents


def main() -> None:
    per_class = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2017
    rate = float(sys.argv[3]) if len(sys.argv) > 3 else 0
    intact = float(sys.argv[4]) if len(sys.argv) > 4 else 0
    documents = build_corpus(per_class, seed, rate, intact)
    for document in documents[:3]:
        for passage in document.passages[:4]:
            old = document.old_text[passage.start : passage.end]
            new = document.new_text[slice(*passage.truth)] if passage.truth else None
            print(f"{passage.kind:16} {old!r:.70}\n{'':16} -> {new!r:.70}")
    total = sum(len(document.passages) for document in documents)
    print(f"{len(documents)} documents, {total} passages")


if __name__ == "__main__":
    main()
