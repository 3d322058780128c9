# ruff: noqa: RUF001 (Arabic-Indic and Persian digits are the point)
"""Translations aligned with their originals (archive.alignment): sentence links,
a passage's counterparts across the derivation chain, and divergence checks, on the
demo's Arabic original, English translation and republication, and on a pair made
from the corpus article with sentences translated by hand."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from prov.model import ProvActivity, ProvDerivation, ProvDocument, ProvEntity

from archive.alignment import (
    align,
    counterparts,
    current_alignment,
    divergences,
    explain_divergence,
    explained_flags,
    values_of,
)
from archive.alignment.features import features
from archive.alignment.sentences import split_sentences
from archive.alignment.texts import align_texts
from archive.models import Alignment, DivergenceNote, HistoryEntry
from archive.passages.correction import correct_source_text
from archive.passages.writes import create_passage
from archive.sources.writes import create_source, set_derivation
from tests.factories import AnnotationFactory, ClaimFactory, EvidenceFactory
from tests.support import api_client_for
from tests.w3c_schemas import model_violations

DEMO = Path(__file__).resolve().parents[1] / "archive" / "demo"


def demo_text(name: str) -> str:
    return (DEMO / name).read_text(encoding="utf-8").strip()


@pytest.fixture
def chain(workspace, analyst):
    original = create_source(
        workspace=workspace, user=analyst, title="Original", text=demo_text("original-ar.txt"), language="ar"
    )
    translation = create_source(
        workspace=workspace,
        user=analyst,
        title="Translation",
        text=demo_text("translation-en.txt"),
        language="en",
        derived_from=original,
        derivation="translation",
    )
    republication = create_source(
        workspace=workspace,
        user=analyst,
        title="Republication",
        text=demo_text("republication-en.txt"),
        language="en",
        derived_from=translation,
        derivation="republication",
    )
    return original, translation, republication


def linked(alignment: Alignment) -> list[tuple[str, str]]:
    source, counterpart = alignment.source, alignment.counterpart
    return [
        (
            source.text[link.source_start : link.source_end],
            counterpart.text[link.counterpart_start : link.counterpart_end],
        )
        for link in alignment.links.all()
    ]


# --- the pieces -------------------------------------------------------------------


def test_sentences_split_on_arabic_and_latin_stops_and_newlines():
    text = "قال المدير إن المحطة توقفت. هل تعود؟ نعم!\nTitle line\nIt costs 3.5 pounds. Really?"
    assert [s.text for s in split_sentences(text)] == [
        "قال المدير إن المحطة توقفت.",
        "هل تعود؟",
        "نعم!",
        "Title line",
        "It costs 3.5 pounds.",
        "Really?",
    ]
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("about fifteen thousand people", 15000),
        ("about fifty thousand people", 50000),
        ("50,000 people", 50000),
        ("٥٠٬٠٠٠ شخص", 50000),
        ("۱۵۰۰۰ نفر", 15000),
        ("نحو خمسة عشر ألف نسمة", 15000),
        ("نحو خمسين ألف نسمة", 50000),
        ("خمسة وعشرون", 25),
        ("two thousand pounds", 2000),
        ("ألفي ليرة", 2000),
        ("2.5 million", 2_500_000),
    ],
)
def test_numbers_are_read_in_digits_of_any_system_and_in_words(text, value):
    assert [item.value for item in features(text).of("number")] == [value]


def test_dates_compare_across_languages():
    english = features("On Tuesday, 5 March 2024").of("date")
    arabic = features("يوم الثلاثاء ٥ آذار ٢٠٢٤").of("date")
    assert (
        {item.value for item in english} == {item.value for item in arabic} == {(2024, 3, 5), ("weekday", 2)}
    )


# --- the demo chain ------------------------------------------------------------------


def test_translation_is_aligned_sentence_by_sentence_with_the_arabic_original(chain):
    _original, translation, _ = chain
    alignment = align(source=translation)
    pairs = linked(alignment)
    assert len(pairs) == 6
    assert all(link.source_sentences == link.counterpart_sentences == 1 for link in alignment.links.all())
    assert pairs[0] == (
        "Water station in Tell al-Zaytoun out of service after shelling",
        "محطة المياه في تل الزيتون خارج الخدمة بعد القصف",
    )
    assert pairs[2][0].startswith("He added that about fifteen thousand") and "خمسة عشر ألف" in pairs[2][1]
    assert pairs[4] == (
        "No official body has commented so far.",
        "ولم يصدر أي تعليق من الجهات الرسمية حتى الآن.",
    )
    assert all(0 < link.confidence <= 1 for link in alignment.links.all())


def test_republication_is_aligned_by_diff_with_its_added_sentences_unlinked(chain):
    _, _translation, republication = chain
    alignment = align(source=republication)
    pairs = linked(alignment)
    assert ("Another day, another water station hit.", "") in pairs
    assert ("We republish this report in full because nobody else is covering it.", "") in pairs
    assert ("No official body has commented so far.", "No official body has commented so far.") in pairs
    fifty = next(pair for pair in pairs if "fifty thousand" in pair[0])
    assert "fifteen thousand" in fifty[1]
    assert [link.confidence for link in alignment.links.all() if link.source_end > link.source_start][
        -1
    ] == 1.0


def test_a_passage_has_counterparts_up_to_the_original_and_down_to_the_republication(chain, analyst):
    original, translation, republication = chain
    start = translation.text.index("fifteen thousand people")
    passage = create_passage(
        source=translation, user=analyst, start=start, end=start + len("fifteen thousand people")
    )
    found = {item.source_id: item for item in counterparts(passage=passage)}
    assert set(found) == {original.pk, republication.pk}
    up = found[original.pk]
    assert up.relation == "ancestor" and up.derivation == "translation"
    assert "خمسة عشر ألف نسمة" in up.exact and up.exact == original.text[up.start : up.end]
    down = found[republication.pk]
    assert down.relation == "derivative" and down.exact == "fifty thousand people"
    assert 0 < down.confidence <= 1


def test_a_passage_of_the_republication_follows_the_chain_to_the_original(chain, analyst):
    original, translation, republication = chain
    quote = "No official body has commented so far."
    start = republication.text.index(quote)
    passage = create_passage(source=republication, user=analyst, start=start, end=start + len(quote))
    found = {item.source_id: item.exact for item in counterparts(passage=passage)}
    assert found == {translation.pk: quote, original.pk: "ولم يصدر أي تعليق من الجهات الرسمية حتى الآن."}


def test_a_sentence_added_by_the_republication_has_no_counterpart(chain, analyst):
    _, _, republication = chain
    quote = "Another day"
    passage = create_passage(
        source=republication,
        user=analyst,
        start=republication.text.index(quote),
        end=republication.text.index(quote) + len(quote),
    )
    assert counterparts(passage=passage) == []


def test_the_republications_fifty_thousand_is_flagged_against_fifteen_thousand(chain):
    _, _translation, republication = chain
    flags = divergences(source=republication)
    numbers = [flag for flag in flags if flag.kind == "number"]
    assert len(numbers) == 1
    assert numbers[0].source.surface == "fifty thousand"
    assert numbers[0].counterpart.surface == "fifteen thousand"
    assert republication.text[numbers[0].source.start : numbers[0].source.end] == "fifty thousand"
    # Only the rewritten title differs otherwise (names it adds); the agreeing sentences give nothing.
    assert {flag.kind for flag in flags} <= {"number", "name"}
    assert all(
        republication.text[flag.sentence[0] : flag.sentence[1]].startswith(("Tell al-Zaytoun", "He added"))
        for flag in flags
    )


def test_a_name_of_several_words_the_original_lacks_is_one_flag(chain):
    _, _translation, republication = chain
    names = [flag for flag in divergences(source=republication) if flag.kind == "name"]
    assert [(flag.source.surface, flag.counterpart) for flag in names] == [("Levant Monitor English", None)]
    start, end = names[0].source.start, names[0].source.end
    assert republication.text[start:end] == "Levant Monitor English"


def test_the_translation_agrees_with_the_arabic_original_on_every_figure(chain):
    _, translation, _ = chain
    assert divergences(source=translation) == []


def test_a_translation_saying_fifty_thousand_is_flagged_against_the_arabic(chain, workspace, analyst):
    original, translation, _ = chain
    wrong = create_source(
        workspace=workspace,
        user=analyst,
        title="Wrong translation",
        text=translation.text.replace("fifteen thousand", "50,000"),
        language="en",
        derived_from=original,
        derivation="translation",
    )
    [flag] = divergences(source=wrong)
    assert (flag.kind, flag.source.surface, flag.counterpart.surface) == ("number", "50,000", "خمسة عشر ألف")


def test_alignment_is_recomputed_when_a_text_or_the_derivation_changes(chain, analyst):
    original, translation, republication = chain
    first = current_alignment(source=republication)
    assert current_alignment(source=republication).pk == first.pk  # unchanged: reused
    correct_source_text(
        source=translation,
        user=analyst,
        new_text=translation.text.replace("fifteen thousand", "fifty thousand"),
        reason="typo",
    )
    republication.refresh_from_db()
    assert divergences(source=republication) == [
        flag for flag in divergences(source=republication) if flag.kind == "name"
    ]
    set_derivation(
        source=republication, user=analyst, derived_from=original, derivation="translation", reason="x"
    )
    republication.refresh_from_db()
    alignment = current_alignment(source=republication)
    assert alignment.counterpart_id == original.pk
    set_derivation(source=republication, user=analyst, derived_from=None, derivation="", reason="x")
    republication.refresh_from_db()
    assert current_alignment(source=republication) is None


def test_writes_that_change_a_text_or_derivation_realign_once_committed(
    chain, analyst, django_capture_on_commit_callbacks
):
    original, translation, republication = chain
    Alignment.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        correct_source_text(
            source=original, user=analyst, new_text=original.text + "\nسطر جديد.", reason="added a line"
        )
    # The original's text changed: its derivative, the translation, is realigned.
    assert list(Alignment.objects.values_list("source_id", flat=True)) == [translation.pk]
    assert current_alignment(source=translation).pk == Alignment.objects.get().pk
    with django_capture_on_commit_callbacks(execute=True):
        set_derivation(source=translation, user=analyst, derived_from=None, derivation="", reason="unlinked")
    # Unlinked: its alignment is gone, and the republication's (of the translation) computed.
    assert list(Alignment.objects.values_list("source_id", flat=True)) == [republication.pk]


def test_realigning_is_a_background_job_not_part_of_the_request(
    chain, analyst, settings, django_capture_on_commit_callbacks
):
    original = chain[0]
    Alignment.objects.all().delete()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        correct_source_text(source=original, user=analyst, new_text=original.text + "\nسطر.", reason="a line")
    # Queued for a worker, not computed in the request.
    assert not Alignment.objects.exists()
    [queued] = DBTaskResult.objects.filter(status="READY")
    assert queued.task_path.endswith("aligning.realign") and queued.args_kwargs["args"] == [original.pk]


# --- the corpus article, with a few sentences translated by hand ------------------

# The translation keeps "FSA" in Latin script where it first names the Free Syrian Army,
# writes 2012 as ٢٠١٣ in the first sentence (a changed number) and drops "FSA" from the second.
CORPUS_SENTENCES = [
    "The two revolting cities joined the armed confrontation with Assad's regime in 2012,",
    "In Daraa, the FSA factions controls the majority of the city,",
    "With the development of events,",
    "However, Daraa, the birthplace of the uprising, has withstood",
]
ARABIC = [
    "انضمت المدينتان الثائرتان إلى المواجهة المسلحة مع نظام الأسد عام ٢٠١٣، حين قررت فصائل الجيش"
    " السوري الحر (FSA) السيطرة عليهما، وانتهى ذلك بالسيطرة على معظم الأحياء السكنية.",
    "في درعا، تسيطر فصائل الجيش الحر على معظم المدينة المعروفة بدرعا البلد، بينما يسيطر النظام على"
    " الجزء المتبقي المعروف بدرعا المحطة.",
    "ومع تطور الأحداث، وبسبب التواطؤ الإقليمي والدولي مع نظام الأسد في ظل الهجمات الهمجية لسلاح الجو"
    " الروسي والميليشيات الشيعية على مدى عام حتى حوصرت المدينة بالكامل في صيف عام 2012، انسحبت فصائل"
    " المعارضة المسلحة من الأطراف إلى الأحياء المركزية الأكثر كثافة، وهو ما انتهى بسقوط حلب.",
    "غير أن درعا، مهد الانتفاضة، صمدت في وجه الغزو وصدت الميليشيات الشيعية.",
]


def corpus_paragraphs(corpus_text: str) -> list[str]:
    lines = [line.strip() for line in corpus_text.splitlines()]
    return [next(line for line in lines if line.startswith(begin)) for begin in CORPUS_SENTENCES]


def test_a_hand_translated_corpus_pair_is_aligned_and_its_changes_flagged(corpus_text, workspace, analyst):
    paragraphs = corpus_paragraphs(corpus_text)
    original = create_source(
        workspace=workspace, user=analyst, title="Baladi", text="\n\n".join(paragraphs), language="en"
    )
    translation = create_source(
        workspace=workspace,
        user=analyst,
        title="بلدي",
        text="\n\n".join(ARABIC),
        language="ar",
        derived_from=original,
        derivation="translation",
    )
    pairs = linked(align(source=translation))
    assert pairs == list(zip(ARABIC, paragraphs, strict=True))

    flags = divergences(source=translation)
    described = [
        (flag.kind, flag.source and flag.source.surface, flag.counterpart and flag.counterpart.surface)
        for flag in flags
    ]
    assert sorted(described, key=str) == [("name", None, "FSA"), ("number", "٢٠١٣", "2012")]
    [name] = [flag for flag in flags if flag.kind == "name"]
    assert original.text[name.counterpart_sentence[0] :].startswith("In Daraa, the FSA factions")


def test_pure_alignment_of_a_shuffled_pair_keeps_order_and_gaps():
    a = "One sentence here. Another one follows. A third closes it."
    b = "One sentence here. A third closes it."
    links = align_texts(a, b, same_language=True)
    assert [(a[link.a_start : link.a_end], b[link.b_start : link.b_end]) for link in links] == [
        ("One sentence here.", "One sentence here."),
        ("Another one follows.", ""),
        ("A third closes it.", "A third closes it."),
    ]


# --- the API ------------------------------------------------------------------------


def test_counterparts_and_divergences_endpoints(chain, analyst, outsider):
    original, translation, republication = chain
    start = translation.text.index("fifteen thousand")
    passage = create_passage(
        source=translation, user=analyst, start=start, end=start + len("fifteen thousand")
    )
    client = api_client_for(analyst)
    body = client.get(f"/api/passages/{passage.pk}/counterparts/").json()
    assert {item["source_id"] for item in body["counterparts"]} == {original.pk, republication.pk}
    assert {"source_id", "start", "end", "exact", "confidence"} <= set(body["counterparts"][0])
    body = client.get(f"/api/sources/{republication.pk}/divergences/").json()
    assert body["derived_from"] == translation.pk
    numbers = [flag for flag in body["divergences"] if flag["kind"] == "number"]
    assert numbers[0]["source"]["surface"] == "fifty thousand"
    assert api_client_for(outsider).get(f"/api/sources/{republication.pk}/divergences/").status_code == 404


# --- explaining a flag --------------------------------------------------------------


def republication_number_flag(republication):
    [flag] = [flag for flag in divergences(source=republication) if flag.kind == "number"]
    return flag


def test_an_explained_flag_keeps_who_when_and_why_in_history(chain, analyst):
    _, _, republication = chain
    flag = republication_number_flag(republication)
    note = explain_divergence(
        source=republication,
        user=analyst,
        kind="number",
        here="fifty thousand",
        there="fifteen thousand",
        reason="The blog rounded up; the station's operator confirms fifteen.",
    )
    assert values_of(flag) == ("number", "fifty thousand", "fifteen thousand")
    [(_, explained)] = [pair for pair in explained_flags(source=republication) if pair[0] == flag]
    assert explained == note
    [row] = note.history.all()
    assert (row.history_user, row.history_change_reason) == (analyst, note.reason)
    assert HistoryEntry.objects.filter(model="divergencenote", object_id=note.pk).exists()


def test_an_explanation_survives_the_alignment_being_recomputed(chain, analyst):
    _, _, republication = chain
    explain_divergence(
        source=republication,
        user=analyst,
        kind="number",
        here="fifty thousand",
        there="fifteen thousand",
        reason="rounded",
    )
    align(source=republication)  # new alignment rows, new flags
    explained = [note for flag, note in explained_flags(source=republication) if flag.kind == "number"]
    assert [note.reason for note in explained] == ["rounded"]
    # Explaining again replaces the reason; the first stays in history.
    note = explain_divergence(
        source=republication,
        user=analyst,
        kind="number",
        here="fifty thousand",
        there="fifteen thousand",
        reason="confirmed with the editor",
    )
    assert [row.reason for row in note.history.all()] == ["confirmed with the editor", "rounded"]


def test_explaining_a_flag_the_texts_do_not_raise_is_refused(chain, analyst):
    _, translation, republication = chain
    with pytest.raises(ValidationError) as refused:
        explain_divergence(source=translation, user=analyst, kind="number", here="50", there="15", reason="x")
    assert "flag" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        explain_divergence(
            source=republication,
            user=analyst,
            kind="number",
            here="fifty thousand",
            there="fifteen thousand",
            reason="  ",
        )
    assert "reason" in refused.value.message_dict
    assert not DivergenceNote.objects.exists()


def test_the_api_explains_a_flag_and_lists_it_explained(chain, analyst, reviewer):
    _, _, republication = chain
    url = f"/api/sources/{republication.pk}/divergences/"
    body = {"kind": "number", "here": "fifty thousand", "there": "fifteen thousand", "reason": "rounded"}
    assert api_client_for(reviewer).post(f"{url}explanations/", body, format="json").status_code == 403
    refused = api_client_for(analyst).post(f"{url}explanations/", {**body, "here": "5"}, format="json")
    assert refused.status_code == 400
    assert "flag" in refused.json()
    created = api_client_for(analyst).post(f"{url}explanations/", body, format="json")
    assert created.status_code == 201
    assert created.json()["explained_by"] == analyst.username
    listed = api_client_for(reviewer).get(url).json()["divergences"]
    [number] = [flag for flag in listed if flag["kind"] == "number"]
    assert number["explanation"]["reason"] == "rounded"
    assert all(flag["explanation"] is None for flag in listed if flag["kind"] != "number")


# --- the pages ----------------------------------------------------------------------


def test_the_reading_page_shows_a_passage_in_the_original_with_its_direction(chain, analyst, client):
    original, translation, _ = chain
    start = translation.text.index("fifteen thousand")
    passage = create_passage(
        source=translation, user=analyst, start=start, end=start + len("fifteen thousand")
    )
    AnnotationFactory(workspace=translation.workspace, passages=[passage], author=analyst, body="Check")
    client.force_login(analyst)
    html = client.get(reverse("archive:source", args=[translation.workspace.slug, translation.pk])).content
    html = html.decode()
    [found] = [c for c in counterparts(passage=passage) if c.source_id == original.pk]
    assert "In the original" in html
    assert f'<q lang="ar" dir="rtl"><bdi>{found.exact}</bdi></q>' in html
    here, there = f"{passage.start}:{passage.end}", f"{found.start}:{found.end}"
    marks = f"mark={translation.pk}:{here}&amp;mark={original.pk}:{there}"
    assert f"/sources/{translation.pk}/aligned/?{marks}#mark-o" in html


def test_the_side_by_side_page_pairs_sentences_and_marks_the_counterpart(chain, analyst, client):
    original, translation, _ = chain
    start = translation.text.index("fifteen thousand")
    [found] = [
        c
        for c in counterparts(
            passage=create_passage(source=translation, user=analyst, start=start, end=start + 16)
        )
        if c.source_id == original.pk
    ]
    client.force_login(analyst)
    url = reverse("archive:source_aligned", args=[translation.workspace.slug, translation.pk])
    response = client.get(url, {"mark": [f"{original.pk}:{found.start}:{found.end}"]})
    html = response.content.decode()
    assert 'lang="ar" dir="rtl"' in html and 'lang="en" dir="ltr"' in html
    pairs = current_alignment(source=translation).links.count()
    assert html.count('class="seg') == 2 * pairs
    assert f'<span class="anchor" id="mark-o"></span><mark class="hl-aligned">{found.exact}</mark>' in html
    assert "None: the numbers, dates and names agree" in html


def test_the_side_by_side_page_flags_divergences_on_both_texts_and_explains_them(chain, analyst, client):
    _, _, republication = chain
    client.force_login(analyst)
    slug = republication.workspace.slug
    html = client.get(reverse("archive:source_aligned", args=[slug, republication.pk])).content.decode()
    number = next(n for n, flag in enumerate(divergences(source=republication)) if flag.kind == "number")
    assert f'id="flag-d-{number}"></span><mark class="flag flag-number"' in html
    assert f'id="flag-o-{number}"></span><mark class="flag flag-number"' in html
    response = client.post(
        reverse("archive:divergence_explain", args=[slug, republication.pk]),
        {"kind": "number", "here": "fifty thousand", "there": "fifteen thousand", "reason": "rounded up"},
    )
    assert response.status_code == 302
    note = DivergenceNote.objects.get()
    assert (note.explained_by, note.history.get().history_change_reason) == (analyst, "rounded up")
    html = client.get(reverse("archive:source_aligned", args=[slug, republication.pk])).content.decode()
    assert "flag flag-number flag-explained" in html and "rounded up" in html


def test_the_side_by_side_page_refuses_a_bad_mark_and_a_source_that_derives_from_nothing(
    chain, analyst, client
):
    original, translation, _ = chain
    client.force_login(analyst)
    slug = original.workspace.slug
    assert client.get(reverse("archive:source_aligned", args=[slug, original.pk])).status_code == 404
    url = reverse("archive:source_aligned", args=[slug, translation.pk])
    assert client.get(url, {"mark": "x"}).status_code == 400
    assert client.get(url, {"mark": f"{original.pk}:0:{len(original.text) + 1}"}).status_code == 400


def test_the_claim_page_says_evidence_was_cited_from_a_translation_and_links_the_original(
    chain, analyst, client
):
    original, translation, _ = chain
    start = translation.text.index("fifteen thousand")
    passage = create_passage(source=translation, user=analyst, start=start, end=start + 16)
    claim = ClaimFactory(workspace=translation.workspace, statement="Fifteen thousand are without water")
    EvidenceFactory(claim=claim, passage=passage, created_by=analyst)
    client.force_login(analyst)
    html = client.get(reverse("archive:claim", args=[claim.workspace.slug, claim.pk])).content.decode()
    [found] = [c for c in counterparts(passage=passage) if c.source_id == original.pk]
    assert "Cited from a translation</strong>" in html
    assert f'<q lang="ar" dir="rtl"><bdi>{found.exact}</bdi></q>' in html
    here, there = f"{passage.start}:{passage.end}", f"{found.start}:{found.end}"
    link = f"/aligned/?mark={translation.pk}:{here}&amp;mark={original.pk}:{there}#mark-o"
    # Twice: beside the evidence, and on the original's node in the graph.
    assert html.count(link) == 2
    assert "cited in translation</text>" in html


# --- export -------------------------------------------------------------------------


def test_the_prov_evidence_trail_derives_the_passage_from_the_original_by_the_alignment(
    chain, analyst, client
):
    original, translation, republication = chain
    start = translation.text.index("fifteen thousand")
    passage = create_passage(source=translation, user=analyst, start=start, end=start + 16)
    claim = ClaimFactory(workspace=translation.workspace)
    EvidenceFactory(claim=claim, passage=passage, created_by=analyst)
    client.force_login(analyst)
    response = client.get(reverse("archive:claim_prov_json", args=[claim.workspace.slug, claim.pk]))
    document = ProvDocument.deserialize(content=response.content, format="json")
    found = {c.source_id: c for c in counterparts(passage=passage)}
    up, down = found[original.pk], found[republication.pk]
    names = set()
    for record in document.get_records(ProvDerivation):
        ends = [
            record.get_attribute(f"prov:{name}") for name in ("generatedEntity", "usedEntity", "activity")
        ]
        if all(ends):
            names.add(tuple(next(iter(end)).localpart for end in ends))
    # The translation's passage comes from the original's words, by the translation's alignment;
    # the republication's words from the passage, by the republication's alignment.
    assert (
        f"passage-{passage.pk}",
        f"span-{original.pk}-{up.start}-{up.end}",
        f"alignment-{translation.pk}",
    ) in names
    assert (
        f"span-{republication.pk}-{down.start}-{down.end}",
        f"passage-{passage.pk}",
        f"alignment-{republication.pk}",
    ) in names
    [span] = [
        r
        for r in document.get_records(ProvEntity)
        if r.identifier.localpart.startswith(f"span-{original.pk}-")
    ]
    assert next(iter(span.get_attribute("prov:value"))) == up.exact
    activities = {r.identifier.localpart for r in document.get_records(ProvActivity)}
    assert {f"alignment-{translation.pk}", f"alignment-{republication.pk}"} <= activities


def test_the_w3c_linking_annotation_joins_a_passage_to_its_counterparts_and_validates(
    chain, analyst, outsider
):
    original, translation, republication = chain
    start = translation.text.index("fifteen thousand")
    passage = create_passage(source=translation, user=analyst, start=start, end=start + 16)
    url = f"/w3c/sources/{translation.pk}/passages/{passage.pk}/linking/"
    response = api_client_for(analyst).get(url)
    annotation = response.json()
    assert model_violations(annotation) == []
    assert (annotation["motivation"], annotation["id"]) == ("linking", f"http://testserver{url}")
    assert annotation["target"]["source"]["id"] == f"http://testserver/api/sources/{translation.pk}/text/"
    found = {c.source_id: c for c in counterparts(passage=passage)}
    bodies = {body["source"]["id"]: body for body in annotation["body"]}
    for source in (original, republication):
        body = bodies[f"http://testserver/api/sources/{source.pk}/text/"]
        quote, position = body["selector"]
        assert quote["exact"] == found[source.pk].exact == source.text[position["start"] : position["end"]]
    assert api_client_for(outsider).get(url).status_code == 404
    other = f"/w3c/sources/{original.pk}/passages/{passage.pk}/linking/"
    assert api_client_for(analyst).get(other).status_code == 404


def test_a_bad_mark_is_refused_on_the_apps_page(chain, analyst, client):
    _, translation, _ = chain
    client.force_login(analyst)
    url = reverse("archive:source_aligned", args=[translation.workspace.slug, translation.pk])
    response = client.get(url, {"mark": "abc"})
    assert response.status_code == 400 and "refused.html" in [t.name for t in response.templates]


def test_explaining_a_flag_that_is_not_there_is_refused_on_the_apps_page(chain, analyst, client):
    _, translation, _ = chain
    client.force_login(analyst)
    url = reverse("archive:divergence_explain", args=[translation.workspace.slug, translation.pk])
    response = client.post(url, {"kind": "number", "here": "50", "there": "15", "reason": "rounded"})
    assert response.status_code == 400 and "refused.html" in [t.name for t in response.templates]
    assert not DivergenceNote.objects.exists()


def test_an_explanation_without_a_reason_is_refused_on_the_apps_page(chain, analyst, client):
    _, _, republication = chain
    client.force_login(analyst)
    url = reverse("archive:divergence_explain", args=[republication.workspace.slug, republication.pk])
    body = {"kind": "number", "here": "fifty thousand", "there": "fifteen thousand", "reason": ""}
    response = client.post(url, body)
    assert response.status_code == 400 and "refused.html" in [t.name for t in response.templates]
    assert "Reason: Say why: the reason is kept in the history." in response.content.decode()


def test_the_side_by_side_page_tells_touch_readers_to_tap(chain, analyst, client):
    _, translation, _ = chain
    client.force_login(analyst)
    url = reverse("archive:source_aligned", args=[translation.workspace.slug, translation.pk])
    html = client.get(url).content.decode()
    assert "Point at or tap a sentence" in html and "tapping that brings you back" in html
