"""The side-by-side page in Chromium: an Arabic original beside its English translation
(and an English original beside an Arabic translation), each column in its own
direction, sentence pairs lit together, the counterpart of a passage highlighted and
in view, at a desktop width and a phone's, with no serious axe violation."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archive.models import DivergenceNote
from archive.passages.writes import create_passage
from archive.reading.side_by_side import passage_across
from archive.sources.writes import create_source
from tests.browser.accessibility import assert_accessible
from tests.factories import AnnotationFactory
from tests.test_alignment import ARABIC, corpus_paragraphs, demo_text

GEOMETRY = """
() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const o = document.getElementById("text-o"), d = document.getElementById("text-d");
  const mark = o.querySelector("mark.hl-aligned");
  return {
    directions: [getComputedStyle(o).direction, getComputedStyle(d).direction],
    columns: [box(o), box(d)],
    mark: box(mark),
    markBackground: getComputedStyle(mark).backgroundColor,
    overflow: [document.documentElement.scrollWidth, window.innerWidth],
    viewport: [window.innerWidth, window.innerHeight],
  };
}
"""


def open_arrived(page, url: str) -> None:
    """Open the page and wait until it has scrolled to the marks (after the web fonts)."""
    page.goto(url)
    page.locator("#side-by-side[data-revealed]").wait_for(state="attached")


def make_pair(workspace, user, *, arabic_original: bool, corpus_text: str):
    if arabic_original:
        original = create_source(
            workspace=workspace, user=user, title="الأصل", text=demo_text("original-ar.txt"), language="ar"
        )
        text, language = demo_text("translation-en.txt"), "en"
        quote = "fifteen thousand"
    else:
        original = create_source(
            workspace=workspace,
            user=user,
            title="Baladi",
            text="\n\n".join(corpus_paragraphs(corpus_text)),
            language="en",
        )
        text, language = "\n\n".join(ARABIC), "ar"
        quote = "مهد الانتفاضة"
    translation = create_source(
        workspace=workspace,
        user=user,
        title="Translation",
        text=text,
        language=language,
        derived_from=original,
        derivation="translation",
    )
    start = translation.text.index(quote)
    passage = create_passage(source=translation, user=user, start=start, end=start + len(quote))
    return original, translation, passage


@pytest.mark.parametrize(
    ("arabic_original", "width", "height"),
    [(True, 1366, 700), (True, 390, 844), (False, 1366, 700), (False, 390, 844)],
    ids=["ar-original-desktop", "ar-original-phone", "ar-translation-desktop", "ar-translation-phone"],
)
def test_side_by_side_in_both_directions(
    page_for, analyst, workspace, corpus_text, arabic_original, width, height
):
    original, translation, passage = make_pair(
        workspace, analyst, arabic_original=arabic_original, corpus_text=corpus_text
    )
    [across] = [
        item
        for item in passage_across(
            slug=workspace.slug, source=translation, start=passage.start, end=passage.end
        )
        if item.source.pk == original.pk
    ]
    page = page_for(analyst)
    page.set_viewport_size({"width": width, "height": height})
    open_arrived(page, across.url)
    found = page.evaluate(GEOMETRY)

    rtl_first = ["rtl", "ltr"] if arabic_original else ["ltr", "rtl"]
    assert found["directions"] == rtl_first
    left, top, right, bottom = found["mark"]
    # The counterpart is highlighted and in view, inside its column's visible box.
    column = found["columns"][0]
    assert found["markBackground"] not in ("rgba(0, 0, 0, 0)", "transparent")
    assert right > left and bottom > top
    assert top >= 0 and bottom <= found["viewport"][1]
    assert column[1] <= top and bottom <= column[3]
    assert page.locator("#text-o mark.hl-aligned").inner_text() == across.counterpart.exact
    assert page.locator("#text-d mark.hl-aligned").inner_text() == passage.exact
    if width > 700:
        (_, o_top, o_right, _), (d_left, d_top, _, _) = found["columns"]
        assert o_right <= d_left and abs(o_top - d_top) < 2  # two columns, side by side
    else:
        (o_left, _, _, o_bottom), (d_left, d_top, _, _) = found["columns"]
        assert abs(o_left - d_left) < 2 and o_bottom <= d_top  # stacked
        assert found["overflow"][0] <= found["overflow"][1]

    # A sentence pointed at lights up its counterpart in the other column.
    segment = page.locator("#text-d .seg").nth(1)
    pair = segment.get_attribute("data-pair")
    segment.hover()
    assert page.locator(f'#text-o .seg[data-pair="{pair}"]').get_attribute("class").split()[-1] == "paired"
    segment.focus()
    assert "paired" in page.locator(f'#text-o .seg[data-pair="{pair}"]').get_attribute("class")

    assert_accessible(page, f"side by side at {width}px")
    assert page.errors == []


def test_the_columns_scroll_together(page_for, analyst, workspace, corpus_text):
    _, translation, _ = make_pair(workspace, analyst, arabic_original=True, corpus_text=corpus_text)
    page = page_for(analyst)
    page.set_viewport_size({"width": 1366, "height": 420})
    open_arrived(page, reverse("archive:source_aligned", args=[workspace.slug, translation.pk]))
    scrollable = page.evaluate(
        "() => [...document.querySelectorAll('.aligned-text')].map((c) => c.scrollHeight > c.clientHeight)"
    )
    assert scrollable == [True, True]
    page.locator("#text-d").hover()
    page.mouse.wheel(0, 2000)
    page.wait_for_function("() => document.getElementById('text-o').scrollTop > 0")
    assert page.errors == []


def test_a_column_the_page_scrolls_leaves_the_other_where_it_is(page_for, analyst, workspace, corpus_text):
    # Scroll anchoring as a web font swaps in scrolls a column as a script does.
    _, translation, _ = make_pair(workspace, analyst, arabic_original=True, corpus_text=corpus_text)
    page = page_for(analyst)
    page.set_viewport_size({"width": 1366, "height": 420})
    open_arrived(page, reverse("archive:source_aligned", args=[workspace.slug, translation.pk]))
    page.evaluate("() => { const d = document.getElementById('text-d'); d.scrollTop = d.scrollHeight; }")
    page.wait_for_function("() => document.getElementById('text-d').scrollTop > 0")
    page.evaluate("() => new Promise((done) => setTimeout(done, 300))")  # past any following
    assert page.evaluate("() => document.getElementById('text-o').scrollTop") == 0
    assert page.errors == []


@pytest.mark.parametrize(("width", "height"), [(1366, 800), (390, 844)], ids=["desktop", "phone"])
def test_the_reading_page_shows_the_passage_in_the_original(
    page_for, analyst, workspace, corpus_text, width, height
):
    _, translation, passage = make_pair(workspace, analyst, arabic_original=True, corpus_text=corpus_text)
    AnnotationFactory(workspace=workspace, passages=[passage], author=analyst, body="Which figure?")
    page = page_for(analyst)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(reverse("archive:source", args=[workspace.slug, translation.pk]))
    if width < 700:
        page.get_by_role("button", name="Annotations and evidence (1)").click()
    counterpart = page.locator(".across .counterpart q")
    expect(counterpart).to_be_visible()
    assert counterpart.evaluate("(q) => getComputedStyle(q).direction") == "rtl"
    # Retried: on a phone the card slides in, and while it is off screen its text is
    # not rendered (content-visibility), so innerText would read "".
    expect(page.locator(".across")).to_contain_text("In the original")
    assert_accessible(page, f"reading page with counterparts at {width}px")
    page.locator(".across a", has_text="side by side").click()
    expect(page.locator("#text-o mark.hl-aligned")).to_be_visible()
    assert page.errors == []


def test_an_analyst_marks_a_divergence_explained_in_the_browser(page_for, analyst, workspace, corpus_text):
    _, translation, _ = make_pair(workspace, analyst, arabic_original=False, corpus_text=corpus_text)
    page = page_for(analyst)
    page.goto(reverse("archive:source_aligned", args=[workspace.slug, translation.pk]))
    flags = page.locator(".flag-item")
    expect(flags).to_have_count(2)  # the changed year and the dropped "FSA"
    number = flags.filter(has_text="number")
    number.get_by_text("Mark as explained").first.click()
    number.get_by_label("Why the texts may differ here").fill("The translator's own error, checked.")
    number.get_by_role("button", name="Mark as explained").click()
    expect(page.locator(".flag-item.explained")).to_have_count(1)
    note = DivergenceNote.objects.get()
    assert (note.kind, note.here, note.there) == ("number", "٢٠١٣", "2012")
    [row] = note.history.all()
    assert (row.history_user, row.history_change_reason) == (analyst, "The translator's own error, checked.")
    assert page.locator("#text-d mark.flag-explained").count() == 1
    assert_accessible(page, "side by side after explaining")
    assert page.errors == []


PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}

IN_VIEW = """
(el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }
"""

# Resolves once the page has not scrolled for a few frames.
SETTLED = """
() => new Promise((done) => {
  let last = window.scrollY, still = 0;
  const check = () => {
    still = window.scrollY === last ? still + 1 : 0;
    last = window.scrollY;
    if (still >= 10) done(); else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})
"""


def phone_page_at_a_sentence(page_for, analyst, workspace, corpus_text, **options):
    """A phone showing the aligned page scrolled to the English translation's first sentence,
    whose Arabic counterpart (in the column above) is out of sight."""
    _, translation, _ = make_pair(workspace, analyst, arabic_original=True, corpus_text=corpus_text)
    page = page_for(analyst, **PHONE, **options)
    open_arrived(page, reverse("archive:source_aligned", args=[workspace.slug, translation.pk]))
    english = page.locator("#text-d .seg").first
    english.evaluate("(el) => el.scrollIntoView({ block: 'center' })")
    arabic = page.locator(f'#text-o .seg[data-pair="{english.get_attribute("data-pair")}"]')
    assert english.evaluate(IN_VIEW) and not arabic.evaluate(IN_VIEW)
    return page, english, arabic


def test_a_tapped_sentence_brings_its_counterpart_into_view_and_back(
    page_for, analyst, workspace, corpus_text
):
    page, english, arabic = phone_page_at_a_sentence(page_for, analyst, workspace, corpus_text)
    english.tap()
    expect(arabic).to_have_class(re.compile(r"\bpaired\b"))
    page.evaluate(SETTLED)  # the scroll is smooth
    assert arabic.evaluate(IN_VIEW) and not english.evaluate(IN_VIEW)
    expect(arabic).to_be_focused()
    arabic.tap()
    page.evaluate(SETTLED)
    assert english.evaluate(IN_VIEW) and not arabic.evaluate(IN_VIEW)
    expect(english).to_be_focused()
    assert_accessible(page, "side by side on a phone, after taps")
    assert page.errors == []


def test_with_reduced_motion_the_counterpart_is_in_view_at_once(page_for, analyst, workspace, corpus_text):
    page, english, arabic = phone_page_at_a_sentence(
        page_for, analyst, workspace, corpus_text, reduced_motion="reduce"
    )
    english.tap()
    assert arabic.evaluate(IN_VIEW)
    assert page.errors == []


def test_enter_on_a_sentence_takes_the_keyboard_to_its_counterpart(page_for, analyst, workspace, corpus_text):
    page, english, arabic = phone_page_at_a_sentence(
        page_for, analyst, workspace, corpus_text, reduced_motion="reduce"
    )
    english.focus()
    assert "paired" in arabic.get_attribute("class").split()
    page.keyboard.press("Enter")
    expect(arabic).to_be_focused()
    assert arabic.evaluate(IN_VIEW)
    page.keyboard.press("Enter")
    expect(english).to_be_focused()
    assert english.evaluate(IN_VIEW)
    assert page.errors == []


def said_width(segment) -> float:
    return segment.locator(".pair-said").evaluate("(said) => said.getBoundingClientRect().width")


def test_a_sentence_with_the_focus_shows_its_alignment_confidence(page_for, analyst, workspace, corpus_text):
    _, translation, _ = make_pair(workspace, analyst, arabic_original=True, corpus_text=corpus_text)
    page = page_for(analyst, **PHONE)  # a touch screen: nothing to hover
    open_arrived(page, reverse("archive:source_aligned", args=[workspace.slug, translation.pk]))
    arabic = page.locator("#text-o .seg").first
    english = page.locator(f'#text-d .seg[data-pair="{arabic.get_attribute("data-pair")}"]')
    said = re.compile(r"^ \(sentence pair 1: alignment confidence \d+%, (high|medium|low)\)$")
    expect(arabic.locator(".pair-said")).to_have_text(said)  # what a screen reader reads with it
    assert said_width(arabic) <= 1 and said_width(english) <= 1
    arabic.focus()
    assert said_width(arabic) > 100 and said_width(english) <= 1
    assert arabic.locator(".pair-said").evaluate(IN_VIEW)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    assert_accessible(page, "side by side on a phone, a sentence's confidence shown")
    assert page.errors == []
