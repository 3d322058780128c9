"""Load a small demo workspace, and (re)set the demo users' passwords.

Idempotent: the content is created once; every run prints fresh passwords,
so `make run` can always say how to log in.
"""

import datetime
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from archive.audit.review import submit_for_review
from archive.claims import (
    add_evidence,
    create_annotation,
    create_claim,
    edit_annotation,
    edit_claim,
    set_credibility,
)
from archive.core.attribution import recorded_as
from archive.findings import ach
from archive.models import (
    ClaimStatus,
    Derivation,
    Membership,
    Role,
    Source,
    Stance,
    UnarchivedOriginal,
    Workspace,
)
from archive.models.grading import Credibility, Reliability
from archive.passages.correction import correct_source_text
from archive.passages.selectors import selector_for
from archive.passages.writes import passage_at
from archive.sources.outlets import create_outlet, edit_outlet
from archive.sources.writes import create_source
from archive.workspaces import add_member, create_workspace, set_role

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
WORKSPACE_SLUG = "demo"
DEMO_USERS = {"demo-analyst": Role.ANALYST, "demo-reviewer": Role.REVIEWER, "demo-admin": Role.ADMIN}


def _demo_text(name: str) -> str:
    return (DEMO_DIR / name).read_text(encoding="utf-8")


# The demo's Analysis of Competing Hypotheses: six passages weighed (source, quote,
# credibility), and each analyst's ratings of them against its three hypotheses
# (shelling, a power cut, maintenance): C consistent, I inconsistent, N neutral, NA.
DEMO_ACH_EVIDENCE = [
    (
        "translation",
        "the station stopped working on Tuesday morning after three shells fell on the pump building",
        2,
    ),
    ("translation", "maintenance teams cannot reach the site because the shelling continues", 2),
    ("translation", "the shelling began at six in the morning and lasted about two hours", 3),
    ("translation", "No official body has commented so far.", 6),
    ("translation", "For months the town's residents have relied on water tankers", 3),
    ("original", "توقفت عن العمل صباح الثلاثاء بعد سقوط ثلاث قذائف على مبنى المضخات", 2),
]
DEMO_ACH_RATINGS = ["C I I", "C N I", "C N N", "N N N", "N C NA", "C I I"]
DEMO_ACH_SECOND_OPINION = ["C I I", "C I I", "C N N", "N N N", "N N NA", "C I I"]


def _passage_at(source: Source, quote: str, user):
    """The passage at `quote` (the one already cited there, or a new one)."""
    start = source.text.index(quote)
    return passage_at(source=source, user=user, selector=selector_for(source.text, start, start + len(quote)))


class Command(BaseCommand):
    help = "Create the demo workspace and users (idempotent) and print how to log in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="where the server will answer (printed)"
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_DATA:
            raise CommandError(
                "Not loading the demo: it makes the accounts demo-analyst, demo-reviewer and "
                "demo-admin (a superuser) and prints their passwords, and DEBUG is off here. For a "
                "demo server, set DEMO_DATA=true (README, Configuration)."
            )
        with transaction.atomic():
            users = self._users()
            workspace = Workspace.objects.filter(slug=WORKSPACE_SLUG).first()
            created = workspace is None
            if workspace is None:
                workspace = create_workspace(
                    user=None,
                    slug=WORKSPACE_SLUG,
                    name="Demo: Tell al-Zaytoun water station",
                    description="A fictional case for trying Warrant.",
                    admin=users["demo-admin"],
                    reason="demo data",
                )
            roles = dict(Membership.objects.filter(workspace=workspace).values_list("user__username", "role"))
            for username, role in DEMO_USERS.items():
                if roles.get(username) != role:
                    write = set_role if username in roles else add_member
                    write(
                        workspace=workspace, member=users[username], role=role, user=None, reason="demo data"
                    )
            if created or not Source.objects.filter(workspace=workspace).exists():
                self._content(workspace, users)
        self.stdout.write(self.style.SUCCESS(f"Demo workspace ready. Log in at {options['url']} as:"))
        for username, password in self._passwords.items():
            self.stdout.write(f"  {DEMO_USERS[username]:<9} {username} / {password}")

    def _users(self) -> dict:
        User = get_user_model()
        users, self._passwords = {}, {}
        for username in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            # The demo admin also manages the site through the Django admin.
            user.is_staff = user.is_superuser = username == "demo-admin"
            user.save()
            users[username], self._passwords[username] = user, password
        return users

    def _content(self, workspace: Workspace, users: dict) -> None:
        admin, analyst, reviewer = users["demo-admin"], users["demo-analyst"], users["demo-reviewer"]
        with recorded_as(user=admin, reason="demo data"):
            voice = create_outlet(
                workspace=workspace,
                user=admin,
                name="Hawran Voice",
                url="https://hawran-voice.example/",
                country="Syria",
                language="ar",
                reliability=Reliability.C,
                reliability_reason="Local outlet; mostly accurate on events it witnesses.",
            )
            monitor = create_outlet(
                workspace=workspace,
                user=admin,
                name="Levant Monitor English",
                url="https://levant-monitor.example/",
                language="en",
                reliability=Reliability.B,
                reliability_reason="Careful translations, sources named.",
            )
            blog = create_outlet(
                workspace=workspace,
                user=admin,
                name="Open Notes (blog)",
                url="https://open-notes.example/",
                language="en",
                reliability=Reliability.E,
                reliability_reason="Republishes without checking; has altered figures before.",
            )
        published = datetime.date(2026, 3, 10)
        original = create_source(
            workspace=workspace,
            user=admin,
            title="محطة المياه في تل الزيتون خارج الخدمة بعد القصف",
            text=_demo_text("original-ar.txt"),
            language="ar",
            authors=["سامر الحوراني"],
            outlet=voice,
            original_url="https://hawran-voice.example/news/water-station",
            published_on=published,
        )
        translation = create_source(
            workspace=workspace,
            user=admin,
            title="Water station in Tell al-Zaytoun out of service after shelling",
            text=_demo_text("translation-en.txt"),
            language="en",
            authors=["Samer al-Hourani"],
            translators=["Levant Monitor staff"],
            outlet=monitor,
            original_url="https://levant-monitor.example/2026/03/water-station",
            published_on=published + datetime.timedelta(days=1),
            derived_from=original,
            derivation=Derivation.TRANSLATION,
        )
        republication = create_source(
            workspace=workspace,
            user=analyst,
            title="Tell al-Zaytoun without water",
            text=_demo_text("republication-en.txt"),
            language="en",
            outlet=blog,
            original_url="https://open-notes.example/tell-al-zaytoun",
            published_on=published + datetime.timedelta(days=3),
            derived_from=translation,
            derivation=Derivation.REPUBLICATION,
        )
        # A translation whose original is not archived (the council's post was taken down):
        # what is known of that original is recorded on it.
        create_source(
            workspace=workspace,
            user=analyst,
            title="Local council statement on the Tell al-Zaytoun water station",
            text=_demo_text("statement-en.txt"),
            language="en",
            translators=["Levant Monitor staff"],
            outlet=monitor,
            original_url="https://levant-monitor.example/2026/03/council-statement",
            published_on=published + datetime.timedelta(days=2),
            derivation=Derivation.TRANSLATION,
            unarchived_original=UnarchivedOriginal(
                title="بيان المجلس المحلي في تل الزيتون حول محطة المياه",
                url="https://social.example/tell-al-zaytoun-council/posts/311",
                outlet="المجلس المحلي في تل الزيتون",
                language="ar",
                published_on=published + datetime.timedelta(days=1),
            ),
        )

        outage = create_claim(
            workspace=workspace,
            user=analyst,
            statement="Shelling put the Tell al-Zaytoun water station out of service.",
            credibility=Credibility.POSSIBLY_TRUE,
            tags=["water", "infrastructure"],
        )
        for source, quote in [
            (original, "توقفت عن العمل صباح الثلاثاء بعد سقوط ثلاث قذائف على مبنى المضخات"),
            (
                translation,
                "the station stopped working on Tuesday morning after three shells fell on the pump building",
            ),
        ]:
            add_evidence(
                claim=outage,
                passage=_passage_at(source, quote, analyst),
                user=analyst,
                stance=Stance.SUPPORTS,
            )

        affected = create_claim(
            workspace=workspace,
            user=analyst,
            statement="About 50,000 people lost drinking water in Tell al-Zaytoun.",
            tags=["water", "figures"],
        )
        blog_figure = _passage_at(
            republication, "about fifty thousand people are now without drinking water", analyst
        )
        add_evidence(
            claim=affected,
            passage=blog_figure,
            user=analyst,
            stance=Stance.SUPPORTS,
            note="Only the blog gives this figure.",
        )
        add_evidence(
            claim=affected,
            passage=_passage_at(
                translation, "about fifteen thousand people are now without drinking water", analyst
            ),
            user=analyst,
            stance=Stance.REFUTES,
            note="The translation, and the Arabic original, say fifteen thousand.",
        )
        add_evidence(
            claim=affected,
            passage=_passage_at(original, "نحو خمسة عشر ألف نسمة", analyst),
            user=analyst,
            stance=Stance.REFUTES,
            note="Original: 'about fifteen thousand people'.",
        )
        tankers = _passage_at(translation, "which cost about two thousand pounds per barrel", analyst)
        note = create_annotation(
            passages=[tankers],
            user=analyst,
            body="Price of tankers: worth tracking over time.",
            tags=["prices"],
        )
        discrepancy = create_annotation(
            passages=[blog_figure],
            user=analyst,
            body="Figure differs from the source it republishes.",
            motivation="questioning",
            tags=["discrepancy"],
        )

        # A few edits, so the history shows who changed what and why.
        edit_annotation(
            note,
            user=analyst,
            expected_version=note.version,
            changes={"body": "Price of water tankers (2,000 SYP a barrel): track over time."},
            reason="more precise",
        )
        # Each change made by a role that may make it on the pages: the reviewer grades,
        # the claim's author gives the verdict.
        affected = set_credibility(
            affected,
            user=reviewer,
            credibility=Credibility.IMPROBABLE,
            reason="Original and translation say 15,000.",
            expected_version=affected.version,
        )
        edit_claim(
            affected,
            user=analyst,
            expected_version=affected.version,
            changes={"status": ClaimStatus.DEBUNKED},
            reason="the reviewer graded it improbable after comparing with the original",
        )
        edit_outlet(
            blog,
            user=admin,
            expected_version=blog.version,
            changes={
                "reliability_reason": "Republishes without checking; misstated the Tell al-Zaytoun figure."
            },
            reason="new example of an altered figure",
        )

        # The blog later added an update above its text: a second version, whose passages
        # are found again where they moved to.
        correct_source_text(
            source=republication,
            user=admin,
            new_text=republication.text.replace(
                "\n\nAnother day,",
                "\n\nUpdate, 14 March: readers asked where our figure comes from; we are checking.\n\n"
                "Another day,",
                1,
            ),
            reason="the blog added an update note after it was first archived",
        )

        # Work sent to the reviewers, so that the demo reviewer's queue holds something.
        submit_for_review(outage, user=analyst, reason="Two sources, one original: ready for review.")
        submit_for_review(discrepancy, user=analyst, reason="The blog's figure against the original's.")

        self._competing_hypotheses(workspace, users, outage, original, translation)

    def _competing_hypotheses(self, workspace, users, outage, original, translation) -> None:
        """An Analysis of Competing Hypotheses: why the station stopped, rated by two analysts."""
        analyst, admin = users["demo-analyst"], users["demo-admin"]
        question = ach.create_question(
            workspace=workspace, user=analyst, text="Why did the Tell al-Zaytoun water station stop working?"
        )
        hypotheses = [
            ach.add_hypothesis(question=question, user=analyst, claim=outage),
            ach.add_hypothesis(question=question, user=analyst, statement="A power cut stopped the pumps."),
            ach.add_hypothesis(
                question=question, user=analyst, statement="The station was shut down for maintenance."
            ),
        ]
        items = [
            ach.add_evidence_item(
                question=question,
                user=analyst,
                passage=_passage_at(source, quote, analyst),
                credibility=grade,
            )
            for source, quote, grade in [
                ({"original": original, "translation": translation}[name], text, credibility)
                for name, text, credibility in DEMO_ACH_EVIDENCE
            ]
        ]
        for user, ratings in ((analyst, DEMO_ACH_RATINGS), (admin, DEMO_ACH_SECOND_OPINION)):
            for item, row in zip(items, ratings, strict=True):
                for hypothesis, value in zip(hypotheses, row.split(), strict=True):
                    ach.rate(item=item, hypothesis=hypothesis, user=user, value=value)
