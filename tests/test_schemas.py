"""The checked-in JSON Schemas match the models, and our outputs validate against them."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import REPO

from compliance.schemas import SCHEMA_FILES, build_schema


@pytest.mark.parametrize("which", sorted(SCHEMA_FILES))
def test_schema_checked_in_matches_model(which: str) -> None:
    checked_in = json.loads((REPO / "schemas" / SCHEMA_FILES[which]).read_text(encoding="utf-8"))
    assert checked_in == build_schema(which), (
        f"schemas/{SCHEMA_FILES[which]} is stale: run `python -m compliance.schemas schemas`"
    )


@pytest.mark.parametrize("which", sorted(SCHEMA_FILES))
def test_schema_is_valid_json_schema(which: str) -> None:
    jsonschema.Draft202012Validator.check_schema(build_schema(which))
