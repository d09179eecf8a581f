"""Shared fixtures: paths to our samples, the seed and the real corpus beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Plugins installed in this environment must not change the suite's results: only built-ins load
# (tests of the plugin mechanism clear this in the subprocesses they start).
os.environ["COMPLIANCE_NO_PLUGINS"] = "1"

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "reports"
SEED = SHARED / "seeds" / "000_8a3768d55a3234f1.txt"
CORPUS = SHARED / "corpus" / "real"


def require_shared() -> None:
    """Skip locally when ../shared is absent, but fail under CI: the corpus tests must run there."""
    if SHARED.is_dir():
        return
    if os.environ.get("CI"):
        pytest.fail(f"../shared is missing beside the checkout ({SHARED}); CI must provide it")
    pytest.skip("../shared is not beside this checkout")


@pytest.fixture
def seed_path() -> Path:
    require_shared()
    return SEED


@pytest.fixture
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")
