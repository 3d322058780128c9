"""Re-anchoring passages after a source's text changes: the pure search
(archive.passages.reanchoring) and the correction service (archive.passages.correction)."""

import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.audit.ledger import verify_workspace
from archive.core.editing import StaleVersion
from archive.core.graphemes import grapheme_bounds
from archive.core.text import normalize_text
from archive.models import AnchorStatus, HistoryAction, HistoryEntry, Passage, Source
from archive.passages import carrying
from archive.passages.correction import correct_source_text
from archive.passages.reanchoring import AnchorResult, reanchor
from archive.passages.selectors import TextSelector, selector_for
from tests.factories import PassageFactory, SourceFactory
from tests.pages import DELETED, EDITED, FILLER, KEPT

PLAIN = (
    "Russian airstrikes were increased, reaching 120 a week. "
    "Al-Rashideen area in Aleppo underwent more than 400 airstrikes. "
    "The city was completely surrounded in the summer of 2012."
)
ARABIC = "قال مُدير المحطة إن درعا صمدت. أما حلب فقد سقطت بعد حصار طويل. وتراجعت الفصائل إلى الأحياء الداخلية."
EMOJI = "Flood 🌊🌊 hit Daraa al-Balad 🔥 at dawn. Families fled 🏃 north toward the border 🚧 before noon."


def select(text: str, quote: str, occurrence: int = 0) -> TextSelector:
    """The selector of the `occurrence`-th (from 0) `quote` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return selector_for(text, start, start + len(quote))


def anchor(old_text: str, new_text: str, selector: TextSelector) -> AnchorResult:
    [result] = reanchor([selector], old_text=old_text, new_text=new_text)
    return result


# Edits beside an untouched passage: (text, passage, text before the edit, after).
EDITS_OUTSIDE = [
    pytest.param(PLAIN, "reaching 120 a week", "Russian", "Heavy Russian", id="plain-insert-before"),
    pytest.param(
        PLAIN, "reaching 120 a week", "Russian airstrikes were increased, ", "", id="plain-delete-before"
    ),
    pytest.param(
        PLAIN, "reaching 120 a week", "Russian", "The Russian and Syrian", id="plain-replace-before"
    ),
    pytest.param(PLAIN, "Al-Rashideen area", "summer of 2012", "summer of 2016", id="plain-replace-after"),
    pytest.param(PLAIN, "Al-Rashideen area", "The city was", "Later the city was", id="plain-insert-after"),
    pytest.param(ARABIC, "درعا صمدت", "قال", "وقال", id="arabic-insert-before"),
    pytest.param(ARABIC, "فقد سقطت", "قال مُدير المحطة إن ", "", id="arabic-delete-before"),
    pytest.param(ARABIC, "فقد سقطت", "الداخلية", "الشرقية", id="arabic-replace-after"),
    pytest.param(EMOJI, "Daraa al-Balad", "Flood 🌊🌊", "Flood 🌊🌊🌊", id="emoji-insert-before"),
    pytest.param(EMOJI, "Families fled 🏃", "🔥 ", "", id="emoji-delete-before"),
    pytest.param(EMOJI, "Families fled 🏃", "🚧", "🛂", id="emoji-replace-after"),
]


@pytest.mark.parametrize(("text", "quote", "old", "new"), EDITS_OUTSIDE)
def test_passage_untouched_by_an_edit_stays_exact_at_its_new_offsets(text, quote, old, new):
    new_text = text.replace(old, new, 1)
    result = anchor(text, new_text, select(text, quote))
    assert result == AnchorResult(
        AnchorStatus.EXACT, new_text.index(quote), new_text.index(quote) + len(quote)
    )


# Small edits inside a passage: (text, passage, text before the edit, after).
EDITS_INSIDE = [
    pytest.param(PLAIN, "Al-Rashideen area in Aleppo", "Rashideen", "Rashidin", id="plain-typo-fix"),
    pytest.param(PLAIN, "were increased, reaching 120 a week", "120", "about 120", id="plain-insertion"),
    pytest.param(PLAIN, "surrounded in the summer of 2012", "the ", "", id="plain-deletion"),
    pytest.param(ARABIC, "أما حلب فقد سقطت بعد", "سقطت", "سُقطت", id="arabic-diacritic-added"),
    pytest.param(EMOJI, "Families fled 🏃 north toward", "🏃", "🏃🏃", id="emoji-insertion"),
]


@pytest.mark.parametrize(("text", "quote", "old", "new"), EDITS_INSIDE)
def test_small_edit_inside_a_passage_anchors_it_fuzzily_on_the_edited_words(text, quote, old, new):
    edited = quote.replace(old, new, 1)
    new_text = text.replace(quote, edited, 1)
    result = anchor(text, new_text, select(text, quote))
    assert result.status == AnchorStatus.FUZZY
    assert new_text[result.start : result.end] == edited


def test_a_passage_edited_inside_keeps_its_last_word_when_the_text_after_it_moved():
    # The paragraph after the passage moved and another took its place: the diff pairs the
    # passage's last letters ("y.") with that paragraph's, and the passage must not end in "Jul".
    before = [FILLER[0], EDITED, KEPT, DELETED, FILLER[1]]
    after = [FILLER[0], EDITED.replace("forty", "fourteen"), FILLER[1], KEPT]
    text, new_text = "\n".join(before), "\n".join(after)
    result = anchor(text, new_text, select(text, EDITED))
    assert result.status == AnchorStatus.FUZZY
    assert new_text[result.start : result.end] == EDITED.replace("forty", "fourteen")


def test_deleted_passage_is_orphaned_and_keeps_its_old_offsets():
    selector = select(PLAIN, "Al-Rashideen area in Aleppo")
    new_text = PLAIN.replace("Al-Rashideen area in Aleppo underwent more than 400 airstrikes. ", "")
    assert anchor(PLAIN, new_text, selector) == AnchorResult(
        AnchorStatus.ORPHANED, selector.start, selector.end
    )


def test_passage_rewritten_in_other_words_is_orphaned():
    selector = select(PLAIN, "more than 400 airstrikes")
    new_text = PLAIN.replace("more than 400 airstrikes", "over four hundred raids")
    assert anchor(PLAIN, new_text, selector).status == AnchorStatus.ORPHANED


def test_long_insertion_inside_a_passage_becomes_part_of_it():
    quote = "Al-Rashideen area in Aleppo underwent more than 400 airstrikes"
    insertion = "(according to the local council's own records) "
    new_text = PLAIN.replace("underwent ", "underwent " + insertion)
    result = anchor(PLAIN, new_text, select(PLAIN, quote))
    assert result.status == AnchorStatus.FUZZY
    assert new_text[result.start : result.end] == quote.replace("underwent ", "underwent " + insertion)


def test_passage_cut_by_two_fifths_at_its_start_is_found_on_what_is_left():
    quote = "Al-Rashideen area in Aleppo underwent more than 400 airstrikes"
    new_text = PLAIN.replace("Al-Rashideen area in ", "")
    result = anchor(PLAIN, new_text, select(PLAIN, quote))
    assert result.status == AnchorStatus.FUZZY
    assert new_text[result.start : result.end] == "Aleppo underwent more than 400 airstrikes"


def test_passage_with_a_long_replacement_after_a_short_first_word_is_found_on_both_sides():
    text = "The report says: In Daraa the siege began in 2013 but the factions held out. Nothing more."
    quote = "In Daraa the siege began in 2013 but the factions held out"
    new_text = text.replace("the siege began in 2013 but", "a long blockade was laid by the army, yet")
    result = anchor(text, new_text, select(text, quote))
    assert result.status == AnchorStatus.FUZZY
    replaced = quote.replace("the siege began in 2013 but", "a long blockade was laid by the army, yet")
    assert new_text[result.start : result.end] == replaced


def test_insertion_repeating_a_passages_words_before_it_is_not_taken_for_it():
    quote = "Al-Rashideen area in Aleppo underwent more than 400 airstrikes"
    echo = "Aleppo more than airstrikes in the area were reported by Al-Rashideen residents. "
    new_text = PLAIN.replace(quote, echo + quote.replace("400", "four hundred"))
    result = anchor(PLAIN, new_text, select(PLAIN, quote))
    assert result.status == AnchorStatus.FUZZY
    assert new_text[result.start : result.end] == quote.replace("400", "four hundred")


WATER = "Residents of the old quarter said the water station stopped working on Tuesday after the shelling."


# A short quote whose surroundings were rewritten, the rewrite holding the
# same words: (text, rewritten stretch, its rewrite, quote, which occurrence).
REWRITTEN_AROUND_A_SHORT_QUOTE = {
    "the same word, both sides new": (
        WATER,
        "Residents of the old quarter said the water station stopped",
        "Engineers from the city council confirmed the pumps had",
        "the",
        1,  # "said the water"
    ),
    "a word found once, kept by the diff": (
        "The council met on Monday. It said that the pumps were broken beyond repair by the shelling.",
        "It said that the pumps were broken beyond",
        "Engineers from abroad inspected the pumps on the roof, past any",
        "pumps",
        0,
    ),
    "re-inserted with a few equal characters after it": (
        "All the families left the north quarter at dawn before. Aleppo station daraa to the south "
        "was shelled again. Nobody could reach the pumps.",
        # The rewrite keeps " station " after the quote; its other words and the text before are new.
        "north quarter at dawn before. Aleppo station daraa to the south was shelled",
        "town after the fell on the pump building. He Aleppo station in Tell al-Zaytoun stopped",
        "Aleppo",
        0,
    ),
}


@pytest.mark.parametrize(
    ("text", "rewritten", "rewrite", "quote", "occurrence"),
    REWRITTEN_AROUND_A_SHORT_QUOTE.values(),
    ids=REWRITTEN_AROUND_A_SHORT_QUOTE.keys(),
)
def test_short_quote_whose_surroundings_were_rewritten_is_orphaned(
    text, rewritten, rewrite, quote, occurrence
):
    new_text = text.replace(rewritten, rewrite)
    assert new_text != text
    result = anchor(text, new_text, select(text, quote, occurrence))
    assert result.status == AnchorStatus.ORPHANED


def test_short_quote_inside_a_word_is_orphaned_when_the_word_changed():
    text = "Residents of the north after the neighbourhood shelling after the in and out of the city fled."
    # "in" of "shelling" is now "in" of "morning", with the same text after it.
    new_text = text.replace(
        "neighbourhood shelling after the in and", "Tuesday morning in morning after three"
    )
    at = text.index("shelling") + len("shell")
    result = anchor(text, new_text, selector_for(text, at, at + len("in")))
    assert result.status == AnchorStatus.ORPHANED


def test_short_damaged_quote_with_edits_close_on_both_sides_is_found_by_its_surviving_words():
    text = (
        "The consecutive defeats in Qusayar, Yabroud, Zabadani, the old city of Homs, and Darayya, "
        "and the inaction of the political opposition, the grassroots of the revolution became confused. "
        "Daraa held out."
    )
    quote = "and Darayya, and the inaction"
    # Part of the quote is replaced; words are deleted and replaced close before and after it.
    new_text = text.replace("city of Homs", "").replace("and the inac", "astopped")
    new_text = new_text.replace("the political opposition", "right")
    result = anchor(text, new_text, select(text, quote))
    assert result.status == AnchorStatus.FUZZY
    assert new_text[result.start : result.end] == "and Darayya, astoppedtion"


def test_short_quote_kept_beside_its_context_stays_exact():
    text = WATER
    new_text = text.replace("Residents of", "Many residents of")
    result = anchor(text, new_text, select(text, "the", 1))
    assert result == AnchorResult(AnchorStatus.EXACT, new_text.index("the water"), new_text.index(" water"))


def test_short_quote_whose_neighbouring_words_changed_stays_exact_where_most_of_its_context_is_kept():
    text = (
        "Their control extended from al-Khalidiyya neighborhood in the east to Ramouseh in the west, "
        "including most of the old city districts, which were called the liberated areas."
    )
    # Words are deleted and replaced right before and after the quote: only
    # a space is equal beside it on each side, and its context further off
    # has changed too, but three quarters of it is kept.
    new_text = text.replace("Ramouseh in the west, ", "Ramouseh in west: ").replace(
        "most of the old city", "most in old city"
    )
    result = anchor(text, new_text, select(text, "including most"))
    assert result == AnchorResult(AnchorStatus.EXACT, new_text.index("including"), new_text.index(" in old"))
    assert result.score == 1.0


def test_copy_of_a_replaced_passage_in_other_unchanged_text_is_not_taken():
    boilerplate = "Share this article: Facebook, Twitter, WhatsApp, Email. Subscribe to our newsletter.\n\n"
    old_text = "First report.\n\n" + boilerplate + "Second report on Daraa.\n\n" + boilerplate + "End."
    replacement = "The council published its own figures on Monday. Second"
    new_text = old_text.replace(boilerplate + "Second", replacement, 1)
    result = anchor(old_text, new_text, select(old_text, "Twitter, WhatsApp, Email"))
    assert result.status == AnchorStatus.ORPHANED


def test_copy_of_a_replaced_passage_in_other_text_edited_beside_it_is_not_taken():
    boilerplate = "Share this article: Facebook, Twitter, WhatsApp, Email. Subscribe to our newsletter.\n\n"
    old_text = "First report.\n\n" + boilerplate + "Second report on Daraa.\n\n" + boilerplate + "End."
    replacement = "The council published its own figures on Monday. Second"
    new_text = old_text.replace(boilerplate + "Second", replacement, 1).replace(
        "Facebook, Twitter", "Facebook,Twitter"
    )
    result = anchor(old_text, new_text, select(old_text, "Twitter, WhatsApp, Email"))
    assert result.status == AnchorStatus.ORPHANED


def test_passage_is_found_beside_an_echo_of_its_words_inserted_before_it():
    quote = "station neighbourhood water families before the north gate"
    old_text = "The report on the old quarter. " + quote + " were counted again. The end."
    # An insertion before the passage repeats some of its words in another
    # order; part of the passage itself is replaced.
    echo = "the station water families without drinking neighbourhood north water gate several "
    new_text = old_text.replace(quote, echo + quote.replace("before the", "near its"))
    result = anchor(old_text, new_text, select(old_text, quote))
    assert result.status == AnchorStatus.FUZZY
    assert result.start >= new_text.index(echo) + len(echo) - 1


# A damaged passage with an echo of its words inserted right before it:
# (text before, quote, text after, echo, the quote damaged).
ECHOES = {
    # The echo holds "avoids taking any decisions" word for word; the
    # passage itself lost "s taking " to a replacement.
    "holding more of its words in a row": (
        "Regional deals.\n\nAccordingly, ",
        "Astana negotiations avoids taking any decisions",
        " regarding the southern region, said the envoy.",
        "permission copy negotiations and avoids taking any decisions 2. Astana of the modified rule. A ",
        "Astana negotiations avoidone thatany decisions",
    ),
    # The echo holds the passage's words out of order, and the passage lost
    # "ctor\n" to a replacement: the diff pairs "International" and "Factor"
    # with the echo, and the surviving pieces span both.
    "that the diff spans with it": (
        "by airstrikes and other firearms.\n\n  \u2022 The ",
        "International Factor\n\nThe American, Russian",
        ", French, and British presence.",
        "station to 🇸🇾 to Of American, Russian the daraa in 🚧. International before 👋🏽 Factor The "
        "the and 🌊 to ",
        "International Fain\nThe American, Russian",
    ),
    # The echo holds "revolutionary" and "thinking,", which the passage
    # itself lost part of: the pieces the diff kept in the echo are not all
    # in the passage again, but the passage keeps both ends of the quote.
    "spanned with it, the passage damaged in its middle": (
        "In the absence of critical ",
        "revolutionary thinking, the failure to review",
        " the defeats in Qusayar, the scene repeated.",
        "the meeting has lasted two hours: revolutionary men and thinking, to review the official body. ",
        "revolutionary thhours, the failure to review",
    ),
    # The echo is more than twice the passage's length, and the diff pairs
    # "decision-making" with the echo's: text right beside the surviving
    # pieces aligns better than their span, and the passage, past the rest
    # of the echo, better still.
    "longer than the passage": (
        "This has shifted Daraa affair ",
        "to the international decision-making",
        " circles pending the conclusion of understandings.",
        "about hours. morning decision-making to two men who lasted at the international table and ",
        "to the internatmarketcision-making",
    ),
}


@pytest.mark.parametrize(("before", "quote", "after", "echo", "damaged"), ECHOES.values(), ids=ECHOES.keys())
def test_damaged_passage_is_found_apart_from_an_echo_of_its_words(before, quote, after, echo, damaged):
    old_text = before + quote + after
    new_text = before + echo + damaged + after
    result = anchor(old_text, new_text, select(old_text, quote))
    assert result.status == AnchorStatus.FUZZY
    assert new_text[result.start : result.end] == damaged


def test_short_phrase_found_once_is_found_in_place_though_its_context_was_rewritten():
    quote = "whether in an action of"
    old_text = (
        "In no event shall the authors be liable for any claim, damages or other liability, "
        + quote
        + " contract, tort or otherwise, arising from, out of or in connection with the Software."
    )
    # Both sides of the phrase are rewritten: too little of its context is
    # left to tell it, but the phrase itself, found once in each text, does.
    new_text = (
        "In no event shall the authors be liable for drinking water, and, else is covering it damages, "
        + quote
        + " contract, out of or to resort to the in connection with the Software."
    )
    result = anchor(old_text, new_text, select(old_text, quote))
    assert result.status == AnchorStatus.EXACT
    assert new_text[result.start : result.end] == quote


def test_short_phrase_found_twice_still_needs_its_context():
    quote = "whether in an action of"
    old_text = (
        "The authors are not liable for any claim or damages, "
        + quote
        + " contract or tort, arising from the Software. They answer no claim "
        + quote
        + " law."
    )
    new_text = old_text.replace("for any claim or damages, ", "for drinking water, and else is covering it, ")
    new_text = new_text.replace(" contract or tort, arising", " fire or flood, and so on")
    result = anchor(old_text, new_text, select(old_text, quote))
    assert result.status == AnchorStatus.ORPHANED


def test_surviving_text_that_holds_half_the_quote_only_with_whitespace_is_not_taken():
    # " aa" survives, half of "aaa aa", but a span does not start on the
    # space: "aa" alone is a third of the quote.
    result = anchor("aaa aa", " aa", selector_for("aaa aa", 0, 6))
    assert result.status == AnchorStatus.ORPHANED


def test_fuzzy_span_does_not_split_a_grapheme_cluster():
    text = "Families fled north toward the border before noon."
    # An accent added to the letter after the passage joins its cluster.
    new_text = text.replace("border before", "border before").replace("north toward", "nort toward")
    new_text = new_text.replace("the border", "the border\u0301")
    result = anchor(text, new_text, select(text, "north toward the border"))
    assert result.status == AnchorStatus.FUZZY
    assert new_text[result.start : result.end] == "nort toward the border\u0301"


def test_every_result_has_a_score_and_a_reason():
    quote = "Al-Rashideen area in Aleppo underwent more than 400 airstrikes"
    found = anchor(PLAIN, PLAIN.replace("underwent", "suffered"), select(PLAIN, quote))
    lost = anchor(PLAIN, PLAIN.replace(quote, "nothing"), select(PLAIN, quote))
    assert 0 < found.score <= 1 and found.reason
    assert lost.score == 0 and lost.reason


def test_passage_in_a_moved_sentence_is_moved_with_it():
    first, rest = PLAIN.split(". ", 1)
    new_text = f"{rest} {first}."
    result = anchor(PLAIN, new_text, select(PLAIN, "reaching 120 a week"))
    assert result.status == AnchorStatus.MOVED
    assert result.start == new_text.index("reaching 120 a week")


def test_repeated_phrase_is_found_by_its_context_not_by_nearness():
    daraa = "In Daraa the siege began in 2013 but the factions held. "
    homs = "In Homs the siege began in 2014 and lasted two years. "
    old_text = (
        "The report covers two cities. " + daraa + "Aleppo fell in 2016. Daraa withstood. Then came 2018."
    )
    # Daraa's sentence moved to the end; a sentence on Homs added near where it was.
    new_text = (
        "The report covers two cities. Aleppo fell in 2016. " + homs + "Daraa withstood. Then came 2018. "
    )
    new_text += daraa.strip()
    result = anchor(old_text, new_text, select(old_text, "the siege began"))
    # Which of two swapped sentences moved is the diff's choice: kept in place
    # (exact) or moved, the passage is on Daraa's sentence.
    assert result.status in (AnchorStatus.EXACT, AnchorStatus.MOVED)
    assert result.start == new_text.rindex("the siege began")  # Daraa's, not the nearer Homs'


def test_moved_passage_is_found_among_many_occurrences_of_its_quote():
    reports = "".join(f"Report {n}: the city was calm. " for n in range(80))
    shelling = "At dawn the city was shelled from the north. "
    old_text = "Intro. " + shelling + reports
    new_text = "Intro. " + reports + shelling
    result = anchor(old_text, new_text, select(old_text, "the city"))
    assert result == AnchorResult(
        AnchorStatus.MOVED, new_text.rindex("the city"), new_text.rindex("the city") + 8
    )


def test_moved_passage_is_found_though_more_than_fifty_other_copies_have_more_equal_context():
    # The copies in the reports keep " " and " was " beside the quote; the
    # moved sentence keeps none of it exactly, only most of its context.
    reports = "".join(f"Report {n}: the city was calm. " for n in range(80))
    old_text = "Intro. At dawn the city was shelled from the north. " + reports
    new_text = "Intro. " + reports + "At dawn, the city, was shelled from the north."
    result = anchor(old_text, new_text, select(old_text, "the city"))
    assert (result.status, result.start) == (AnchorStatus.MOVED, new_text.rindex("the city"))


def test_quote_left_only_in_other_unchanged_text_is_not_taken():
    text = "The regime shelled the old city of Daraa at night. Residents said the regime shelled the market."
    new_text = text.replace("The regime shelled the old city of Daraa at night. ", "")
    result = anchor(text, new_text, select(text, "regime shelled"))
    assert result.status == AnchorStatus.ORPHANED


def test_approximate_match_in_other_unchanged_text_is_not_taken():
    text = "Witnesses said the regime shelled Daraa at dawn. Later the regime shelled Aleppo from the air."
    new_text = text.replace("Witnesses said the regime shelled Daraa at dawn. ", "")
    result = anchor(text, new_text, select(text, "the regime shelled Daraa"))
    assert result.status == AnchorStatus.ORPHANED


def test_passage_on_a_removed_duplicate_paragraph_moves_to_the_copy_left():
    paragraph = "The two revolting cities joined the armed confrontation with the regime in 2012.\n"
    old_text = "Intro.\n" + paragraph + "Middle.\n" + paragraph
    new_text = "Intro.\nMiddle.\n" + paragraph
    result = anchor(old_text, new_text, select(old_text, "joined the armed confrontation"))
    assert result.status == AnchorStatus.MOVED
    assert result.start == new_text.index("joined the armed confrontation")


def test_passage_on_a_removed_copy_of_boilerplate_does_not_move_to_a_copy_far_away():
    boilerplate = "Share this article: Facebook, Twitter, WhatsApp, Email. Subscribe to our newsletter.\n\n"
    report = "The water station stopped working on Tuesday after three shells hit the pump building. " * 4
    old_text = "First report.\n\n" + boilerplate + report + "\n\n" + boilerplate + "End of the reports."
    new_text = old_text.replace("\n\n" + boilerplate + "End", "\n\nEnd")
    result = anchor(old_text, new_text, select(old_text, "Twitter, WhatsApp, Email", 1))
    assert result.status == AnchorStatus.ORPHANED


def test_passage_on_a_replaced_copy_of_repeated_boilerplate_does_not_stay_on_the_next_copy():
    boilerplate = "Share this article: Facebook, Twitter, WhatsApp, Email. Subscribe to our newsletter."
    intro = "The families of the north quarter have been without drinking water for a week."
    outro = "The water station in Tell al-Zaytoun stopped working on Tuesday after the shelling."
    old_text = f"{intro}\n\n{boilerplate}\n\n\n{boilerplate}\n\n\n{boilerplate}\n\n{outro}"
    # A report replaces the first copy and the first word of the second; the
    # third copy is edited too.
    report = "Witnesses from the town confirmed that the shelling began at six and lasted two hours."
    new_text = old_text.replace(f"week.\n\n{boilerplate}\n\n\nShare ", f"week. {report} ", 1)
    new_text = new_text.replace("Facebook, Twitter", "Facebook, X").replace(
        "Facebook, X", "Facebook, Twitter", 1
    )
    result = anchor(old_text, new_text, select(old_text, "Twitter, WhatsApp, Email"))
    assert result.status == AnchorStatus.ORPHANED


def test_passages_on_adjacent_copies_of_boilerplate_follow_the_copy_that_was_kept():
    boilerplate = (
        "Share this article: Facebook, Twitter, WhatsApp, Email. "
        "Subscribe to our newsletter to get the latest news."
    )
    intro = "The families of the north quarter have been without drinking water for a week."
    outro = "The water station in Tell al-Zaytoun stopped working on Tuesday after the shelling."
    old_text = f"{intro}\n\n{boilerplate}\n\n{boilerplate}\n\n{outro}"
    # A report replaces the end of the intro and the first copy; the second
    # copy is edited after "Email.", and its words left there ("to our
    # newsletter", "the") pair with the first copy's.
    report = "Witnesses from the town confirmed that the shelling began at six."
    new_text = old_text.replace(f"drinking water for a week.\n\n{boilerplate}\n\n", f"{report}\n\n", 1)
    new_text = new_text.replace(
        "Subscribe to our newsletter to get the latest", "He added to our newsletter the site to were latest"
    )
    replaced = anchor(old_text, new_text, select(old_text, "Twitter, WhatsApp, Email"))
    kept = anchor(old_text, new_text, select(old_text, "Twitter, WhatsApp, Email", 1))
    assert replaced.status == AnchorStatus.ORPHANED
    assert kept == AnchorResult(AnchorStatus.EXACT, new_text.index("Twitter"), new_text.index(". He added"))


def test_passage_between_two_edits_in_one_sentence_stays_exact():
    text = "Russian airstrikes were increased, reaching 120 a week, near Daraa."
    new_text = text.replace("Russian", "The Russian").replace("Daraa", "Daraa al-Balad")
    result = anchor(text, new_text, select(text, "increased, reaching"))
    assert result == AnchorResult(AnchorStatus.EXACT, new_text.index("increased"), new_text.index(" 120"))


def test_orphaned_passage_is_found_again_when_its_text_comes_back():
    selector = select(PLAIN, "Al-Rashideen area in Aleppo")
    without = PLAIN.replace("Al-Rashideen area in Aleppo underwent more than 400 airstrikes. ", "")
    result = anchor(without, PLAIN, selector)  # the orphan's offsets no longer fit the old text
    assert result.status == AnchorStatus.MOVED
    assert PLAIN[result.start : result.end] == "Al-Rashideen area in Aleppo"


# The real article.

CORPUS_QUOTES = {
    "before": "the birthplace of the revolution, withstood?",
    "shifted": "reaching 120 a week",
    "typo": "Al-Rashideen area in Aleppo underwent more than 400 airstrikes",
    "deleted": "Long-range missiles were also fired from Russian warships offshore Tartus city.",
}


def corrected_corpus(text: str) -> str:
    """An editor's corrections to the article: a paragraph inserted near the
    top, a spelling fixed in one passage, a sentence deleted."""
    text = text.replace(
        "\nThe two revolting cities", "\n[Editor's note: translated from Arabic.]\n\nThe two revolting cities"
    )
    text = text.replace("Al-Rashideen area", "Al-Rashidin area")
    return text.replace(" " + CORPUS_QUOTES["deleted"], "")


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("before", AnchorStatus.EXACT),
        ("shifted", AnchorStatus.EXACT),
        ("typo", AnchorStatus.FUZZY),
        ("deleted", AnchorStatus.ORPHANED),
    ],
)
def test_corrections_to_the_corpus_article_reanchor_each_passage(corpus_text, name, status):
    text = normalize_text(corpus_text)
    new_text = corrected_corpus(text)
    result = anchor(text, new_text, select(text, CORPUS_QUOTES[name]))
    assert result.status == status
    if status != AnchorStatus.ORPHANED:
        assert new_text[result.start : result.end] == CORPUS_QUOTES[name].replace("Rashideen", "Rashidin")


# Properties: an untouched passage is found exactly under any edits elsewhere.

TEXTS = st.text(alphabet="abcdefghij ,.\n🌊🔥" + "درعاحلب", max_size=300)
# A passage holds a character found nowhere else: without one, no text tells
# whether the passage "a" of "aa" survived the edit to "a0".
PASSAGES = st.builds(
    "{}§{}".format, st.text(alphabet="abcdefghij ,.", max_size=20), TEXTS.map(lambda t: t[:20])
)
# Inserted text uses characters the texts never do, so that where it was
# inserted is never ambiguous (in "ab" + "ab", which "ab" is the old one?).
INSERTIONS = st.text(alphabet="0123456789", max_size=12)


@st.composite
def edited(draw, text: str) -> str:
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, min(12, len(text) - at)))
        text = text[:at] + draw(INSERTIONS) + text[at + cut :]
    return text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), before=TEXTS, passage=PASSAGES, after=TEXTS)
def test_untouched_passage_always_reanchors_exactly_under_random_edits_elsewhere(
    data, before, passage, after
):
    text = before + passage + after
    new_before, new_after = data.draw(edited(before)), data.draw(edited(after))
    new_text = new_before + passage + new_after
    result = anchor(text, new_text, selector_for(text, len(before), len(before) + len(passage)))
    assert result == AnchorResult(AnchorStatus.EXACT, len(new_before), len(new_before) + len(passage))


# Characters of every kind the grapheme cluster rules treat apart: letters,
# spaces, combining and Arabic marks, Arabic letters and prepended marks, ZWJ,
# emoji, skin tones, regional indicators, a spacing mark, Hangul jamo, ©.
CLUSTER_PARTS = st.text(
    alphabet="a \n\u0301é\u0627\u064e\u0600\u06dd\u200d\ufe0f\U0001f525\U0001f3fd"
    "\U0001f1f8\U0001f1fe\u0903\u1100\u1161©",
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(text=CLUSTER_PARTS)
@example(text="a\U0001f525\u200d©\u06dda")  # an emoji ZWJ sequence; a prepended mark
def test_grapheme_bounds_are_the_cluster_boundaries_at_or_around_each_offset(text):
    bounds = sorted({match.start() for match in regex.finditer(r"\X", text)} | {len(text)})
    for position in range(len(text) + 1):
        before = max(bound for bound in bounds if bound <= position)
        after = min(bound for bound in bounds if bound >= position)
        assert grapheme_bounds(text, position, position) == (before, after)


def common_subsequence(a: str, b: str) -> int:
    """The length of the longest common subsequence of a and b."""
    row = [0] * (len(b) + 1)
    for char in a:
        previous = 0
        for j, other in enumerate(b, 1):
            previous, row[j] = row[j], previous + 1 if char == other else max(row[j], row[j - 1])
    return row[-1]


@settings(max_examples=100, deadline=None)
@given(data=st.data(), text=TEXTS.filter(bool))
def test_every_reanchored_passage_keeps_at_least_half_of_its_quote_in_order(data, text):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, min(len(text), start + 40)))
    new_text = data.draw(edited(text))
    result = anchor(text, new_text, selector_for(text, start, end))
    if result.status == AnchorStatus.ORPHANED:
        assert (result.start, result.end) == (start, end)
    elif result.status in (AnchorStatus.EXACT, AnchorStatus.MOVED):
        assert new_text[result.start : result.end] == text[start:end]
    else:
        assert common_subsequence(new_text[result.start : result.end], text[start:end]) * 2 >= end - start


# The service.


@pytest.fixture
def article(workspace):
    return SourceFactory(workspace=workspace, text=PLAIN)


def passage_on(source: Source, quote: str) -> Passage:
    start = source.text.index(quote)
    return PassageFactory(source=source, start=start, length=len(quote))


def test_correction_replaces_the_text_and_reanchors_every_passage(article, ws_admin):
    moved = passage_on(article, "reaching 120 a week")
    deleted = passage_on(article, "Al-Rashideen area in Aleppo")
    new_text = "Heavy " + PLAIN.replace(
        "Al-Rashideen area in Aleppo underwent more than 400 airstrikes. ", ""
    )
    correct_source_text(source=article, user=ws_admin, new_text=new_text, reason="typo")
    moved.refresh_from_db()
    deleted.refresh_from_db()
    assert Source.objects.get(pk=article.pk).text == new_text
    assert (moved.anchor_status, moved.start) == (AnchorStatus.EXACT, new_text.index("reaching 120 a week"))
    assert (deleted.anchor_status, deleted.exact) == (AnchorStatus.ORPHANED, "Al-Rashideen area in Aleppo")


def test_correction_refreshes_the_prefix_and_suffix_of_anchored_passages(article, ws_admin):
    passage = passage_on(article, "reaching 120 a week")
    new_text = PLAIN.replace("increased, ", "increased sharply, ")
    correct_source_text(source=article, user=ws_admin, new_text=new_text, reason="missing word")
    passage.refresh_from_db()
    assert passage.prefix.endswith("increased sharply, ")
    assert passage.suffix == new_text[passage.end : passage.end + 32]


def test_fuzzy_passage_takes_the_corrected_quote(article, ws_admin):
    passage = passage_on(article, "Al-Rashideen area in Aleppo")
    new_text = PLAIN.replace("Rashideen", "Rashidin")
    correct_source_text(source=article, user=ws_admin, new_text=new_text, reason="spelling")
    passage.refresh_from_db()
    assert (passage.anchor_status, passage.exact) == (AnchorStatus.FUZZY, "Al-Rashidin area in Aleppo")


def test_correction_normalizes_the_new_text(article, ws_admin):
    correct_source_text(source=article, user=ws_admin, new_text=PLAIN + "\r\nCafe\u0301.", reason="addendum")
    assert Source.objects.get(pk=article.pk).text == PLAIN + "\nCaf\u00e9."


def test_report_counts_passages_per_status_and_lists_the_orphans(article, ws_admin):
    passage_on(article, "reaching 120 a week")
    passage_on(article, "The city was")
    orphan = passage_on(article, "Al-Rashideen area in Aleppo")
    new_text = PLAIN.replace("Al-Rashideen area in Aleppo underwent more than 400 airstrikes. ", "")
    report = correct_source_text(source=article, user=ws_admin, new_text=new_text, reason="duplicate")
    assert report.counts == {
        AnchorStatus.EXACT: 2,
        AnchorStatus.MOVED: 0,
        AnchorStatus.FUZZY: 0,
        AnchorStatus.ORPHANED: 1,
    }
    assert [passage.pk for passage in report.orphaned] == [orphan.pk]


def test_history_records_each_reanchored_passage_with_user_and_reason(article, ws_admin):
    passages = [passage_on(article, "Al-Rashideen"), passage_on(article, "The city was")]
    correct_source_text(source=article, user=ws_admin, new_text="Update. " + PLAIN, reason="lead added")
    for passage in passages:
        latest = Passage.history.filter(id=passage.pk).latest("history_date")
        assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
            "~",
            ws_admin,
            "re-anchored after text correction: lead added",
        )
        assert latest.start == passage.start + len("Update. ")


def test_reanchored_history_rows_copy_every_field_and_enter_the_ledger(article, ws_admin):
    passages = [passage_on(article, "Al-Rashideen"), passage_on(article, "The city was")]
    correct_source_text(source=article, user=ws_admin, new_text="Update. " + PLAIN, reason="lead added")
    fields = [field.attname for field in Passage._meta.concrete_fields]
    for passage in Passage.objects.filter(pk__in=[p.pk for p in passages]):
        latest = Passage.history.filter(id=passage.pk).latest("history_id")
        assert {name: getattr(latest, name) for name in fields} == {
            name: getattr(passage, name) for name in fields
        }
        entry = HistoryEntry.objects.get(model="passage", history_id=latest.history_id)
        assert (entry.action, entry.user, entry.source_id) == (HistoryAction.REANCHORED, ws_admin, article.pk)
    assert verify_workspace(article.workspace_id).ok


def test_history_records_the_text_correction_with_user_and_reason(article, ws_admin):
    correct_source_text(source=article, user=ws_admin, new_text="Update. " + PLAIN, reason="lead added")
    latest = article.history.latest("history_date")
    assert (latest.text, latest.history_user, latest.history_change_reason) == (
        "Update. " + PLAIN,
        ws_admin,
        "lead added",
    )


def test_passage_the_edit_does_not_touch_gets_no_history_row(article, ws_admin):
    passage = passage_on(article, "Russian airstrikes")
    correct_source_text(source=article, user=ws_admin, new_text=PLAIN + " More soon.", reason="addendum")
    assert Passage.history.filter(id=passage.pk).count() == 1


def test_reanchored_passage_gets_a_new_version(article, ws_admin):
    passage = passage_on(article, "The city was")
    correct_source_text(source=article, user=ws_admin, new_text="Update. " + PLAIN, reason="lead added")
    assert Passage.objects.get(pk=passage.pk).version == passage.version + 1


def test_failed_correction_leaves_text_passages_and_history_unchanged(article, ws_admin, monkeypatch):
    passage = passage_on(article, "The city was")

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(carrying, "copy_history", fail)  # the last write of a correction
    with pytest.raises(RuntimeError):
        correct_source_text(source=article, user=ws_admin, new_text="Update. " + PLAIN, reason="lead added")
    stored = Passage.objects.get(pk=passage.pk)
    assert Source.objects.get(pk=article.pk).text == PLAIN
    assert (stored.start, stored.version) == (passage.start, passage.version)
    assert article.history.count() == 1


def test_stale_correction_is_refused_and_changes_nothing(article, ws_admin):
    passage = passage_on(article, "The city was")
    with pytest.raises(StaleVersion):
        correct_source_text(
            source=article, user=ws_admin, new_text="Update. " + PLAIN, reason="x", expected_version=99
        )
    assert Source.objects.get(pk=article.pk).text == PLAIN
    assert Passage.objects.get(pk=passage.pk).start == passage.start
