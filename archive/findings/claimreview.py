"""schema.org ClaimReview for a claim with a verdict, as fact-checkers publish it
(Google's fact-check markup reads it).

The verdict is the claim's status; the rating scale maps each status that is
a verdict to a rating, worst (1) to best (5). A workspace may set its own
scale (`Workspace.verdict_scale`, same shape as DEFAULT_SCALE); statuses it
leaves out are not verdicts.

Only what a reviewer approved is published: the claim's verdict itself, dated by
its approval, and, as where the claim appeared, the sources of the approved
evidence that supports it (those refuting it are the fact-check's evidence, not
places the claim was made), earliest published first.
"""

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from archive.audit.kinds import kind_of
from archive.audit.review import latest_decision
from archive.models import Claim, ClaimStatus, Evidence, ReviewStatus, Stance

# status -> (rating, its name); worst 1, best 5.
DEFAULT_SCALE: dict[str, tuple[int, str]] = {
    ClaimStatus.DEBUNKED: (1, "False"),
    ClaimStatus.DISPUTED: (3, "Mixture"),
    ClaimStatus.UNVERIFIABLE: (2, "Unproven"),
    ClaimStatus.CORROBORATED: (5, "True"),
}
WORST, BEST = 1, 5
# What Google's fact-check markup requires of a ClaimReview and of its rating.
REQUIRED = ("claimReviewed", "reviewRating", "url")
REQUIRED_RATING = ("alternateName",)


class NoVerdict(ValidationError):
    """The claim has no verdict yet (it is open), or no reviewer approved it: nothing to publish."""


def rating_scale(claim: Claim) -> dict[str, tuple[int, str]]:
    custom = claim.workspace.verdict_scale
    if not custom:
        return DEFAULT_SCALE
    return {status: (int(value[0]), str(value[1])) for status, value in custom.items()}


UNAPPROVED = "Its verdict is {state}: a reviewer approves it before it is published."
UNAPPROVED_STATES = {
    ReviewStatus.DRAFT: "still a draft",
    ReviewStatus.SUBMITTED: "waiting for a reviewer",
    ReviewStatus.REJECTED: "rejected by a reviewer",
}


PUBLISHED_ADDRESS = (
    "Give the address of the published fact-check: a whole http or https address, "
    "without a user name or password, of at most 2,000 characters."
)


def published_address(url: str) -> str:
    """`url`, the address where the fact-check is published (the ClaimReview's `url`), if a
    reader can follow it; "" for none. ValidationError naming `url` otherwise."""
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
        if len(url) > 2000 or urlsplit(url).username is not None:
            raise ValidationError(PUBLISHED_ADDRESS)
    except ValidationError:
        raise ValidationError({"url": PUBLISHED_ADDRESS}) from None
    return url


def not_publishable(claim: Claim) -> str:
    """Why `claim` has no ClaimReview to publish yet, or "" if it has one."""
    if claim.status not in rating_scale(claim):
        return f"The claim is {claim.get_status_display()}: give it a verdict first."
    if claim.review_status != ReviewStatus.APPROVED:
        return UNAPPROVED.format(state=UNAPPROVED_STATES[ReviewStatus(claim.review_status)])
    return ""


def publisher(claim: Claim) -> dict[str, str]:
    """Who publishes the fact-check (its `author`): the deployment's organisation
    (CLAIMREVIEW_PUBLISHER, CLAIMREVIEW_PUBLISHER_URL), else the claim's workspace by name."""
    organisation = {"@type": "Organization", "name": settings.CLAIMREVIEW_PUBLISHER or claim.workspace.name}
    if settings.CLAIMREVIEW_PUBLISHER_URL:
        organisation["url"] = settings.CLAIMREVIEW_PUBLISHER_URL
    return organisation


def claim_review(claim: Claim, *, claim_url: str, source_url: Any) -> dict[str, Any]:
    """The ClaimReview JSON-LD of `claim`, by its publisher(); `claim_url` is the published
    fact-check (or the claim's page), `source_url(source)` a source's page in the archive. Where the claim
    appeared is each source's own address, archived at its page in the archive (only the
    archive's page for a source with no address). NoVerdict if its status is not on the
    scale or no reviewer approved it."""
    refused = not_publishable(claim)
    if refused:
        raise NoVerdict(refused)
    approval = latest_decision(workspace=claim.workspace_id, kind=kind_of(claim), object_id=claim.pk)
    if approval is None:
        raise NoVerdict(UNAPPROVED.format(state="not approved by a reviewer"))
    rating, name = rating_scale(claim)[claim.status]
    # Where the claim appeared: approved support whose words are still in the source's text.
    evidence = (
        Evidence.objects.standing()
        .filter(claim=claim, stance=Stance.SUPPORTS, review_status=ReviewStatus.APPROVED)
        .select_related("passage__source__outlet")
    )
    # Earliest published first (undated last): the first is the claim's first appearance.
    sources = sorted(
        {item.passage.source for item in evidence},
        key=lambda source: (source.published_on is None, source.published_on or date.min, source.pk),
    )
    appearances = []
    for source in sources:
        archived = source_url(source)
        appearance: dict[str, Any] = {
            "@type": "CreativeWork",
            "url": source.original_url or archived,
            "name": source.title,
        }
        if source.original_url:
            appearance["archivedAt"] = archived
        if source.published_on:
            appearance["datePublished"] = source.published_on.isoformat()
        if source.outlet is not None:
            appearance["publisher"] = {"@type": "Organization", "name": source.outlet.name}
        appearances.append(appearance)
    item_reviewed: dict[str, Any] = {"@type": "Claim", "appearance": appearances}
    if appearances:
        item_reviewed["firstAppearance"] = appearances[0]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": claim_url,
        "claimReviewed": claim.statement,
        "datePublished": approval.at.date().isoformat(),
        "author": publisher(claim),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating,
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": name,
        },
        "itemReviewed": item_reviewed,
    }


def missing_fields(review: dict[str, Any]) -> list[str]:
    """What Google's fact-check markup requires and `review` lacks (empty: valid)."""
    missing = [name for name in REQUIRED if not review.get(name)]
    rating = review.get("reviewRating") or {}
    missing += [f"reviewRating.{name}" for name in REQUIRED_RATING if not rating.get(name)]
    return missing
