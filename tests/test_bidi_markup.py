"""Mixed scripts: every user-supplied string shown inline is isolated (<bdi>, dir, or unicode-bidi)."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from archive.audit.review import submit_for_review
from archive.claims.claims import create_claim
from archive.models import Role
from tests.factories import (
    EvidenceFactory,
    MembershipFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
    UserFactory,
)

USER = "سامي"
STATEMENT = "سقطت حلب في كانون الأول"
TITLE = "لماذا سقطت حلب وصمدت درعا: قراءة في أسباب الهزيمة والصمود"
OUTLET = "بلدي نيوز"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Isolation(HTMLParser):
    """For each text containing one of `strings`, whether an element around it isolates it."""

    def __init__(self, strings):
        super().__init__()
        self.strings, self.stack, self.found = strings, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if any(tag in {"title", "option", "textarea"} for tag, _ in self.stack):
            return  # the window's title, SVG tooltips, form controls: not inline text
        for string in self.strings:
            if string[:12] in data:
                self.found.append(
                    (
                        string,
                        data.strip() + " in " + ">".join(t for t, _ in self.stack[-3:]),
                        any(map(isolates, self.stack)),
                    )
                )


def isolates(element) -> bool:
    tag, attrs = element
    return tag == "bdi" or "dir" in attrs or attrs.get("unicode-bidi") in {"isolate", "plaintext"}


@pytest.fixture
def arabic_work(workspace, ws_admin):
    user = UserFactory(username=USER)
    MembershipFactory(workspace=workspace, user=user, role=Role.ANALYST)
    claim = create_claim(workspace=workspace, user=user, statement=STATEMENT, tags=["حلب"])
    submit_for_review(claim, user=user)
    source = SourceFactory(
        workspace=workspace, title=TITLE, outlet=OutletFactory(workspace=workspace, name=OUTLET)
    )
    evidence = EvidenceFactory(claim=claim, passage=PassageFactory(source=source))
    submit_for_review(evidence, user=ws_admin)
    return user, claim


@pytest.mark.parametrize("page", ["activity", "claims", "claim", "review_queue"])
def test_user_strings_are_isolated(workspace, ws_admin, arabic_work, page):
    user, claim = arabic_work
    args = [workspace.slug, claim.pk] if page == "claim" else [workspace.slug]
    client = Client()
    client.force_login(user if page != "review_queue" else ws_admin)
    response = client.get(reverse(f"archive:{page}", args=args))
    assert response.status_code == 200
    parser = Isolation([USER, STATEMENT, TITLE[:20], OUTLET])
    parser.feed(response.content.decode())
    assert parser.found, "the page shows none of the user strings"
    not_isolated = [(string, text) for string, text, isolated in parser.found if not isolated]
    assert not_isolated == [], "\n".join(map(str, not_isolated))
