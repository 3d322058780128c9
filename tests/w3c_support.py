"""Fixtures the W3C protocol tests share. Each registers under the name the tests take
(`client`, `url`, `annotation`, `item`), so a module imports them by their own names
and a test's parameter does not shadow the import."""

import pytest

from tests.factories import AnnotationFactory
from tests.support import api_client_for


@pytest.fixture(name="client")
def analysts_api_client(analyst):
    return api_client_for(analyst)


@pytest.fixture(name="url")
def source_container(source):
    return f"http://testserver/w3c/sources/{source.pk}/"


@pytest.fixture(name="annotation")
def questioning_annotation(workspace, passage, analyst):
    return AnnotationFactory(
        workspace=workspace, passages=[passage], author=analyst, motivation="questioning"
    )


@pytest.fixture(name="item")
def annotation_iri(url, annotation):
    return f"{url}annotations/{annotation.pk}/"
