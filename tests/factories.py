"""factory_boy factories for every model. Text offsets are code points."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from archive.core.text import sha256_hex
from archive.models import (
    Annotation,
    Capture,
    CaptureMethod,
    Claim,
    Evidence,
    Membership,
    Outlet,
    Passage,
    Role,
    Source,
    Stance,
    Workspace,
)
from archive.passages.selectors import selector_for
from archive.sources.storage import store_original

PASSWORD = "correct horse battery staple"
SAMPLE_TEXT = (
    "Russian airstrikes were increased, reaching 120 a week. "
    "Al-Rashideen area in Aleppo underwent more than 400 airstrikes. "
    "The city was completely surrounded in the summer of 2012."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Case {n}")
    slug = factory.Sequence(lambda n: f"case-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = Role.ANALYST


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Outlet {n}")
    language = "en"
    reliability = "C"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    workspace = factory.SubFactory(WorkspaceFactory)
    title = factory.Sequence(lambda n: f"Source {n}")
    text = SAMPLE_TEXT
    language = "en"
    original_sha256 = factory.LazyAttribute(lambda source: sha256_hex(source.text))

    class Params:
        # The text (UTF-8) stored as the original, as create_source does.
        with_original = factory.Trait(
            original=factory.LazyAttribute(lambda source: store_original(source.text.encode("utf-8"))[0])
        )


class CaptureFactory(factory.django.DjangoModelFactory):
    """How a source came in: a file by default, a web capture with `web=True`."""

    class Meta:
        model = Capture
        exclude = ["stored_warc"]

    source = factory.SubFactory(SourceFactory)
    workspace = factory.SelfAttribute("source.workspace")
    method = CaptureMethod.FILE
    filename = "report.txt"
    extraction = "text as is (utf-8)"
    stored_warc = None

    class Params:
        web = factory.Trait(
            method=CaptureMethod.URL,
            filename="",
            extraction="trafilatura, main content (utf-8)",
            requested_url="https://news.example/story",
            final_url="https://news.example/2017/07/story",
            redirects=[[301, "https://news.example/story"]],
            http_status=200,
            http_headers=[["Content-Type", "text/html; charset=utf-8"]],
            fetched_at=factory.LazyFunction(timezone.now),
            stored_warc=factory.LazyFunction(
                lambda: store_original(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n")
            ),
            warc=factory.LazyAttribute(lambda capture: capture.stored_warc[0]),
            warc_sha256=factory.LazyAttribute(lambda capture: capture.stored_warc[1]),
        )


class PassageFactory(factory.django.DjangoModelFactory):
    """A passage of the first `length` code points from `start` of its source."""

    class Meta:
        model = Passage
        exclude = ["selector", "length"]

    source = factory.SubFactory(SourceFactory)
    start = 0
    length = 10
    selector = factory.LazyAttribute(lambda p: selector_for(p.source.text, p.start, p.start + p.length))
    end = factory.LazyAttribute(lambda p: p.selector.end)
    exact = factory.LazyAttribute(lambda p: p.selector.exact)
    prefix = factory.LazyAttribute(lambda p: p.selector.prefix)
    suffix = factory.LazyAttribute(lambda p: p.selector.suffix)


class AnnotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Annotation
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    body = "Check this figure against the original."

    class Params:
        # A passage marked with nothing written about it.
        highlight = factory.Trait(body="", motivation="highlighting")

    @factory.post_generation
    def passages(self, create, extracted, **kwargs):
        if create and extracted:
            self.passages.set(extracted)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    workspace = factory.SubFactory(WorkspaceFactory)
    statement = "Russian airstrikes on Daraa reached 120 a week."


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    passage = factory.SubFactory(PassageFactory)
    claim = factory.SubFactory(ClaimFactory, workspace=factory.SelfAttribute("..passage.workspace"))
    workspace = factory.SelfAttribute("claim.workspace")
    stance = Stance.SUPPORTS
