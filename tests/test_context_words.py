"""The context shown around a passage (the claim page's evidence, the review queue, the
re-anchored passages) is cut between words, never inside one: a name keeps its letters."""

from archive.core.spans import CONTEXT_LENGTH, InContext, in_context, selector_for

NAME = "مُحَمَّد"
ARABIC = f"قال {NAME} الأحمد مدير الدفاع المدني في درعا إن فرق الإنقاذ انتشلت جثث ثلاثة أطفال."
ENGLISH = (
    "Witnesses said the pump building near the water station was hit twice at dawn on Monday, "
    "then again at noon."
)


def shown(text: str, quote: str) -> InContext:
    start = text.index(quote)
    selector = selector_for(text, start, start + len(quote))
    return in_context(selector.start, selector.prefix, selector.exact, selector.suffix)


def test_context_cut_inside_a_name_with_harakat_starts_at_the_word_after_it():
    cut = ARABIC.index("في درعا") - CONTEXT_LENGTH
    assert ARABIC.index(NAME) < cut < ARABIC.index(NAME) + len(NAME)  # the kept context starts inside it
    context = shown(ARABIC, "في درعا")
    assert (context.cut_before, context.before) == (True, "الأحمد مدير الدفاع المدني ")


def test_context_cut_inside_english_words_keeps_only_whole_words_either_side():
    context = shown(ENGLISH, "was hit twice")
    assert (context.before, context.after) == ("near the water station ", " at dawn on Monday, then again")
    assert context.cut_before and context.cut_after


def test_a_space_carrying_a_combining_mark_is_not_taken_for_the_start_of_a_word():
    # U+0301 after a space is one cluster with it: the context starts at the next space.
    context = in_context(100, "ab \u0301cd later words", "quote", "")
    assert context.before == "later words"
