"""The W3C Web Annotation data model's published JSON Schemas, as a checker.

The schemas (draft-04, from w3c/web-annotation-tests) are read from
../shared/w3c beside the project, never copied into it. Each assertion file
is a schema of its own whose `$ref`s point into definitions/*.json by id.
"""

import datetime
import json
import os
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

TESTS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "w3c" / "web-annotation-tests"
# Optional features of the model that Warrant's annotations implement.
IMPLEMENTED = [
    "annotations/3.3.1-annotationCreatedImplemented.json",
    "annotations/3.3.1-annotationModifiedImplemented.json",
    "annotations/3.3.5-annotationSingleMotivationImplemented.json",
    "annotations/specificResource/4.2.4-textQuoteSelector.json",
    "annotations/specificResource/4.2.5-textPositionSelector.json",
]


def w3c_tests_dir() -> Path:
    if not TESTS_DIR.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{TESTS_DIR} is missing in CI")
        pytest.skip(f"{TESTS_DIR} is absent (the shared/ folder sits beside the project)")
    return TESTS_DIR


_formats = FormatChecker()


@_formats.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme)


@_formats.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if isinstance(value, str):
        datetime.datetime.fromisoformat(value)
    return True


@cache
def _registry() -> Registry:
    schemas = [
        json.loads(path.read_text())
        for path in w3c_tests_dir().glob("*/**/*.json")
        if "samples" not in path.parts
    ]
    return Registry().with_resources(
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)) for schema in schemas
    )


@cache
def _validator(name: str) -> Draft4Validator:
    schema = json.loads((w3c_tests_dir() / name).read_text())
    return Draft4Validator(schema, registry=_registry(), format_checker=_formats)


@cache
def _validators() -> dict[str, Draft4Validator]:
    musts = json.loads((w3c_tests_dir() / "annotations" / "annotationMusts.test").read_text())["assertions"]
    return {name: _validator(name) for name in [*musts, *IMPLEMENTED]}


@cache
def _page_validators() -> dict[str, Draft4Validator]:
    musts = json.loads((w3c_tests_dir() / "collections" / "pages" / "pageMusts.test").read_text())
    return {name: _validator(name) for name in musts["assertions"]}


def page_violations(page: dict) -> list[str]:
    """The W3C MUST assertions on an Annotation Page that `page` fails."""
    return [
        f"{name}: {next(validator.iter_errors(page)).message}"
        for name, validator in _page_validators().items()
        if not validator.is_valid(page)
    ]


def model_violations(annotation: dict) -> list[str]:
    """The W3C assertions (MUSTs and our implemented options) `annotation` fails."""
    return [
        f"{name}: {next(validator.iter_errors(annotation)).message}"
        for name, validator in _validators().items()
        if not validator.is_valid(annotation)
    ]


def assertion_failures(annotation: dict, names: list[str]) -> list[str]:
    """Which of the named assertions (optional ones, say) `annotation` fails."""
    return [name for name in names if not _validator(name).is_valid(annotation)]


def must_violations(annotation: dict) -> list[str]:
    """Only the MUST assertions (for the W3C's own samples)."""
    return [failure for failure in model_violations(annotation) if failure.split(":")[0] not in IMPLEMENTED]


def sample(kind: str, name: str) -> dict:
    return json.loads((w3c_tests_dir() / "samples" / kind / name).read_text())
