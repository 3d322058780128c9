"""factory_boy factories for every model. Text offsets are code points."""

import factory
from django.contrib.auth import get_user_model

from archive.anchoring import selector_for
from archive.models import (
    Annotation,
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
from archive.text import sha256_hex

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
