"""From an accepted original to the text passages point into, plus metadata
proposed to the user (who may change all of it before saving).

HTML goes through trafilatura's main-content extractor, so navigation,
scripts and styles never reach the text, with its paragraphs one blank line
apart as a Word document's are; PDF through pypdf; a Word document
through python-docx (its paragraphs and tables in order); text and
Markdown are taken as they are. The text is normalized once (archive.core.text),
and what that changed is kept with the extraction, shown before saving and
recorded with the capture.
"""

import datetime
import io
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from copy import deepcopy
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any, cast
from urllib.parse import urlsplit

import docx
import pypdf
import trafilatura
from django.core.exceptions import ValidationError
from docx.table import Table, _Cell
from lxml.etree import Element, _Element
from lxml.html import HtmlElement, HTMLParser, document_fromstring
from pypdf.generic import DictionaryObject
from trafilatura.metadata import HTMLTITLE_REGEX, META_URL
from trafilatura.settings import Document, set_date_params
from trafilatura.xml import xmltotxt

from archive.core.text import (
    Normalization,
    direction_for_text,
    normalize_text_counted,
    without_control_characters,
)
from archive.models.source import Source, validate_published_on
from archive.sources.importing import ImportRefused, parser_failures
from archive.sources.importing.detect import (
    DOCX,
    HTML,
    MARKDOWN,
    PDF,
    PLAIN_TEXT,
    check_size,
    detect,
    encoding_label,
    refuse_unfit_text,
)

# pypdf reports every recoverable oddity of a PDF as a warning log line.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_TITLE_MAX = 200
_HTML_LANG = re.compile(r"""<html[^>]*?\slang\s*=\s*["']?([A-Za-z0-9-]+)""", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
# A best guess of the language from the script most letters are written in.
_LANGUAGE_OF_SCRIPT = {
    "ARABIC": "ar",
    "HEBREW": "he",
    "CYRILLIC": "ru",
    "GREEK": "el",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "LATIN": "en",
}
UNDETERMINED_LANGUAGE = "und"
_LANGUAGE_FIELD = Source._meta.get_field("language")
# The author python-docx's default template names: a document made from it and
# never given its own properties still says so, with the template's date.
_TEMPLATE_AUTHORS = {"python-docx"}


@dataclass(frozen=True)
class SiteInTitle:
    """A short name at one end of a page's title that may be its site's."""

    name: str
    title: str  # the proposed title if it is the site's name


@dataclass(frozen=True)
class Proposal:
    """Metadata found in the file, for the user to confirm or correct."""

    title: str
    language: str
    direction: str
    authors: list[str] = field(default_factory=list)
    outlet_name: str = ""
    published_on: datetime.date | None = None
    # Whether the page's metadata names its site (outlet_name): else the name is at most
    # a guess from its address, and a site's name recognised in its title replaces it.
    outlet_named_by_page: bool = False
    # Names at the title's ends nothing in the file recognised: the workspace's outlet
    # of one of these names recognises it (see recognising).
    sites_in_title: tuple[SiteInTitle, ...] = ()

    def recognising(self, site: SiteInTitle, outlet_name: str) -> "Proposal":
        """The proposal with `site` recognised as the site's name, the outlet `outlet_name`."""
        return replace(
            self,
            title=site.title,
            outlet_name=self.outlet_name if self.outlet_named_by_page else outlet_name,
            sites_in_title=(),
        )


@dataclass(frozen=True)
class Extraction:
    media_type: str
    text: str  # normalized: NFC, "\n" newlines
    method: str  # how the text was obtained
    proposal: Proposal
    normalization: Normalization = field(default_factory=Normalization)  # what normalizing changed

    @property
    def recorded_method(self) -> str:
        """The method and what normalizing changed, as kept with the capture."""
        changed = self.normalization.describe()
        return f"{self.method}; {changed}" if changed else self.method


def extract(
    data: bytes,
    *,
    filename: str = "",
    declared_charset: str | None = None,
    name_is_claim: bool = True,
    url: str = "",
) -> Extraction:
    """The text and proposed metadata of an original; ImportRefused if unusable.

    `name_is_claim`: whether `filename` was given by a person (see detect);
    `url`: where a captured page was fetched from."""
    detected = detect(data, filename=filename, declared_charset=declared_charset, name_is_claim=name_is_claim)
    fallback_title = PurePath(filename).stem
    if detected.media_type == PDF:
        return _from_pdf(data, fallback_title)
    if detected.media_type == DOCX:
        return _from_docx(data, fallback_title)
    text, encoding = detected.decoded()
    if detected.media_type == HTML:
        return _from_html(text, encoding, fallback_title, url)
    method = f"text as decoded ({encoding})"
    return _from_text(text, detected.media_type, method, fallback_title)


def extract_pasted(text: str) -> Extraction:
    """Pasted text is taken as plain text, whatever it looks like."""
    check_size(len(text.encode("utf-8")))
    return _from_text(text, PLAIN_TEXT, _PASTED, "")


_PASTED = "pasted text"
# "text as is" is how earlier versions recorded a decoded text.
_DECODED = re.compile(r"text as (?:decoded|is) \((?P<encoding>[^()]+)\)")
_FROM_PAGE = re.compile(r"(?P<tool>.+) \((?P<encoding>[^()]+)\)")


def how_extracted(recorded: str) -> str:
    """How a text was obtained, in words to follow "text": "read as UTF-8",
    "extracted by pypdf 5.1.0", what normalizing changed after a "; ". From
    an extraction's method as it is recorded with its capture, which stays
    as it is there (exports carry it); a method this does not know is named
    as recorded."""
    method, separator, changed = recorded.partition("; ")
    if decoded := _DECODED.fullmatch(method):
        words = f"read as {_encoding_in_words(decoded['encoding'])}"
    elif method == _PASTED:
        words = "as pasted"
    elif page := _FROM_PAGE.fullmatch(method):
        words = f"extracted by {page['tool']}, from the page read as {_encoding_in_words(page['encoding'])}"
    else:
        words = f"extracted by {method}"
    return f"{words}{separator}{changed}"


def recorded_encoding(recorded: str) -> str | None:
    """The encoding the original's text was decoded from, as an extraction's method
    records it (`how_extracted`): "utf-8" for pasted text, which is kept in UTF-8; None
    for a PDF or Word document, whose text is not decoded, or a method this does not know."""
    method = recorded.partition("; ")[0]
    if method == _PASTED:
        return "utf-8"
    found = _DECODED.fullmatch(method) or _FROM_PAGE.fullmatch(method)
    return found["encoding"] if found else None


def _encoding_in_words(encoding: str) -> str:
    """UTF-8 for utf-8; another encoding by its recorded name (windows-1256, not
    Python's cp1256), which is also what to show of one this Python does not know."""
    try:
        label = encoding_label(encoding)
    except LookupError:
        return encoding
    return label if label.startswith("UTF") else encoding


def _from_text(text: str, media_type: str, method: str, fallback_title: str) -> Extraction:
    text, normalization = _normalized(text)
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if media_type == MARKDOWN:
        first_line = _MARKDOWN_HEADING.sub("", first_line)
    title = first_line if len(first_line) <= _TITLE_MAX else fallback_title or first_line[:_TITLE_MAX]
    return Extraction(media_type, text, method, _proposal(text, **_title_and_site(title)), normalization)


def _html_tree(html: str) -> HtmlElement:
    """The page parsed as trafilatura parses it, but without libxml2's default limits
    (256 levels of nesting, 10 MB in one text node: a bundled script), past which
    it silently drops the rest of the page, whose text would be saved cut short.
    A page past even the raised limits is refused, not imported incomplete."""
    parser = HTMLParser(
        huge_tree=True,
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    tree = document_fromstring(html.encode("utf-8"), parser=parser)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise ImportRefused(
            "This page cannot be read whole: its markup nests deeper than any page should "
            "(over 2,048 levels). Save it as PDF or text and import that."
        )
    return tree


def _with_line_breaks_kept(tree: HtmlElement) -> HtmlElement:
    """The page with a space after each <br> followed by another: trafilatura drops a
    <br> right after one with nothing between them, and a blog's <br><br> that ends a
    paragraph would end only a line."""
    for line_break in tree.iter("br"):
        following = line_break.getnext()
        if following is not None and following.tag == "br" and not line_break.tail:
            line_break.tail = " "
    return tree


def _from_html(html: str, encoding: str, fallback_title: str, url: str) -> Extraction:
    with parser_failures("HTML page"):
        tree = _html_tree(html)
        titles = _titles(tree)  # before the extraction prunes the tree
        preformatted = _preformatted(tree)
        found = trafilatura.bare_extraction(
            _with_line_breaks_kept(tree),
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            # A date from the page's markup only: its text's years ("built in 2012",
            # a footer's "2009-2024") are no publication date, and a guess gets saved.
            date_extraction_params=set_date_params(False),
        )
        document = found if isinstance(found, Document) else None  # a dict only with as_dict=True
        method = f"trafilatura {trafilatura.__version__}, main content"
        text = _main_text(document.body, preformatted) if document is not None else ""
        if not (text or "").strip():
            # Too little for a main-content guess (a short page): all visible text.
            # A tree of its own: the extraction above pruned the first.
            text = trafilatura.html2txt(_html_tree(html))
            method = f"trafilatura {trafilatura.__version__}, all text"
    text, normalization = _normalized(text or "")
    lang = _HTML_LANG.search(html[:4096])
    return Extraction(
        HTML,
        text,
        f"{method} ({encoding})",
        _proposal(
            text,
            language=lang.group(1) if lang else "",
            authors=_names(_found(document, "author")),
            published_on=_date(_found(document, "date")),
            **_title_and_outlet(document, titles, url, fallback_title),
        ),
        normalization,
    )


@dataclass(frozen=True)
class _Titles:
    """The titles a page gives besides the one trafilatura chose."""

    element: str  # its <title>
    og_title: str
    headings: frozenset[str]  # its <h1>s


def _titles(tree: HtmlElement) -> _Titles:
    element = tree.find(".//head//title")
    og_titles = tree.xpath('//meta[@property="og:title"]/@content')
    return _Titles(
        element=_one_line(element.text_content()) if element is not None else "",
        og_title=_one_line(str(og_titles[0])) if og_titles else "",
        headings=frozenset(_one_line(heading.text_content()) for heading in tree.iter("h1")),
    )


def _one_line(text: str) -> str:
    # A file's metadata may hold control characters no field takes: nobody typed them.
    return " ".join(without_control_characters(text).split())


def _title_and_outlet(
    document: Document | None, titles: _Titles, url: str, fallback_title: str
) -> dict[str, Any]:
    """The proposed title and outlet of a page (see _title_and_site), whose address,
    site name and og:title may recognise its site's name in its title."""
    title = _one_line(_found(document, "title"))
    cut = HTMLTITLE_REGEX.match(titles.element)
    if cut and title in cut.groups() and title != titles.og_title and title not in titles.headings:
        # trafilatura took a part of the <title> cut at any dash, maybe half a headline.
        title = titles.element
    site_name = _one_line(_found(document, "sitename"))
    page_url = _found(document, "url")  # its canonical address, if it gives one
    address = META_URL.match(page_url)
    # trafilatura names a site by its address when the metadata names none.
    named_by_page = bool(site_name) and not (address and site_name == address[1])
    return _title_and_site(
        title or titles.element or fallback_title,
        # The <title> may name the site after a headline taken from elsewhere (og:title,
        # <h1>): recognised, it is the outlet, and the title stays as it is.
        other_title=titles.element,
        clues=_SiteClues(
            names=_loose_names([site_name] if named_by_page else []),
            hosts=frozenset(_address_names(url) | _address_names(page_url)),
            og_title=titles.og_title,
        ),
        outlet_name=site_name,
        outlet_named_by_page=named_by_page,
    )


# trafilatura's elements for blocks of text: each is a paragraph of the text (a list's
# items and a table's rows are lines of one paragraph).
_BLOCKS = frozenset({"p", "head", "list", "quote", "table", "code", "graphic"})
# Blocks that may hold paragraphs of their own: a quote of several, a paragraph of
# lines where a run of <br> parts paragraphs.
_SPLIT_BLOCKS = frozenset({"p", "quote"})


def _preformatted(tree: HtmlElement) -> dict[str, str]:
    """The text of each of the page's <pre> blocks as the page lays it out, by its words
    (see _words): trafilatura keeps a block's words, as a <code> or a <quote>, but not
    always its line breaks and spaces, and its text drops every blank line."""
    blocks: dict[str, str] = {}
    for pre in tree.iter("pre"):
        copied = deepcopy(pre)
        for line_break in copied.iter("br"):
            line_break.tail = "\n" + (line_break.tail or "")
        # A browser shows no blank line before the first line or after the last.
        text = _LEADING_BLANK_LINES.sub("", copied.text_content()).rstrip()
        if words := _words(text):
            blocks.setdefault(words, text)
    return blocks


_LEADING_BLANK_LINES = re.compile(r"^\s*\n")
# The blocks trafilatura makes of a <pre>: a <code> if it reads as code, else a <quote>.
_PREFORMATTED_BLOCKS = frozenset({"code", "quote"})


def _words(text: str) -> str:
    """`text` without its white space, where trafilatura may add or drop some."""
    return "".join(text.split())


def _main_text(body: _Element, preformatted: Mapping[str, str]) -> str:
    """The text of trafilatura's main content, its paragraphs one blank line apart.

    trafilatura's own text drops every blank line, so a paragraph ends as a <br> does
    and paragraphs read as the lines of one; here it writes each paragraph alone, with
    its <br>, list items and table rows a line each, and a <pre> block of the page
    (`preformatted`, see _preformatted) as the page lays it out.
    """
    return "\n\n".join(_paragraphs(body, preformatted))


def _paragraphs(container: _Element, preformatted: Mapping[str, str]) -> Iterator[str]:
    """The paragraphs of `container`: each block in it, the text between blocks, and
    text parted by a run of line breaks."""
    children = list(container)
    run = _run(container.text)
    index = 0
    while index < len(children):
        child = children[index]
        if child.tag in _BLOCKS:
            yield from _written(run)
            if laid_out := _laid_out(child, preformatted):
                yield laid_out
            elif child.tag in _SPLIT_BLOCKS:
                yield from _paragraphs(child, preformatted)
            else:
                yield from _written(_alone(child))
            run = _run(child.tail)
        elif more_breaks := _line_breaks_after(children, index):
            # Two or more <br> in a row (a blog's way of ending a paragraph): one paragraph break.
            yield from _written(run)
            index += more_breaks
            run = _run(children[index].tail)
        else:
            run.append(deepcopy(child))  # with its tail, the text up to the next element
        index += 1
    yield from _written(run)


def _laid_out(block: _Element, preformatted: Mapping[str, str]) -> str | None:
    """The text of the page's <pre> that trafilatura made `block` of, if it made it of one."""
    if block.tag not in _PREFORMATTED_BLOCKS:
        return None
    return preformatted.get(_words("".join(block.itertext())))


def _line_breaks_after(children: list[_Element], index: int) -> int:
    """How many line breaks follow the one at `index` with nothing between them."""
    count = 0
    while (
        children[index + count].tag == "lb"
        and not (children[index + count].tail or "").strip()
        and index + count + 1 < len(children)
        and children[index + count + 1].tag == "lb"
    ):
        count += 1
    return count


def _run(text: str | None) -> _Element:
    """A paragraph of the text and inline elements between blocks, to be written as one."""
    paragraph = Element("p")
    paragraph.text = text
    return paragraph


def _alone(block: _Element) -> _Element:
    """`block` without its tail (the text after it, a paragraph of its own)."""
    copied = deepcopy(block)
    copied.tail = None
    return copied


def _written(block: _Element) -> Iterator[str]:
    text = xmltotxt(block, include_formatting=False).strip()
    if text:  # an empty paragraph (a spacer, &nbsp;) adds no blank line
        yield text


def _found(document: Document | None, name: str) -> str:
    """A metadata field trafilatura found, or ""."""
    return (getattr(document, name, None) or "") if document is not None else ""


def _from_pdf(data: bytes, fallback_title: str) -> Extraction:
    with parser_failures("PDF"):
        reader = pypdf.PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted and not reader.decrypt("")
        if not encrypted:
            text = "\n\n".join((page.extract_text() or "").strip("\n") for page in reader.pages)
            info: Mapping[str, object] = reader.metadata or {}
            # The trailer's /Root, resolved, is the document catalog (pypdf types it PdfObject).
            catalog = cast(DictionaryObject, reader.trailer["/Root"])
            language = str(catalog.get("/Lang", "") or "")
    if encrypted:
        raise ImportRefused("This PDF is encrypted with a password; import an unprotected copy.")
    if not text.strip():
        raise ImportRefused(
            "This PDF has no text layer: its pages are images (a scan?). Run OCR on it and import the result."
        )
    text, normalization = _normalized(text)
    authors = _names(str(info.get("/Author") or ""))
    return Extraction(
        PDF,
        text,
        f"pypdf {pypdf.__version__}",
        _proposal(
            text,
            language=language,
            authors=authors,
            **_title_and_site(
                str(info.get("/Title") or "").strip() or fallback_title, _SiteClues.of_authors(authors)
            ),
        ),
        normalization,
    )


def _from_docx(data: bytes, fallback_title: str) -> Extraction:
    with parser_failures("Word document"):
        document = docx.Document(io.BytesIO(data))
        blocks = [
            _table_text(block) if isinstance(block, Table) else block.text
            for block in document.iter_inner_content()
        ]
        properties = document.core_properties
        title, author, language = properties.title, properties.author, properties.language
    if author in _TEMPLATE_AUTHORS:
        author = ""  # left as a generator's template has it: not the document's author
    text, normalization = _normalized("\n\n".join(block for block in blocks if block.strip()))
    first_line = text.split("\n", 1)[0].strip()
    authors = _names(author or "")
    return Extraction(
        DOCX,
        text,
        f"python-docx {docx.__version__}, paragraphs and tables",
        _proposal(
            text,
            language=language or "",
            authors=authors,
            **_title_and_site(
                (title or "").strip() or (first_line if len(first_line) <= _TITLE_MAX else fallback_title),
                _SiteClues.of_authors(authors),
            ),
        ),
        normalization,
    )


def _table_text(table: Table) -> str:
    """A table's rows a line each, cells apart by tabs; a merged cell once."""
    lines = []
    for row in table.rows:
        cells: list[_Cell] = []
        for cell in row.cells:
            if not cells or cell._tc is not cells[-1]._tc:  # a merged cell repeats across its span
                cells.append(cell)
        lines.append("\t".join(cell.text for cell in cells))
    return "\n".join(lines)


def _normalized(text: str) -> tuple[str, Normalization]:
    """The text normalized once, and what that changed; ImportRefused for a text
    no source may have (archive.sources.text_rules)."""
    text, normalization = normalize_text_counted(text)
    refuse_unfit_text(text)
    return text, normalization


def _proposal(text: str, *, title: str, language: str = "", **found: Any) -> Proposal:
    # Only what the source's own fields take is proposed: a file's claims may be anything.
    try:
        _LANGUAGE_FIELD.clean(language, None)
    except ValidationError:
        language = guess_language(text)
    if found.get("published_on") is not None:
        try:
            validate_published_on(found["published_on"])
        except ValidationError:
            found["published_on"] = None
    if not found.get("authors"):
        found["authors"] = _byline(text)
    if found.get("sites_in_title"):
        found["sites_in_title"] = tuple(
            SiteInTitle(site.name, _title(site.title)) for site in found["sites_in_title"]
        )
    return Proposal(title=_title(title), language=language, direction=direction_for_text(text), **found)


def _title(title: str) -> str:
    return _one_line(title)[:_TITLE_MAX] or "Untitled"


# What a page's <title> puts between its headline and its site's name.
_SITE_SEPARATORS = (" - ", " \u2013 ", " \u2014 ", " | ", " :: ", " \u00b7 ")
# Before the headline, the site's name may also end with a colon ("Levant Monitor: …").
_SITE_PREFIX_SEPARATORS = (*_SITE_SEPARATORS, ": ")
_SITE_NAME_CHARACTERS = 60
_SITE_NAME_WORDS = 6


@dataclass(frozen=True)
class _End:
    """Words at one end of a title, apart from the rest by a separator."""

    name: str
    rest: str
    last: bool  # at the end, not the start


def _ends(title: str) -> list[_End]:
    """The words after the title's last separator and before its first, if few enough for a site's name."""
    ends = []
    last = max((title.rfind(separator), separator) for separator in _SITE_SEPARATORS)
    if last[0] > 0:
        ends.append(_End(title[last[0] + len(last[1]) :].strip(), title[: last[0]].strip(), last=True))
    first = min(
        (
            (title.find(separator), separator)
            for separator in _SITE_PREFIX_SEPARATORS
            if title.find(separator) > 0
        ),
        default=None,
    )
    if first is not None:
        ends.append(_End(title[: first[0]].strip(), title[first[0] + len(first[1]) :].strip(), last=False))
    return [
        end
        for end in ends
        if end.rest
        and len(end.name) <= _SITE_NAME_CHARACTERS
        and len(end.name.split()) <= _SITE_NAME_WORDS
        and any(char.isalnum() for char in end.name)
    ]


@dataclass(frozen=True)
class _SiteClues:
    """What a file says of its site, by which a name at an end of its title is
    recognised as the site's name; nothing, for a text."""

    names: frozenset[str] = frozenset()  # the site's names in its metadata, _loose
    hosts: frozenset[str] = frozenset()  # its address's names (_address_names)
    og_title: str = ""  # a page's <title> without the site's name, as many pages give it

    @classmethod
    def of_authors(cls, authors: list[str]) -> "_SiteClues":
        # A PDF's or Word document's author is often the outlet that made it: its name
        # after the title is no words of the title. Its producer or creator is a program.
        return cls(names=_loose_names(authors))

    def recognise(self, end: _End) -> bool:
        return (
            _loose(end.name) in self.names
            or _site_key(end.name) in self.hosts
            # At the start, the words the og:title leaves out are as often a section ("Opinion: …").
            or (end.last and end.rest == self.og_title)
        )


def _loose_names(names: list[str]) -> frozenset[str]:
    return frozenset(_loose(name) for name in names) - {""}


def _title_and_site(
    title: str,
    clues: _SiteClues = _SiteClues(),
    *,
    other_title: str = "",
    outlet_name: str = "",
    outlet_named_by_page: bool = False,
) -> dict[str, Any]:
    """The proposed title and outlet: a site's name at an end of the title (or of
    `other_title`, which then leaves the title as it is) is taken off, and proposed as
    the outlet if the metadata names none (`outlet_named_by_page`), only where `clues`
    recognise it as the site's name: not words of the title, as in "Syria - the war's
    last water station". Unrecognised, the workspace's outlet of its name may recognise
    it (Proposal.sites_in_title)."""
    title = _one_line(title)
    ends = [(end, SiteInTitle(end.name, end.rest)) for end in _ends(title)]
    if other_title and other_title != title:
        ends += [(end, SiteInTitle(end.name, title)) for end in _ends(other_title)]
    site = next((site for end, site in ends if clues.recognise(end)), None)
    if site is None:
        return {
            "title": title,
            "outlet_name": outlet_name,
            "outlet_named_by_page": outlet_named_by_page,
            "sites_in_title": tuple(site for _, site in ends),
        }
    return {
        "title": site.title,
        "outlet_name": outlet_name if outlet_named_by_page else site.name,
        "outlet_named_by_page": outlet_named_by_page,
    }


# Labels of a host name that are no part of a site's name: a second-level domain under a
# country's (bbc.co.uk), and the usual first labels.
_GENERIC_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "net", "org"})
_HOST_PREFIXES = frozenset({"www", "m", "amp"})


def _address_names(url: str) -> set[str]:
    """A site's name as its address's host name writes it ("levant-monitor.example": "levantmonitor")."""
    # The top-level domain is no part of the name.
    labels = [_host_label(label) for label in (urlsplit(url).hostname or "").split(".")[:-1]]
    if len(labels) > 1 and labels[-1] in _GENERIC_SECOND_LEVEL:
        labels.pop()
    labels = [label for label in labels if label not in _HOST_PREFIXES and not label.isdigit()]
    if not labels:  # an IP address, or a host name without a domain
        return set()
    # The domain, or all of the name: a subdomain alone ("news", "english") is no site's name.
    return {_site_key(labels[-1]), _site_key("".join(labels))} - {""}


def _host_label(label: str) -> str:
    """A label of a host name in its own script: an internationalized one is written
    in ASCII ("xn--mgbh0fb" is "مثال"), and a site's name in its title is not."""
    try:
        return label.encode("ascii").decode("idna")
    except UnicodeError:  # already in its script, or not valid IDNA
        return label


def _loose(name: str) -> str:
    """`name`'s letters and digits in lower case, without accents: how it reads in a host name."""
    return "".join(char for char in unicodedata.normalize("NFKD", name.casefold()) if char.isalnum())


def _site_key(name: str) -> str:
    # "The Guardian" is theguardian.com, "The Levant Monitor" may be levantmonitor.org.
    key = _loose(name)
    return key.removeprefix("the") or key


# A byline near the top: "By Jane Doe", or an outlet with the author in brackets,
# as in "Baladi News, (Turki Mostafa)" with an en dash.
_BYLINE = re.compile(
    r"^(?:by\s+(?P<by>[^()\n]{3,60})|.{0,60}\((?P<bracketed>[^()\n]{3,60})\))$", re.IGNORECASE
)
_BYLINE_LINES = 8


def _byline(text: str) -> list[str]:
    """The author a byline in the first lines names, if one does."""
    lines = [line.strip() for line in text.split("\n") if line.strip()][:_BYLINE_LINES]
    for line in lines[1:]:  # the first line is the title
        match = _BYLINE.match(line)
        if match:
            return [" ".join((match["by"] or match["bracketed"]).split())]
    return []


def guess_language(text: str) -> str:
    """A BCP 47 tag for the script most letters of the text are in; "und" if none."""
    scripts = Counter(unicodedata.name(char, "").split(" ", 1)[0] for char in text[:5000] if char.isalpha())
    for script, _ in scripts.most_common():
        if script in _LANGUAGE_OF_SCRIPT:
            return _LANGUAGE_OF_SCRIPT[script]
    return UNDETERMINED_LANGUAGE


def _names(value: str) -> list[str]:
    names = re.split(r"[;\n]", without_control_characters(value))
    return [" ".join(name.split()) for name in names if name.strip()]


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None
