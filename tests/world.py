"""A small, complete workspace for tests that sweep every URL.

`build_world()` makes one workspace with a member of every role, an outsider,
a site superuser and one object of each kind. With `payload`, every free-text
field carries it (for escaping tests).
"""

from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from archive.models import Discussion, EvidenceItem, Hypothesis, Question, Reply, Role, VersionOrigin
from archive.sources.versions import record_version
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    MembershipFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
    UserFactory,
    WorkspaceFactory,
)


@dataclass
class World:
    users: dict
    workspace: object
    outlet: object
    source: object
    passage: object
    annotation: object
    claim: object
    evidence: object
    membership: object
    question: object
    reply: object

    def kwarg(self, name: str):
        """The value for a URL kwarg named after a world object."""
        if name == "slug":
            return self.workspace.slug
        if name == "user_id":
            return self.users["analyst"].pk
        if name.endswith("_id") and hasattr(self, name[:-3]):
            return getattr(self, name[:-3]).pk
        raise KeyError(f"no world object for URL kwarg {name!r}: give the Rule explicit kwargs")

    def object_of(self, model) -> object | None:
        for obj in (self.outlet, self.source, self.passage, self.annotation, self.claim, self.evidence):
            if isinstance(obj, model):
                return obj
        named = {"workspace": self.workspace, "membership": self.membership, "user": self.users["analyst"]}
        return named.get(model._meta.model_name) or model._default_manager.first()


def build_world(payload: str = "") -> World:
    mark = f" {payload}" if payload else ""
    workspace = WorkspaceFactory(slug="matrix", name=f"Matrix case{mark}", description=payload)
    users = {"anonymous": None, "superuser": UserFactory(username="root", is_staff=True, is_superuser=True)}
    for role in (Role.ANALYST, Role.REVIEWER, Role.ADMIN):
        users[str(role)] = MembershipFactory(
            workspace=workspace, role=role, user=UserFactory(username=role)
        ).user
    users["outsider"] = MembershipFactory(role=Role.ADMIN, user=UserFactory(username="outsider")).user
    analyst = users["analyst"]
    _login_trail()
    Token.objects.create(user=analyst)  # for the admin's API token pages
    outlet = OutletFactory(workspace=workspace, name=f"Baladi News{mark}", reliability_reason=payload)
    source = SourceFactory(
        workspace=workspace,
        outlet=outlet,
        title=f"Why Aleppo Fell{mark}",
        authors=[f"Turki Mostafa{mark}"],
        text=f"Russian airstrikes reached 120 a week.{mark} Daraa withstood.",
    )
    record_version(source=source, user=analyst, origin=VersionOrigin.IMPORT, text=source.text)
    passage = PassageFactory(source=source, created_by=analyst, length=len("Russian airstrikes") + len(mark))
    annotation = AnnotationFactory(
        workspace=workspace, passages=[passage], author=analyst, body=f"Check it{mark}", tags=[f"tag{mark}"]
    )
    claim = ClaimFactory(
        workspace=workspace,
        created_by=analyst,
        statement=f"Airstrikes reached 120 a week{mark}",
        tags=[f"t{mark}"],
    )
    evidence = EvidenceFactory(claim=claim, passage=passage, created_by=analyst, note=f"Note{mark}")
    question = Question.objects.create(
        workspace=workspace, text=f"Who cut the road?{mark}", created_by=analyst
    )
    Hypothesis.objects.create(question=question, claim=claim)
    EvidenceItem.objects.create(question=question, passage=passage)
    discussion = Discussion.objects.create(workspace=workspace, annotation=annotation)
    reply = Reply.objects.create(discussion=discussion, body=f"Which week?{mark}", author=analyst)
    return World(
        users=users,
        workspace=workspace,
        outlet=outlet,
        source=source,
        passage=passage,
        annotation=annotation,
        claim=claim,
        evidence=evidence,
        membership=workspace.memberships.get(user=analyst),
        question=question,
        reply=reply,
    )


def _login_trail() -> None:
    """Rows for the admin pages of third-party models (axes, auth groups)."""
    trail = {"username": "analyst", "ip_address": "192.0.2.1", "user_agent": "test", "path_info": "/"}
    AccessAttempt.objects.create(**trail, failures_since_start=1, get_data="", post_data="")
    AccessLog.objects.create(**trail)
    AccessFailureLog.objects.create(**trail)
    Group.objects.create(name="editors")
