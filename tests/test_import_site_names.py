"""A site's name at an end of a page's or a file's title: proposed as the outlet and
taken off the title only where the page's address, metadata or og:title, a
document's author, or an outlet of the workspace, says it is the site's name."""

import html
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from archive.models import CaptureMethod
from archive.sources.importing import pipeline
from archive.sources.importing.capture import WebCapture
from archive.sources.importing.extract import Proposal, extract
from archive.sources.importing.pipeline import Origin, capture_source, examine, proposed_in
from tests.documents import ARTICLE_TEXT, docx_bytes, pdf_bytes
from tests.factories import OutletFactory
from tests.test_import_pipeline import run_import
from tests.test_import_views import upload

HEADLINE = "Water station out of service after shelling"


def page(title: str, *, head: str = "", body: str = f"<p>{ARTICLE_TEXT}</p>", lang: str = "en") -> bytes:
    """A news page whose one title is its <title> (no og:title, no <h1>), with `head` added."""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"{head}</head><body><nav><a href='/'>Home</a></nav><article>{body}</article></body></html>"
    ).encode()


def web_capture(url: str, body: bytes) -> WebCapture:
    return WebCapture(
        requested_url=url,
        final_url=url,
        redirects=[],
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8")],
        fetched_at=timezone.now(),
        body=body,
        warc=b"WARC/1.0 stand-in",
    )


def captured(url: str, body: bytes) -> Proposal:
    """What capturing `body` from `url` proposes."""
    return examine(Origin(CaptureMethod.URL, web=web_capture(url, body)), body).proposal


def uploaded(body: bytes) -> Proposal:
    return extract(body, filename="story.html").proposal


@pytest.mark.parametrize("separator", [" - ", " \u2013 ", " \u2014 ", " | ", " :: ", " \u00b7 "])
def test_a_site_name_after_each_separator_is_proposed_as_the_outlet_and_taken_off_the_title(separator):
    proposal = captured("https://levant-monitor.example/news/1", page(f"{HEADLINE}{separator}Levant Monitor"))
    assert (proposal.title, proposal.outlet_name) == (HEADLINE, "Levant Monitor")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.levant-monitor.example/news/1", "Levant Monitor"),
        ("https://levantmonitor.co.uk/news/1", "LEVANT MONITOR"),
        ("https://english.levant-monitor.example/news/1", "The Levant Monitor"),
        ("https://thelevantmonitor.example/news/1", "Levant-Monitor"),
    ],
)
def test_a_site_name_the_address_writes_without_spaces_capitals_or_the_is_recognised(url, name):
    proposal = captured(url, page(f"{HEADLINE} | {name}"))
    assert (proposal.title, proposal.outlet_name) == (HEADLINE, name)


def test_an_uploaded_pages_own_address_recognises_the_site_name_in_its_title():
    canonical = '<link rel="canonical" href="https://levant-monitor.example/news/1">'
    proposal = uploaded(page(f"{HEADLINE} - Levant Monitor", head=canonical))
    assert (proposal.title, proposal.outlet_name) == (HEADLINE, "Levant Monitor")


def test_a_site_name_the_og_title_leaves_off_the_title_is_proposed_as_the_outlet():
    og_title = f'<meta property="og:title" content="{HEADLINE}">'
    proposal = uploaded(page(f"{HEADLINE} \u2014 Levant Monitor", head=og_title))
    assert (proposal.title, proposal.outlet_name) == (HEADLINE, "Levant Monitor")


def test_the_metadatas_site_name_at_the_end_of_the_title_is_taken_off_it():
    headline = "U.N. says Daraa's water station is out of service"
    site_name = '<meta property="og:site_name" content="Enab Baladi">'
    proposal = uploaded(page(f"{headline} | Enab Baladi", head=site_name))
    assert (proposal.title, proposal.outlet_name) == (headline, "Enab Baladi")


def test_a_site_name_before_the_headline_the_address_writes_is_proposed_and_taken_off():
    proposal = captured("https://levant-monitor.example/news/1", page(f"Levant Monitor: {HEADLINE}"))
    assert (proposal.title, proposal.outlet_name) == (HEADLINE, "Levant Monitor")


def test_a_headline_with_a_dash_keeps_its_title_and_proposes_no_outlet():
    title = "Syria - the war's last water station"
    proposal = captured("https://levant-monitor.example/news/1", page(title))
    assert (proposal.title, proposal.outlet_name) == (title, "")


def test_a_name_at_the_titles_end_the_workspace_has_an_outlet_of_is_proposed_as_that_outlet(workspace):
    OutletFactory(workspace=workspace, name="Levant Monitor")
    extraction = extract(page(f"{HEADLINE} - levant monitor"), filename="story.html")
    proposal = proposed_in(workspace, extraction)
    assert (proposal.title, proposal.outlet_name) == (HEADLINE, "Levant Monitor")


ARABIC_HEADLINE = "خروج محطة مياه عن الخدمة بعد القصف"
ARABIC_TITLE = f"{ARABIC_HEADLINE} - عنب بلدي"


def test_an_arabic_site_name_is_not_recognised_by_a_latin_address():
    proposal = captured("https://www.enabbaladi.net/archives/1", page(ARABIC_TITLE, lang="ar"))
    assert (proposal.title, proposal.outlet_name) == (ARABIC_TITLE, "")


def test_an_arabic_site_name_is_recognised_by_its_internationalized_address():
    # The host name an address gives for عنببلدي.example.
    proposal = captured("https://www.xn--ngbav1b5cj6a.example/archives/1", page(ARABIC_TITLE, lang="ar"))
    assert (proposal.title, proposal.outlet_name) == (ARABIC_HEADLINE, "عنب بلدي")


def test_an_arabic_site_name_is_recognised_by_the_workspaces_outlet_of_that_name(workspace):
    OutletFactory(workspace=workspace, name="عنب بلدي", language="ar")
    body = page(ARABIC_TITLE, lang="ar")
    extraction = examine(
        Origin(CaptureMethod.URL, web=web_capture("https://www.enabbaladi.net/a/1", body)), body
    )
    proposal = proposed_in(workspace, extraction)
    assert (proposal.title, proposal.outlet_name) == (ARABIC_HEADLINE, "عنب بلدي")


def test_an_imported_page_is_saved_with_the_workspaces_outlet_its_title_names(
    workspace, analyst, corpus_text
):
    # The real article as its blog shows it: the blog's name after its <title>'s headline.
    title, headline, *paragraphs = [line.strip() for line in corpus_text.splitlines() if line.strip()]
    blog = OutletFactory(workspace=workspace, name="It's Over 9000!")
    body = f"<h1>{html.escape(headline)}</h1>" + "".join(f"<p>{html.escape(line)}</p>" for line in paragraphs)
    source = run_import(workspace, analyst, page(title, body=body), "aleppo-daraa.html").source
    assert (source.title, source.outlet) == (headline, blog)


def test_a_captured_page_is_saved_with_a_new_outlet_its_title_and_address_name(
    workspace, analyst, monkeypatch
):
    url = "https://levant-monitor.example/news/1"
    web = web_capture(url, page(f"{HEADLINE} | Levant Monitor"))
    monkeypatch.setattr(pipeline, "capture_url", lambda requested, **_: replace(web, requested_url=requested))
    source = capture_source(workspace=workspace, user=analyst, url=url).source
    assert (source.title, source.outlet.name, source.outlet.reliability) == (HEADLINE, "Levant Monitor", "F")


def test_the_confirm_page_proposes_the_workspaces_outlet_the_pages_title_ends_with(
    client, analyst, workspace
):
    outlet = OutletFactory(workspace=workspace, name="Levant Monitor")
    client.force_login(analyst)
    response = upload(
        client, workspace, file=SimpleUploadedFile("story.html", page(f"{HEADLINE} - Levant Monitor"))
    )
    form = response.context["form"]
    assert (form.initial["title"], form.initial["outlet"], form.initial["new_outlet"]) == (
        HEADLINE,
        outlet,
        "",
    )


# A file of each kind titled `title`, its author `author` where the kind has one.
FILES = {
    "notes.txt": lambda title, author: f"{title}\n\n{ARTICLE_TEXT}".encode(),
    "report.pdf": lambda title, author: pdf_bytes(ARTICLE_TEXT, title=title, author=author),
    "statement.docx": lambda title, author: docx_bytes(ARTICLE_TEXT, title=title, author=author),
}
DOCUMENTS = ["report.pdf", "statement.docx"]


def from_file(filename: str, title: str, author: str = "") -> Proposal:
    return extract(FILES[filename](title, author), filename=filename).proposal


@pytest.mark.parametrize("filename", FILES)
def test_a_files_headline_with_a_dash_keeps_its_title_and_proposes_no_outlet(filename):
    title = "Syria's south - the war's last water station"
    proposal = from_file(filename, title)
    assert (proposal.title, proposal.outlet_name) == (title, "")


@pytest.mark.parametrize("filename", DOCUMENTS)
def test_a_documents_author_at_the_end_of_its_title_is_proposed_as_the_outlet_and_taken_off(filename):
    proposal = from_file(filename, f"{HEADLINE} - Levant Monitor", author="Levant Monitor")
    assert (proposal.title, proposal.outlet_name) == (HEADLINE, "Levant Monitor")


@pytest.mark.parametrize("filename", FILES)
def test_a_name_at_the_end_of_a_files_title_the_workspace_has_an_outlet_of_is_proposed_as_that_outlet(
    workspace, filename
):
    OutletFactory(workspace=workspace, name="Levant Monitor")
    extraction = extract(FILES[filename](f"{HEADLINE} | levant monitor", ""), filename=filename)
    proposal = proposed_in(workspace, extraction)
    assert (proposal.title, proposal.outlet_name) == (HEADLINE, "Levant Monitor")
