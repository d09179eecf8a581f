"""The on-disk cache of validated data files: same result as reading afresh, rebuilt on any change."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance import datacache
from compliance.layout import RulePack, TemplateLayout, data_dir, load_validated


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(datacache.CACHE_ENV, raising=False)
    return tmp_path / "cache" / "data"


def test_cached_template_equals_a_fresh_reading(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = data_dir("rules") / "templates" / "V2021.yaml"
    first = load_validated(TemplateLayout, path)
    assert len(list(cache.glob("*.pickle"))) == 1
    again = load_validated(TemplateLayout, path)
    monkeypatch.setenv(datacache.CACHE_ENV, "off")
    assert first == again == load_validated(TemplateLayout, path)


def test_a_changed_file_is_read_afresh(cache: Path, tmp_path: Path) -> None:
    source = data_dir("rules") / "packs" / "rollup.yaml"
    copy = tmp_path / "pack.yaml"
    copy.write_bytes(source.read_bytes())
    before = load_validated(RulePack, copy)
    copy.write_text(source.read_text(encoding="utf-8").replace("ROLLUP-T3", "ROLLUP-X3"), encoding="utf-8")
    after = load_validated(RulePack, copy)
    assert "ROLLUP-T3" in {r.id for r in before.rules} and "ROLLUP-X3" in {r.id for r in after.rules}
    assert len(list(cache.glob("*.pickle"))) == 2


def test_an_unwritable_or_corrupt_cache_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(blocker))
    path = data_dir("rules") / "templates" / "V2021.yaml"
    assert load_validated(TemplateLayout, path).id
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "ok"))
    load_validated(TemplateLayout, path)
    (stored,) = (tmp_path / "ok" / "data").glob("*.pickle")
    stored.write_bytes(b"garbage")
    assert load_validated(TemplateLayout, path).id
