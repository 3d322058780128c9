import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from archive.core.text import sha256_hex
from archive.models import AnchorStatus, Derivation, Passage, Source
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    EvidenceFactory,
    OutletFactory,
    PassageFactory,
    SourceFactory,
    WorkspaceFactory,
)


def refused_by_database(queryset, **changes) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**changes)
    except IntegrityError:
        return True
    return False


# --- Passages --------------------------------------------------------------


def test_database_enforces_start_before_end(source):
    passage = PassageFactory(source=source, start=5, length=4)
    assert refused_by_database(Passage.objects.filter(pk=passage.pk), start=9, end=9)
    assert refused_by_database(Passage.objects.filter(pk=passage.pk), start=9, end=3)


def test_database_enforces_non_negative_start(source):
    passage = PassageFactory(source=source)
    assert refused_by_database(Passage.objects.filter(pk=passage.pk), start=-1)


def test_saving_a_passage_checks_exact_against_the_text(source):
    passage = PassageFactory.build(source=source, workspace=source.workspace, start=0, length=7)
    passage.exact = "Turkish"
    with pytest.raises(ValidationError, match="does not match"):
        passage.save()
    assert not Passage.objects.exists()


def test_saving_a_passage_past_the_end_of_text_is_refused(source):
    passage = Passage(source=source, start=0, end=len(source.text) + 1, exact=source.text + "x")
    with pytest.raises(ValidationError, match="past the end"):
        passage.save()


def test_orphaned_passage_keeps_a_quote_the_text_no_longer_has(source):
    passage = Passage(source=source, start=0, end=6, exact="Vanished", anchor_status=AnchorStatus.ORPHANED)
    passage.save()
    assert Passage.objects.get(pk=passage.pk).exact == "Vanished"


def test_passage_takes_its_workspace_from_its_source(source):
    passage = PassageFactory(source=source)
    assert passage.workspace == source.workspace


def test_passage_offsets_are_code_points_after_emoji(workspace):
    text = "🇸🇾 Daraa 👍🏽 withstood"
    source = SourceFactory(workspace=workspace, text=text)
    start = text.index("withstood")
    passage = PassageFactory(source=source, start=start, length=len("withstood"))
    assert passage.exact == "withstood"
    assert passage.start == 12  # the flag and the toned thumb are 2 code points each


# --- Sources and derivations -------------------------------------------------


def test_source_text_hash_is_computed_on_save(source):
    assert source.text_sha256 == sha256_hex(source.text)
    source.text = source.text + " Corrected."
    source.save()
    assert Source.objects.get(pk=source.pk).text_sha256 == sha256_hex(source.text)


@pytest.mark.parametrize("kind", Derivation.values)
def test_every_derivation_kind_links_to_its_original(workspace, kind):
    original = SourceFactory(workspace=workspace)
    derived = SourceFactory(workspace=workspace, derived_from=original, derivation=kind)
    assert derived.derivation_chain() == [derived, original]


def test_derivation_needs_both_link_and_kind(workspace):
    original = SourceFactory(workspace=workspace)
    with pytest.raises(ValidationError, match="both"):
        SourceFactory(workspace=workspace, derived_from=original, derivation="")


def test_database_refuses_derivation_kind_without_link(source):
    assert refused_by_database(Source.objects.filter(pk=source.pk), derivation=Derivation.TRANSLATION)


def test_database_refuses_an_unknown_derivation_kind(workspace):
    original = SourceFactory(workspace=workspace)
    derived = SourceFactory(workspace=workspace, derived_from=original, derivation=Derivation.EXCERPT)
    assert refused_by_database(Source.objects.filter(pk=derived.pk), derivation="paraphrase")


def test_derivation_cycle_is_refused(workspace):
    original = SourceFactory(workspace=workspace)
    translation = SourceFactory(workspace=workspace, derived_from=original, derivation=Derivation.TRANSLATION)
    original.derived_from, original.derivation = translation, Derivation.TRANSLATION
    with pytest.raises(ValidationError, match="itself"):
        original.save()


def test_source_cannot_derive_from_a_source_of_another_workspace(workspace):
    elsewhere = SourceFactory(workspace=WorkspaceFactory())
    with pytest.raises(ValidationError, match="another workspace"):
        SourceFactory(workspace=workspace, derived_from=elsewhere, derivation=Derivation.SUMMARY)


def test_source_cannot_name_an_outlet_of_another_workspace(workspace):
    with pytest.raises(ValidationError, match="another workspace"):
        SourceFactory(workspace=workspace, outlet=OutletFactory())


def test_invalid_language_tag_is_refused(workspace):
    source = SourceFactory.build(workspace=workspace, language="english!")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "language" in error.value.message_dict


# --- Claims, evidence, annotations ----------------------------------------


def test_evidence_passage_must_be_in_the_claims_workspace(workspace):
    claim = ClaimFactory(workspace=workspace)
    foreign_passage = PassageFactory(source=SourceFactory(workspace=WorkspaceFactory()))
    with pytest.raises(ValidationError, match="another workspace"):
        EvidenceFactory(claim=claim, passage=foreign_passage)


def test_a_passage_serves_a_claim_once(source):
    evidence = EvidenceFactory(passage=PassageFactory(source=source))
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(passage=evidence.passage, claim=evidence.claim, stance="refutes")


def test_a_claim_can_rest_on_evidence_from_many_sources(workspace):
    claim = ClaimFactory(workspace=workspace)
    for _ in range(3):
        EvidenceFactory(claim=claim, passage=PassageFactory(source=SourceFactory(workspace=workspace)))
    assert claim.evidence.values("passage__source").distinct().count() == 3


def test_annotation_cannot_point_at_a_passage_of_another_workspace(workspace):
    foreign_passage = PassageFactory(source=SourceFactory(workspace=WorkspaceFactory()))
    with pytest.raises(ValidationError, match="another workspace"):
        AnnotationFactory(workspace=workspace, passages=[foreign_passage])


def test_database_refuses_an_unknown_motivation(source):
    annotation = AnnotationFactory(workspace=source.workspace, passages=[PassageFactory(source=source)])
    assert refused_by_database(type(annotation).objects.filter(pk=annotation.pk), motivation="shouting")


def test_tags_must_be_a_list_of_strings(workspace):
    claim = ClaimFactory.build(workspace=workspace, tags="water")
    with pytest.raises(ValidationError) as error:
        claim.full_clean()
    assert "tags" in error.value.message_dict


def test_version_grows_with_every_save(workspace):
    claim = ClaimFactory(workspace=workspace)
    assert claim.version == 1
    claim.statement = "Airstrikes reached 120 a week in June."
    claim.save()
    assert claim.version == 2
