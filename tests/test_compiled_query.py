"""archive.core.compiled_query: a queryset compiled once, run with other values."""

from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from archive.core.compiled_query import CompiledQuery
from archive.models import Passage, Source
from tests.factories import PassageFactory, SourceFactory

pytestmark = pytest.mark.django_db

PASSAGE_IN_WORKSPACE = CompiledQuery(
    lambda pk, workspace_id: (
        Passage.objects.select_related("source")
        .defer("source__text")
        .filter(pk=pk, workspace_id=workspace_id)
    ),
    pk=int,
    workspace_id=int,
)


def test_compiled_query_finds_what_its_queryset_finds_for_each_value(source):
    first, second = PassageFactory(source=source), PassageFactory(source=source)
    for passage in (first, second):
        [found] = PASSAGE_IN_WORKSPACE(pk=passage.pk, workspace_id=source.workspace_id)
        expected = Passage.objects.get(pk=passage.pk)
        assert [getattr(found, f.attname) for f in Passage._meta.concrete_fields] == [
            getattr(expected, f.attname) for f in Passage._meta.concrete_fields
        ]


def test_compiled_query_finds_nothing_outside_its_filter(source):
    passage = PassageFactory(source=source)
    assert PASSAGE_IN_WORKSPACE(pk=passage.pk, workspace_id=source.workspace_id + 1) == []


def test_compiled_query_fills_the_related_objects_its_queryset_selects(source):
    passage = PassageFactory(source=source)
    stored = Source.objects.get(pk=source.pk)
    [found] = PASSAGE_IN_WORKSPACE(pk=passage.pk, workspace_id=source.workspace_id)
    with CaptureQueriesContext(connection) as queries:
        selected = (found.source.pk, found.source.title, found.source.captured_at)
    assert selected == (stored.pk, stored.title, stored.captured_at)
    assert len(queries) == 0


def test_compiled_query_leaves_deferred_fields_to_be_read_when_asked(source):
    passage = PassageFactory(source=source)
    [found] = PASSAGE_IN_WORKSPACE(pk=passage.pk, workspace_id=source.workspace_id)
    assert found.source.get_deferred_fields() == {"text"}
    assert found.source.text == source.text


@pytest.mark.parametrize(
    "build",
    [lambda pk: Source.objects.filter(pk=pk), lambda pk: Source.objects.select_for_update().filter(pk=pk)],
    ids=["read", "locking"],
)
def test_compiled_query_compiles_its_queryset_once(workspace, build):
    query = CompiledQuery(build, pk=int)
    sources = [SourceFactory(workspace=workspace) for _ in range(3)]
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        found = [query(pk=source.pk)[0].pk for source in sources]
    assert found == [source.pk for source in sources]
    assert as_sql.call_count == 1


def test_compiled_query_refuses_an_argument_that_does_not_reach_the_parameters_unchanged(workspace):
    query = CompiledQuery(lambda title: Source.objects.filter(title__contains=title), title=str)
    with pytest.raises(ValueError, match="title"):
        query(title="Daraa")


def test_compiled_query_refuses_a_value_of_another_type(source):
    with pytest.raises(TypeError, match="pk must be int"):
        PASSAGE_IN_WORKSPACE(pk="1", workspace_id=source.workspace_id)


def test_compiled_query_refuses_arguments_it_was_not_built_with(source):
    with pytest.raises(TypeError, match="exactly"):
        PASSAGE_IN_WORKSPACE(pk=1)
