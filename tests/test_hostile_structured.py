"""YAML structured reports read with libyaml keep the pure-Python loader's limits and results."""

from __future__ import annotations

import pytest
import yaml
from bombs import yaml_laughs

from compliance.document import LoadError
from compliance.readers.limits import LimitExceeded
from compliance.readers.structured import YamlReader


def _nested(levels: int) -> str:
    """A block mapping nested ``levels`` deep (with its scalar, ``levels`` + 1 nodes)."""
    return "".join("  " * i + f"k{i}:\n" for i in range(levels - 1)) + "  " * (levels - 1) + "k: 1\n"


@pytest.fixture(params=["libyaml", "python"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> YamlReader:
    if request.param == "python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml")
    return YamlReader()


def test_aliases_are_refused(reader: YamlReader) -> None:
    with pytest.raises(LoadError) as refused:
        reader.parse(yaml_laughs()[1].decode())
    assert "YAML aliases (*a, line 2)" in refused.value.message_en


def test_nesting_is_limited_alike(reader: YamlReader) -> None:
    assert reader.parse(_nested(63))["k0"]
    with pytest.raises(LimitExceeded, match="max-depth"):
        reader.parse(_nested(64))
    with pytest.raises(LimitExceeded, match="max-depth"):
        reader.parse("[" * 100_000)


def test_both_loaders_read_the_same_data(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "source: r.txt\nyear: 2023\ntables:\n  T3:\n    - [1, 2.5, '3', null, true]\nnote: 'x: y'\n"
    fast = YamlReader().parse(text)
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    assert YamlReader().parse(text) == fast
