"""Every form a role reaches on the demo workspace, and every link's query
string (a form sent with GET), sent back with one field at a time made bad:
empty, missing, a NUL, invalid UTF-8, markup, a word where a number goes, a
number beyond any integer, an id that names nothing, far too long, or JSON
holding an escaped NUL. No
answer may be a 5xx (the test client raises the view's exception instead,
with its traceback).

Pages are found by following links from the home page and from a search's
results, once per kind of page (as the browser's every-page test does), and
each kind of form or query is sent once: the same form on another
object's page is the same code. Each request runs in a savepoint that is
rolled back, so that every one starts from the demo as it was loaded. Admin
forms are included for the admin role, with fewer bad values for their many
fields."""

from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qsl, quote_plus, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.crawling import kind_of

FORM_BODY = "application/x-www-form-urlencoded"
# Each already encoded for a form body: invalid UTF-8 must reach the server as bytes.
BAD_VALUES = {
    "empty": "",
    "NUL": "a%00b",
    "invalid UTF-8": "%FF%FEx",
    "markup": quote_plus('<script>alert("x")</script>'),
    "word for a number": "abc",
    "beyond any integer": "9" * 30,
    "an id that names nothing": "999999",
    "far too long": "x" * 70_000,
    "JSON with an escaped NUL": quote_plus('["a\\u0000"]'),
}
ADMIN_BAD_VALUES = ["NUL", "word for a number", "beyond any integer", "JSON with an escaped NUL"]


class FormParser(HTMLParser):
    """The links and the forms of a page: each form as its method, its action
    and its fields as a browser would send them unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            self._fields = []
            self.forms.append((a.get("method", "get").upper(), a.get("action", ""), self._fields))
        elif self._fields is None or ("name" not in a and tag != "option"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._fields.append((a["name"], a.get("value", "on")))
            elif kind not in {"submit", "image", "file", "reset"}:
                self._fields.append((a["name"], a.get("value", "")))
        elif (
            tag == "button"
            and a.get("type", "submit") == "submit"
            and not any(name == a["name"] for name, _ in self._fields)
        ):
            self._fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._fields is None:
            return
        if tag == "textarea" and self._textarea is not None:
            self._fields.append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected] or [
                value for value, _ in self._options[:1]
            ]
            self._fields += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "form":
            self._fields = None


def body(fields: list[tuple[str, str]], field: str | None = None, bad: str | None = None) -> str:
    """The form body with `field` given the (encoded) `bad` value, or left out if `bad` is None."""
    pairs = []
    for name, value in fields:
        if name != field:
            pairs.append(f"{quote_plus(name)}={quote_plus(value)}")
        elif bad is not None:
            pairs.append(f"{quote_plus(name)}={bad}")
    return "&".join(pairs)


def inputs_of(client: Client) -> tuple[int, dict[str, tuple[str, str, list[tuple[str, str]]]]]:
    """How many kinds of page the role reaches, and what it can send from
    them, once per kind, as (method, address, fields): each form, and each
    link's query string as a form sent with GET."""
    queue = [reverse("archive:home"), reverse("archive:search") + "?q=water+station"]
    seen: set[str] = set()
    inputs: dict[str, tuple[str, str, list[tuple[str, str]]]] = {}
    while queue:
        url = queue.pop(0)
        if kind_of(url) in seen:
            continue
        seen.add(kind_of(url))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser()
        parser.feed(response.content.decode())
        sent = []
        for href in parser.links:
            target = urljoin(url, href).split("#")[0]
            if not urlsplit(target).netloc:
                queue.append(target)
                if urlsplit(target).query and not target.startswith("/admin/"):
                    sent.append(("GET", target.split("?")[0], parse_qsl(urlsplit(target).query, True)))
        for method, action, fields in parser.forms:
            target = urljoin(url, action or url)
            # Logging out would end the crawl; a dialog's form sends nothing.
            if "logout" not in target and not urlsplit(target).netloc and method in {"GET", "POST"}:
                sent.append((method, target.split("?")[0] if method == "GET" else target, fields))
        for method, target, fields in sent:
            names = ",".join(sorted({name for name, _ in fields}))
            inputs.setdefault(f"{method} {kind_of(target)} [{names}]", (method, target, fields))
    return len(seen), inputs


def failures_of(
    client: Client, method: str, target: str, fields: list[tuple[str, str]], values: list[str]
) -> list[str]:
    """Each bad request sent with the form whose answer was a 5xx (the test
    client raises a view's exception: told as such)."""
    failed = []
    for field in sorted({name for name, _ in fields if name != "csrfmiddlewaretoken"}):
        for label in [*values, "missing"]:
            data = body(fields, field, None if label == "missing" else BAD_VALUES[label])
            try:
                with transaction.atomic():
                    if method == "POST":
                        status = client.post(target, data, content_type=FORM_BODY).status_code
                    else:
                        status = client.get(f"{target}?{data}").status_code
                    transaction.set_rollback(True)
            except Exception as error:  # any failure is what the test reports
                failed.append(f"{method} {target} {field}={label}: {type(error).__name__}: {error}"[:300])
                continue
            if status >= 500:
                failed.append(f"{method} {target} {field}={label}: status {status}")
    return failed


@pytest.mark.parametrize("role", ["analyst", "reviewer", "admin"])
def test_nothing_a_role_can_send_fails_on_bad_input(db, role):
    call_command("load_demo", stdout=StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(username=f"demo-{role}"))
    pages, inputs = inputs_of(client)
    failed = []
    for method, target, fields in inputs.values():
        admin = urlsplit(target).path.startswith("/admin/")
        failed += failures_of(client, method, target, fields, ADMIN_BAD_VALUES if admin else list(BAD_VALUES))
    posts = [key for key in inputs if key.startswith("POST")]
    assert pages > 20 and len(posts) > 10 and len(inputs) > len(posts)  # the crawl went through the workspace
    assert not failed, "\n".join(failed)
