"""Warrant's re-anchoring against Hypothesis's, on the adversarial corpus.

    .venv/bin/python bench/anchoring_compare.py [PER_CLASS] [SEEDS] [ROUNDS] [RATES] \
        [--batched] [--source] [--intact=K]

Builds bench/anchoring_corpus.py's corpus (PER_CLASS passages of each class,
default 20) and anchors every passage in its edited document with
archive.passages.reanchoring.reanchor and with the Hypothesis client's
text-quote anchoring (its matchQuote: the quote searched with
approx-string-match, up to half its length in errors, each match scored by
quote 50, prefix 20, suffix 20 and position 2; before that, the position
selector is taken if the quote is still there), run by Node. Node is started
once; the two tools take turns document by document, ROUNDS times (default 5),
and each tool's time is the sum over documents of its best time on each (a
round interrupted by another process on a shared machine then costs
nothing). Each tool's clock starts on its document just made: Node parses
it from JSON, ours gets its texts decoded from UTF-8 as from the database.
With --batched, each tool takes the whole corpus in its turn,
round by round, as a batch job runs: document by document, each tool starts
every document on caches the other process has just filled, which costs
the tool with less work per document (Warrant's) the larger share of its
time. With --source, where re-anchoring runs compiled (make compile),
its Python source takes its turn too, for the gain of compiling.

RATES (default 0) is a comma-separated list of background edit rates (edits per 100 words, see
bench/anchoring_corpus.py): a corpus and a table per rate. SEEDS (default
2017) may be a comma-separated list too: the corpora of all of them make one
table per rate, for rare failures that one seed's 360 passages may not show. With --intact=K,
each document also holds K untouched passages per passage of the classes,
where its text leaves room (bench/anchoring_corpus.py's INTACT): the mix of
a real correction, where most passages are untouched, rather than the hard
cases alone.

A passage is found when the result overlaps its ground truth with at least
half of its own length; anchored anywhere else (or at all, when its text was
destroyed) it is wrong. Hypothesis needs `approx-string-match`: it is
installed with npm into a temporary directory on the first run.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

import importlib.util  # noqa: E402
from types import ModuleType  # noqa: E402

import regex  # noqa: E402
from anchoring_corpus import CLASSES, DAMAGED, INTACT, Document, build_corpus  # noqa: E402

from archive.core.compiled import compiled_modules, source_of  # noqa: E402
from archive.models import AnchorStatus  # noqa: E402
from archive.passages.reanchoring import reanchor  # noqa: E402
from archive.passages.selectors import selector_for  # noqa: E402

NODE_DIR = Path(tempfile.gettempdir()) / "warrant-hypothesis-anchoring"

# Hypothesis's anchoring (hypothesis/client, src/annotator/anchoring/match-quote.ts
# and html.ts's anchor()), fed one document per line of stdin, answering one line each.
NODE_SCRIPT = r"""
import approxSearch from 'approx-string-match';
import readline from 'node:readline';

function search(text, str, maxErrors) {
  let matchPos = 0;
  const exactMatches = [];
  while (matchPos !== -1) {
    matchPos = text.indexOf(str, matchPos);
    if (matchPos !== -1) {
      exactMatches.push({ start: matchPos, end: matchPos + str.length, errors: 0 });
      matchPos += 1;
    }
  }
  if (exactMatches.length > 0) return exactMatches;
  return approxSearch(text, str, maxErrors);
}

function textMatchScore(text, str) {
  if (str.length === 0 || text.length === 0) return 0.0;
  const matches = search(text, str, str.length);
  return 1 - matches[0].errors / str.length;
}

function matchQuote(text, quote, context = {}) {
  if (quote.length === 0) return null;
  const maxErrors = Math.min(256, quote.length / 2);
  const matches = search(text, quote, maxErrors);
  if (matches.length === 0) return null;
  const scoreMatch = match => {
    const quoteWeight = 50, prefixWeight = 20, suffixWeight = 20, posWeight = 2;
    const quoteScore = 1 - match.errors / quote.length;
    const prefixScore = context.prefix
      ? textMatchScore(
          text.slice(Math.max(0, match.start - context.prefix.length), match.start), context.prefix)
      : 1.0;
    const suffixScore = context.suffix
      ? textMatchScore(text.slice(match.end, match.end + context.suffix.length), context.suffix)
      : 1.0;
    let posScore = 1.0;
    if (typeof context.hint === 'number') {
      posScore = 1.0 - Math.abs(match.start - context.hint) / text.length;
    }
    const raw = quoteWeight * quoteScore + prefixWeight * prefixScore
      + suffixWeight * suffixScore + posWeight * posScore;
    return raw / (quoteWeight + prefixWeight + suffixWeight + posWeight);
  };
  const scored = matches.map(m => ({ start: m.start, end: m.end, score: scoreMatch(m) }));
  scored.sort((a, b) => b.score - a.score);
  return scored[0];
}

function anchor(text, p) {
  // html.ts: the TextPositionSelector first, if the quote is there; else the quote, hinted.
  if (p.end <= text.length && text.slice(p.start, p.end) === p.exact) return { start: p.start, end: p.end };
  return matchQuote(text, p.exact, { prefix: p.prefix, suffix: p.suffix, hint: p.start });
}

function unitsOf(text) {  // code point offset -> UTF-16 offset
  const units = [0];
  for (const ch of text) units.push(units[units.length - 1] + ch.length);
  return units;
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', line => {
  const doc = JSON.parse(line);
  const units = unitsOf(doc.new_text);
  const points = new Map(units.map((u, i) => [u, i]));
  const passages = doc.passages.map(p => ({
    ...p, start: units[Math.min(p.start, units.length - 1)], end: units[Math.min(p.end, units.length - 1)],
  }));
  const began = process.hrtime.bigint();
  const found = passages.map(p => anchor(doc.new_text, p));
  const elapsed = Number(process.hrtime.bigint() - began) / 1e3;
  const results = found.map(m => (m ? [points.get(m.start) ?? -1, points.get(m.end) ?? -1] : null));
  process.stdout.write(JSON.stringify({ results, microseconds: elapsed }) + '\n');
});
"""


def start_node() -> subprocess.Popen:
    npm, node = shutil.which("npm") or "npm", shutil.which("node") or "node"
    if not (NODE_DIR / "node_modules" / "approx-string-match").exists():
        install = [npm, "install", "--silent", "--prefix", str(NODE_DIR), "approx-string-match@2"]
        subprocess.run(install, check=True)  # noqa: S603 (fixed arguments)
    script = NODE_DIR / "hypothesis-anchor.mjs"
    script.write_text(NODE_SCRIPT, encoding="utf-8")
    return subprocess.Popen(  # noqa: S603 (fixed arguments)
        [node, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8"
    )


def python_source() -> ModuleType:
    """archive.passages.reanchoring from its source, beside the compiled module."""
    spec = importlib.util.spec_from_file_location("reanchoring_source", source_of(reanchor.__module__))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_ours(
    document: Document, module: ModuleType | None = None
) -> tuple[list[tuple[int, int] | None], float, list]:
    selectors = [selector_for(document.old_text, p.start, p.end) for p in document.passages]
    function = module.reanchor if module is not None else reanchor
    # The texts as re-anchoring gets them, just read from the database:
    # decoded from UTF-8 here, before the clock starts, as Node parses its
    # document from JSON before its own. Both then start on text fresh in
    # memory, not on text last read a round before.
    old_text, new_text = document.old_text.encode().decode(), document.new_text.encode().decode()
    began = time.perf_counter()
    results = function(selectors, old_text=old_text, new_text=new_text)
    elapsed = (time.perf_counter() - began) * 1e6
    spans = [None if r.status == AnchorStatus.ORPHANED else (r.start, r.end) for r in results]
    return spans, elapsed, results


def run_hypothesis(node: subprocess.Popen, document: Document) -> tuple[list[tuple[int, int] | None], float]:
    passages = []
    for p in document.passages:
        selector = selector_for(document.old_text, p.start, p.end)
        passages.append(
            {
                "start": p.start,
                "end": p.end,
                "exact": selector.exact,
                "prefix": selector.prefix,
                "suffix": selector.suffix,
            }
        )
    assert node.stdin is not None and node.stdout is not None
    node.stdin.write(json.dumps({"new_text": document.new_text, "passages": passages}) + "\n")
    node.stdin.flush()
    answer = json.loads(node.stdout.readline())
    spans = [None if r is None or -1 in r else (r[0], r[1]) for r in answer["results"]]
    return spans, answer["microseconds"]


def judge(truth: tuple[int, int] | None, span: tuple[int, int] | None) -> str:
    if span is None:
        return "orphaned"
    if truth is None:
        return "wrong"
    overlap = min(span[1], truth[1]) - max(span[0], truth[0])
    return "found" if overlap > 0 and overlap * 2 >= span[1] - span[0] else "wrong"


def grapheme_bounds(text: str) -> set[int]:
    return {match.start() for match in regex.finditer(r"\X", text)} | {len(text)}


def main() -> None:
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    intact = next((float(a.split("=", 1)[1]) for a in sys.argv[1:] if a.startswith("--intact=")), 0.0)
    per_class = int(arguments[0]) if len(arguments) > 0 else 20
    seeds = [int(seed) for seed in arguments[1].split(",")] if len(arguments) > 1 else [2017]
    rounds = int(arguments[2]) if len(arguments) > 2 else 5
    rates = [float(rate) for rate in arguments[3].split(",")] if len(arguments) > 3 else [0.0]
    compiled = reanchor.__module__ in compiled_modules()
    print(f"re-anchoring runs {'compiled with mypyc' if compiled else 'the Python source'} (make compile)")
    source = python_source() if compiled and "--source" in sys.argv else None
    node = start_node()
    try:
        for rate in rates:
            documents = [
                document for seed in seeds for document in build_corpus(per_class, seed, rate, intact)
            ]
            compare(node, documents, seeds, rounds, rate, source, batched="--batched" in sys.argv)
    finally:
        node.kill()


def compare(
    node: subprocess.Popen,
    documents: list[Document],
    seeds: list[int],
    rounds: int,
    rate: float,
    source: ModuleType | None = None,
    batched: bool = False,
) -> None:
    total = sum(len(d.passages) for d in documents)
    # Each tool's best time (µs) on each document.
    ours_time, hyp_time, source_time = ([float("inf")] * len(documents) for _ in range(3))
    tally: dict[str, dict[str, Counter]] = {
        "warrant": defaultdict(Counter),
        "hypothesis": defaultdict(Counter),
    }
    split = {"warrant": 0, "hypothesis": 0}
    false_exact = 0
    # Each tool's turn on document `at`: its best time and its answer are kept.
    answers: list[dict] = [{} for _ in documents]

    def ours(at: int) -> None:
        answers[at]["warrant"], elapsed, answers[at]["results"] = run_ours(documents[at])
        ours_time[at] = min(ours_time[at], elapsed)

    def theirs(at: int) -> None:
        answers[at]["hypothesis"], elapsed = run_hypothesis(node, documents[at])
        hyp_time[at] = min(hyp_time[at], elapsed)

    def from_source(at: int) -> None:
        source_time[at] = min(source_time[at], run_ours(documents[at], source)[1])

    tools = [ours, theirs] if source is None else [ours, theirs, from_source]
    for _ in range(rounds):
        if batched:  # each tool through the whole corpus in its turn, as a batch job runs
            for tool in tools:
                for at in range(len(documents)):
                    tool(at)
        else:  # the tools take turns document by document
            for at in range(len(documents)):
                for tool in tools:
                    tool(at)
    for document, answer in zip(documents, answers, strict=True):
        bounds = grapheme_bounds(document.new_text)
        old = document.old_text
        for passage, mine, hyp, result in zip(
            document.passages, answer["warrant"], answer["hypothesis"], answer["results"], strict=True
        ):
            for tool, span in (("warrant", mine), ("hypothesis", hyp)):
                tally[tool][passage.kind][judge(passage.truth, span)] += 1
                if span is not None and not {span[0], span[1]} <= bounds:
                    split[tool] += 1
            if result.status == AnchorStatus.EXACT and (
                document.new_text[result.start : result.end] != old[passage.start : passage.end]
            ):
                false_exact += 1
    print(
        f"\nedit rate {rate:g} per 100 words: {len(documents)} documents, {total} passages, "
        f"seed {', '.join(map(str, seeds))}, {rounds} rounds (each document's best time)"
    )
    print(f"{'class':16} {'warrant found/orph/wrong':>26} {'hypothesis found/orph/wrong':>30}")
    sums = {tool: Counter() for tool in tally}
    for kind in CLASSES + ([INTACT] if tally["warrant"][INTACT] else []):
        cells = []
        for tool in ("warrant", "hypothesis"):
            c = tally[tool][kind]
            sums[tool].update(c)
            cells.append(f"{c['found']:4} / {c['orphaned']:4} / {c['wrong']:4}")
        print(f"{kind:16} {cells[0]:>26} {cells[1]:>30}")
    cells = [
        f"{sums[t]['found']:4} / {sums[t]['orphaned']:4} / {sums[t]['wrong']:4}"
        for t in ("warrant", "hypothesis")
    ]
    print(f"{'all':16} {cells[0]:>26} {cells[1]:>30}")
    for tool in ("warrant", "hypothesis"):
        damaged = sum(tally[tool][kind]["found"] for kind in DAMAGED)
        damaged_total = sum(sum(tally[tool][kind].values()) for kind in DAMAGED)
        wrong = sums[tool]["wrong"]
        print(
            f"{tool:10}: damaged found {damaged}/{damaged_total}, wrong {wrong} "
            f"({1000 * wrong / total:.1f} per 1,000), boundaries inside a grapheme cluster {split[tool]}, "
            f"{sum(ours_time if tool == 'warrant' else hyp_time) / total:.0f} µs/passage"
        )
    print(f"warrant 'exact' with a changed quote: {false_exact}")
    print(f"speed ratio (hypothesis / warrant): {sum(hyp_time) / sum(ours_time):.1f}x")
    if source is not None:
        print(
            f"warrant from its Python source: {sum(source_time) / total:.0f} µs/passage, "
            f"compiled {sum(source_time) / sum(ours_time):.2f}x as fast"
        )


if __name__ == "__main__":
    main()
