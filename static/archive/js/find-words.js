// Finding words a reader typed (or pasted) in the source's text, forgivingly:
// case, accents and harakat, typographic quotes and dashes, compatibility forms
// (ligatures, full-width letters, "…" for "...") and white space (a line break
// where a space was typed, two spaces for one) do not have to match, nor what
// search folds alike (archive/search/normalize.py): digits of every script ("3:45"
// finds "٣:٤٥"), Arabic letters written either way ("محطه" finds "محطة"), the Arabic
// decimal and thousands separators ("12,000" finds "١٢٬٠٠٠"); a thousands separator
// may be left out ("12000" finds it); the Arabic comma, semicolon and question mark
// are the Latin ones ("دمشق, قال" finds "دمشق، قال"); a dash or hyphen is a space between
// words, as search splits words at both ("Daraa al Mahatta" finds "al-Mahatta"). Quotation
// marks around the words, pasted with a quote from a report, are left out where the text does
// not have them there ("“Al-Rashideen area”" finds "Al-Rashideen area," too). What is found
// is a span of the text in UTF-16 indexes, as a mouse selection gives (js/offsets.js turns
// it into code points), widened to whole grapheme clusters: a letter with its accents, an
// emoji with its modifiers.

const IGNORED = /^[\p{Mn}\p{Me}\p{Cf}\u0640]$/u; // accents, harakat, joiners, bidi marks, tatweel
const EQUIVALENT = new Map([
  ..."‘’‚‛′ʹʼ`´".split("").map((mark) => [mark, "'"]),
  ..."“”„‟″«»".split("").map((mark) => [mark, '"']),
  ["\u0671", "\u0627"], // alef wasla: alef (the hamza forms lose their hamza under NFKD)
  ["\u0649", "\u064a"], // alef maksura: yeh
  ["\u06cc", "\u064a"], // Farsi yeh: yeh
  ["\u0629", "\u0647"], // teh marbuta: heh
  ["\u06a9", "\u0643"], // keheh: kaf
  ["\u066b", "."], // Arabic decimal separator
  ["\u066c", ","], // Arabic thousands separator
  ["\u060c", ","], // Arabic comma
  ["\u061b", ";"], // Arabic semicolon
  ["\u061f", "?"], // Arabic question mark
]);
const SPACE = /^\s+$/u;
// Search (archive/search/normalize.py) takes only letters and digits as words: a hyphen or dash
// (-, ‐, –, —, −, ...) separates them as a space does, so "al-Mahatta" is the words "al Mahatta".
const DASH = /^\p{Dash}$/u;
const DIGIT = /^\p{Nd}$/u;
// A comma or Arabic thousands separator between a digit and a group of three.
const THOUSANDS = /(?<=\p{Nd})[,\u066c](?=\p{Nd}{3}(?!\p{Nd}))/gu;
const asciiDigits = new Map();

/** A decimal digit of any script as an ASCII digit. Unicode assigns them in runs of ten,
 * 0 to 9: a digit's value is how far it is into its run. */
function asciiDigit(digit) {
  if (!asciiDigits.has(digit)) {
    let code = digit.codePointAt(0);
    while (DIGIT.test(String.fromCodePoint(code - 1))) code -= 1;
    asciiDigits.set(digit, String((digit.codePointAt(0) - code) % 10));
  }
  return asciiDigits.get(digit);
}

/** One code point as it is compared: "" when it does not count, " " for white space or a dash. */
function fold(character) {
  if (SPACE.test(character) || DASH.test(character)) return " ";
  if (IGNORED.test(character)) return "";
  if (EQUIVALENT.has(character)) return EQUIVALENT.get(character);
  if (DIGIT.test(character)) return asciiDigit(character);
  let folded = "";
  for (const part of character.normalize("NFKD")) {
    if (SPACE.test(part) || DASH.test(part)) folded += " ";
    else if (!IGNORED.test(part)) folded += EQUIVALENT.get(part) ?? part.toUpperCase().toLowerCase();
  }
  return folded;
}

/**
 * `text` folded for comparison, white space collapsed to single spaces, thousands
 * separators left out, with where each of its UTF-16 units comes from in `text`: [from[i], to[i]).
 */
export function foldedText(text) {
  const separators = new Set(Array.from(text.matchAll(THOUSANDS), (match) => match.index));
  let folded = "";
  const from = [];
  const to = [];
  let index = 0;
  for (const character of text) {
    const end = index + character.length;
    for (const unit of separators.has(index) ? [] : fold(character).split("")) {
      if (unit === " " && folded.endsWith(" ")) {
        to[to.length - 1] = end; // the run of white space goes on
        continue;
      }
      folded += unit;
      from.push(index);
      to.push(end);
    }
    index = end;
  }
  return { folded, from, to };
}

/** The words as they are compared: folded, without white space at either end. */
export function foldedWords(words) {
  return foldedText(words).folded.trim();
}

// Quotation marks (straight, typographic, angle, corner, full-width, and the primes and accents
// typed for them), with white space and invisible marks (a bidi mark pasted beside them).
const MARKS_AROUND = /^[\p{Quotation_Mark}\p{Cf}\s`´′″‵‶]+|[\p{Quotation_Mark}\p{Cf}\s`´′″‵‶]+$/gu;

/** The words without the quotation marks around them: `“Al-Rashideen area”` is
 * `Al-Rashideen area`, as a reader who pasted a quote with its marks meant. */
export function unquoted(words) {
  return words.replace(MARKS_AROUND, "");
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** [start, end) widened to whole grapheme clusters of `segments` (of the text). */
function wholeClusters(segments, start, end) {
  const first = segments.containing(start);
  const last = segments.containing(end - 1);
  return [first.index, last.index + last.segment.length];
}

/**
 * Where `words` occur in `text`, in text order, without overlapping: at most `limit` spans
 * [start, end) in UTF-16 indexes, and how many there are in all. `folded` is
 * foldedText(text), for a caller that searches the same text again. Words in quotation
 * marks are looked for with their marks first (the text may quote them too), then without.
 */
export function findWords(text, words, { limit = Infinity, folded = foldedText(text) } = {}) {
  const wanted = foldedWords(words);
  const found = findFolded(text, wanted, limit, folded);
  const bare = foldedWords(unquoted(words));
  return found.count || bare === wanted ? found : findFolded(text, bare, limit, folded);
}

/** findWords() for words already folded. */
function findFolded(text, wanted, limit, folded) {
  const spans = [];
  let count = 0;
  if (!wanted) return { spans, count };
  const segments = graphemes.segment(text);
  for (let at = folded.folded.indexOf(wanted); at !== -1; at = folded.folded.indexOf(wanted, at + wanted.length)) {
    count += 1;
    if (spans.length < limit) {
      spans.push(wholeClusters(segments, folded.from[at], folded.to[at + wanted.length - 1]));
    }
  }
  return { spans, count };
}

const WHITE_SPACE = /\s+/gu;

/** Whether a cluster of `segments` starts at UTF-16 index `at`. */
function startsCluster(segments, at) {
  return segments.containing(at).index === at;
}

/** Where the context before `start` begins when the text is cut `length` code points before
 * it: at the first word that begins in those code points (after white space not carrying a
 * mark), as the server cuts it (archive/core/graphemes.py); with no white space there (one
 * long word, or a script written without spaces), at the first whole cluster. */
function cutBefore(text, segments, start, length) {
  const cut = start - [...text.slice(0, start)].slice(-length).join("").length;
  const from = cut - 1; // white space just before the cut, and the word starting at it is whole
  for (const space of text.slice(from, start).matchAll(WHITE_SPACE)) {
    const word = from + space.index + space[0].length;
    if (startsCluster(segments, word)) return word; // not before a mark on the space
  }
  const cluster = segments.containing(cut);
  return cluster.index === cut ? cut : cluster.index + cluster.segment.length;
}

/** Where the context after `end` ends when the text is cut `length` code points after it: at
 * the end of the last word that ends in those code points (before white space), with none
 * there at the last whole cluster. */
function cutAfter(text, segments, end, length) {
  const cut = end + [...text.slice(end)].slice(0, length).join("").length;
  // One unit beyond the cut: white space there, and the word ending at the cut is whole.
  const spaces = [...text.slice(end, cut + 1).matchAll(WHITE_SPACE)];
  for (const space of spaces.reverse()) {
    if (startsCluster(segments, end + space.index)) return end + space.index;
  }
  return segments.containing(cut).index;
}

/** The text around [start, end): up to `length` code points each side, white space collapsed,
 * and whether the text goes on beyond each. Where it goes on, the context is cut between
 * words, never inside one (nor inside a cluster). */
export function contextOf(text, [start, end], length = 40) {
  const segments = graphemes.segment(text);
  const beforeStart = [...text.slice(0, start)].length > length ? cutBefore(text, segments, start, length) : 0;
  const afterEnd = [...text.slice(end)].length > length ? cutAfter(text, segments, end, length) : text.length;
  const tidy = (part) => part.replace(/\s+/gu, " ");
  return {
    before: (beforeStart > 0 ? "…" : "") + tidy(text.slice(beforeStart, start)),
    match: tidy(text.slice(start, end)),
    after: tidy(text.slice(end, afterEnd)) + (afterEnd < text.length ? "…" : ""),
  };
}

/** A radio button named `name` for the occurrence at `span` of `text`, shown in its context in
 * the language and direction of `shownLike` (the element the text is shown in); the first
 * (`index` 0) is checked. */
export function occurrenceChoice(text, span, index, { shownLike, name = "occurrence" }) {
  const label = document.createElement("label");
  label.className = "occurrence";
  const radio = document.createElement("input");
  radio.type = "radio";
  radio.name = name;
  radio.value = String(index);
  radio.checked = index === 0;
  const context = document.createElement("span");
  context.lang = shownLike.lang;
  context.dir = shownLike.dir;
  const { before, match, after } = contextOf(text, span);
  const found = document.createElement("mark");
  found.textContent = match;
  context.append(before, found, after);
  label.append(radio, " ", context);
  return label;
}

/** The legend over the occurrences listed: how often the words were found (`count`), and
 * how many of them are listed when not all are. */
export function occurrencesLegend(count, listed) {
  if (count === 1) return "Found once:";
  if (count > listed) {
    return `Found ${count} times; the first ${listed} are listed (type more of the words to narrow them down): which one?`;
  }
  return `Found ${count} times: which one?`;
}
