"""{% stacked_table %}: labels a listing's cells with their column headers, for its cards on a phone."""

import re
from pathlib import Path

from django.template import Context, Template
from django.template.loader import render_to_string

from archive.audit.diffing import FieldChange, Segment

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Tables that keep scrolling sideways on a phone by design.
SCROLLING = {"ach-matrix"}


def stacked(table: str, **context) -> str:
    return Template("{% load warrant_tables %}{% stacked_table %}" + table + "{% endstacked_table %}").render(
        Context(context)
    )


def test_each_body_cell_is_labelled_with_its_column_header():
    html = stacked(
        '<table class="listing"><thead><tr><th>Title</th><th title="x">Started\n  by</th></tr></thead>'
        "<tbody><tr><td>One</td><td class=who>{{ who }}</td></tr>"
        "<tr><td>Two</td><td>—</td></tr></tbody></table>",
        who="<b>me</b>",
    )
    assert html == (
        '<table class="listing" data-stacked><thead><tr><th>Title</th><th title="x">Started\n  by</th></tr>'
        '</thead><tbody><tr><td data-label="Title">One</td><td class=who data-label="Started by">'
        '&lt;b&gt;me&lt;/b&gt;</td></tr><tr><td data-label="Title">Two</td><td data-label="Started by">—</td>'
        "</tr></tbody></table>"
    )


def test_a_label_is_the_header_s_text_escaped():
    html = stacked(
        '<table><thead><tr><th>Q&amp;A <span class="visually-hidden">"asked"</span></th></tr></thead>'
        "<tbody><tr><td>1</td></tr></tbody></table>"
    )
    assert '<td data-label="Q&amp;A &quot;asked&quot;">1</td>' in html


def test_a_cell_across_several_columns_has_no_label_and_the_next_one_its_own():
    html = stacked(
        "<table><thead><tr><th>A</th><th colspan=2>B</th><th>C</th></tr></thead>"
        '<tbody><tr><td colspan="3">none</td><td>c</td></tr>'
        "<tr><td>a</td><td>b</td><td>b2</td></tr></tbody></table>"
    )
    assert '<td colspan="3">none</td><td data-label="C">c</td>' in html
    assert '<td data-label="A">a</td><td data-label="B">b</td><td data-label="B">b2</td>' in html


def test_a_table_inside_a_cell_keeps_its_own_cells_unlabelled():
    html = stacked(
        "<table><thead><tr><th>Outer</th></tr></thead><tbody><tr><td>"
        "<table><thead><tr><th>Inner</th></tr></thead><tbody><tr><td>x</td></tr></tbody></table>"
        "</td></tr></tbody></table>"
    )
    assert html.count("data-stacked") == 1
    assert '<td data-label="Outer"><table><thead>' in html and "<td>x</td>" in html


def test_every_listing_but_a_scrolling_one_stacks_on_a_phone():
    unstacked = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        stacked_parts = re.findall(r"{% stacked_table %}(.*?){% endstacked_table %}", text, re.S)
        for classes in re.findall(r'<table class="([^"]*\blisting\b[^"]*)"', text):
            inside = any(f'class="{classes}"' in part for part in stacked_parts)
            if not inside and not SCROLLING & set(classes.split()):
                unstacked.append((path.relative_to(TEMPLATES).as_posix(), classes))
    assert unstacked == []


def test_a_history_change_keeps_its_cells_in_the_page_direction_and_isolates_each_value():
    changes = [
        FieldChange(name="name", label="name", before="Hawran Voice", after="صوت حوران"),
        FieldChange(
            name="text",
            label="text",
            before="",
            after="",
            words=[Segment("equal", "قال "), Segment("insert", "أمس")],
        ),
    ]
    html = render_to_string("archive/audit/_changes.html", {"changes": changes})
    assert '<td class="before" data-label="Before"><bdi>Hawran Voice</bdi></td>' in html
    assert '<td class="after" data-label="After"><bdi>صوت حوران</bdi></td>' in html
    assert '<td colspan="2"><div class="word-diff" dir="auto">قال <ins>أمس</ins></div></td>' in html
