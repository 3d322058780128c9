"""`manage.py import_sources`: files and folders, progress and a summary."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from archive.models import Derivation, Source, UnarchivedOriginal
from tests.documents import article_html, pdf_bytes
from tests.factories import OutletFactory, SourceFactory


def run(*args: str) -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_sources", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "nested").mkdir()
    (tmp_path / "story.html").write_bytes(article_html())
    (tmp_path / "notes.md").write_text("# Field notes\n\nThe pumps stopped on Tuesday.")
    (tmp_path / "nested" / "report.pdf").write_bytes(pdf_bytes("Reaching 120 a week."))
    (tmp_path / "nested" / "copy-of-notes.md").write_text("# Field notes\n\nThe pumps stopped on Tuesday.")
    (tmp_path / "nested" / "tool.txt").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(60))
    (tmp_path / ".hidden").write_text("Editor state, not a source.")
    return tmp_path


def test_a_folder_is_imported_with_a_summary_of_imported_duplicate_and_failed(workspace, analyst, folder):
    out, _, error = run("--workspace", workspace.slug, "--user", analyst.username, str(folder))
    assert "3 imported, 1 duplicate, 1 failed." in out
    assert "tool.txt: This file is an executable program (ELF)" in out
    assert "The same file is already in this workspace as “\u2068Field notes\u2069”" in out
    assert error is not None  # a failed file makes the command fail
    assert Source.objects.count() == 3


def test_one_failed_file_is_counted_in_the_singular(workspace, folder):
    _, _, error = run("--workspace", workspace.slug, str(folder / "nested" / "tool.txt"))
    assert str(error) == "1 file could not be imported."


def test_progress_bar_counts_every_file(workspace, folder):
    _, err, _ = run("--workspace", workspace.slug, str(folder))
    assert "5/5" in err


def test_single_files_are_imported_and_the_command_succeeds(workspace, analyst, folder):
    out, _, error = run("--workspace", workspace.slug, str(folder / "story.html"), str(folder / "notes.md"))
    assert error is None
    assert "2 imported, 0 duplicate, 0 failed." in out


def test_an_outlet_name_of_an_existing_outlet_says_once_which_outlet_it_matched(workspace, folder):
    existing = OutletFactory(workspace=workspace, name="Enab Baladi", reliability="B")
    notes, pdf = str(folder / "notes.md"), str(folder / "nested" / "report.pdf")
    out, _, error = run("--workspace", workspace.slug, "--outlet", "enab  BALADI", notes, pdf)
    said = (
        "Attached to the existing outlet “\u2068Enab Baladi\u2069” (B: usually reliable), "
        "which the name “\u2068enab BALADI\u2069” matched."
    )
    assert error is None and out.count(said) == 1
    assert [source.outlet for source in Source.objects.all()] == [existing, existing]


def test_imports_can_be_declared_derived_from_a_source(workspace, analyst, folder):
    original = SourceFactory(workspace=workspace)
    run(
        "--workspace",
        workspace.slug,
        "--derived-from",
        str(original.pk),
        "--derivation",
        "translation",
        "--language",
        "en-GB",
        str(folder / "notes.md"),
    )
    imported = Source.objects.exclude(pk=original.pk).get()
    assert (imported.derived_from, imported.derivation, imported.language) == (
        original,
        Derivation.TRANSLATION,
        "en-GB",
    )


def test_imports_can_be_declared_translations_of_an_original_that_is_not_archived(workspace, folder):
    _, _, error = run(
        *("--workspace", workspace.slug, "--derivation", "translation"),
        *("--unarchived-title", "محطة المياه خارج الخدمة", "--unarchived-url", "https://baladi.example/w"),
        *("--unarchived-outlet", "Baladi News", "--unarchived-language", "ar"),
        *("--unarchived-published-on", "2017-07-04"),
        str(folder / "notes.md"),
        str(folder / "story.html"),
    )
    assert error is None
    described = UnarchivedOriginal(
        title="محطة المياه خارج الخدمة",
        url="https://baladi.example/w",
        outlet="Baladi News",
        language="ar",
        published_on=datetime.date(2017, 7, 4),
    )
    assert [(source.derivation, source.unarchived_original) for source in Source.objects.all()] == [
        (Derivation.TRANSLATION, described)
    ] * 2


def test_an_unarchived_original_without_its_title_or_address_is_refused_by_its_option_before_importing(
    workspace, folder
):
    _, _, error = run(
        "--workspace",
        workspace.slug,
        "--derivation",
        "translation",
        "--unarchived-outlet",
        "Baladi News",
        str(folder),
    )
    assert "--unarchived-title: Give the title or the address of the original that is not archived." in str(
        error
    )
    assert Source.objects.count() == 0


def test_an_unarchived_original_published_in_the_future_is_refused_by_its_option_before_importing(
    workspace, folder
):
    _, _, error = run(
        *("--workspace", workspace.slug, "--derivation", "translation", "--unarchived-title", "Report"),
        *("--unarchived-published-on", "2999-01-01", str(folder)),
    )
    assert "--unarchived-published-on: 2999-01-01 is not a plausible publication date" in str(error)
    assert Source.objects.count() == 0


def test_both_an_archived_source_and_an_unarchived_original_are_refused_before_importing(workspace, folder):
    original = SourceFactory(workspace=workspace)
    _, _, error = run(
        *("--workspace", workspace.slug, "--derived-from", str(original.pk), "--derivation", "translation"),
        *("--unarchived-title", "Report", str(folder)),
    )
    assert "--derived-from: Give the archived source it derives from or describe an original" in str(error)
    assert Source.objects.count() == 1


def test_a_user_who_cannot_contribute_is_refused(workspace, reviewer, folder):
    _, _, error = run("--workspace", workspace.slug, "--user", reviewer.username, str(folder))
    assert "is not an analyst or admin" in str(error)
    assert Source.objects.count() == 0


def test_an_unknown_workspace_is_refused(db, folder):
    _, _, error = run("--workspace", "no-such-case", str(folder))
    assert "No workspace 'no-such-case'" in str(error)
