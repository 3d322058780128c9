"""An HTML page's text as imported: its paragraphs one blank line apart, as a Word
document's are, and a <br> a line of its paragraph."""

import html

from archive.sources.importing.extract import extract


def page(body: str, title: str = "Daraa") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><article>{body}</article></body></html>"
    ).encode()


def text_of(body: str) -> str:
    return extract(page(body), filename="page.html").text


def words(paragraphs: list[str]) -> list[str]:
    """Each paragraph with its white space as trafilatura leaves it (one space, no no-break space)."""
    return [" ".join(paragraph.split()) for paragraph in paragraphs]


def article_lines(corpus_text: str) -> list[str]:
    """The corpus article's lines with text, from its headline on (after the blog's title)."""
    return [line.strip() for line in corpus_text.splitlines() if line.strip()][1:]


def test_an_html_pages_paragraphs_are_one_blank_line_apart(corpus_text):
    # The article as its blog shows it: a headline, paragraphs, and its bullets as subheadings.
    lines = article_lines(corpus_text)[:-1]  # the last, "related articles", is the blog's
    blocks = [
        f"<h3>{html.escape(line[2:])}</h3>" if line.startswith("• ") else f"<p>{html.escape(line)}</p>"
        for line in lines[1:]
    ]
    body = f"<h1>{html.escape(lines[0])}</h1>\n" + "\n".join(blocks)
    text = text_of(body)
    assert words(text.split("\n\n")) == words([line.removeprefix("• ") for line in lines])


def test_a_blog_post_written_with_line_breaks_has_one_blank_line_between_paragraphs(corpus_text):
    # The article pasted into one paragraph of the blog's editor: a <br> for each of its
    # line ends, nothing between them, so two or three in a row part its paragraphs.
    lines = corpus_text.split("\n")[1:]
    text = text_of(f"<p>{'<br>'.join(html.escape(line) for line in lines)}</p>")
    assert words(text.split("\n\n")) == words(article_lines(corpus_text))


def test_a_line_break_inside_a_paragraph_is_one_newline():
    text = text_of("<p>The pumps stopped at dawn.<br>Water returned at noon.</p><p>Repairs take weeks.</p>")
    assert text == "The pumps stopped at dawn.\nWater returned at noon.\n\nRepairs take weeks."


def test_headings_lists_and_quotes_are_paragraphs_with_an_item_a_line():
    body = (
        "<h2>Water</h2><p>The pumps stopped.</p><ul><li>Tell al-Zaytoun</li><li>Daraa al-Balad</li></ul>"
        "<blockquote><p>We wait for the tankers.</p><p>They come twice a week.</p></blockquote>"
        "<p>Repairs take weeks.</p>"
    )
    assert text_of(body) == (
        "Water\n\nThe pumps stopped.\n\n- Tell al-Zaytoun\n- Daraa al-Balad\n\n"
        "We wait for the tankers.\n\nThey come twice a week.\n\nRepairs take weeks."
    )


def test_empty_paragraphs_between_two_leave_one_blank_line():
    body = "<p>The pumps stopped.</p><p>&nbsp;</p><p></p><p><br></p><p>Repairs take weeks.</p>"
    assert text_of(body) == "The pumps stopped.\n\nRepairs take weeks."


def test_a_pre_blocks_blank_lines_and_indentation_are_kept():
    statement = (
        "Statement of the local council\n\n"
        "1. The pumps stopped at dawn.\n"
        "   Water returns when the spare parts arrive.\n\n\n"
        "Daraa, 10 March"
    )
    text = text_of(
        f"<p>The council posted its statement.</p><pre>{statement}</pre><p>Repairs take weeks.</p>"
    )
    assert text == f"The council posted its statement.\n\n{statement}\n\nRepairs take weeks."


def test_a_code_listing_keeps_its_blank_lines():
    listing = "def pumped(litres):\n    return litres * 2\n\n\nprint(pumped(3))"
    text = text_of(f"<p>The script the engineers ran:</p><pre><code>{listing}</code></pre>")
    assert text == f"The script the engineers ran:\n\n{listing}"


def test_a_pre_blocks_line_breaks_and_markup_keep_its_layout():
    pre = "<pre>The well is <b>dry</b>.\n\nWe <a href='/wait'>wait</a>.<br><br>We wait.</pre>"
    after = "Repairs take weeks, as spare parts must come from Damascus, the director said."
    text = text_of(f"<blockquote>{pre}</blockquote><p>{after}</p>")
    assert text == f"The well is dry.\n\nWe wait.\n\nWe wait.\n\n{after}"
