"""Page preparation without the recogniser: skew, quarter turns, rules and specks on real pages."""

from __future__ import annotations

import pytest
from scans import degrade, render

from conftest import CORPUS, require_shared

PAGE = CORPUS / "2024_jiangsu-huaian-shi-zhengfu.pdf"


@pytest.fixture(scope="module")
def table_page():  # type: ignore[no-untyped-def]
    require_shared()
    pytest.importorskip("cv2")
    return render(PAGE, [3], 150)[0]


@pytest.mark.parametrize("tilt", [-1.5, -0.7, 1.0, 1.5])
def test_skew_is_measured(table_page, tilt: float) -> None:  # type: ignore[no-untyped-def]
    from compliance.readers.ocr.prepare import skew_angle

    assert skew_angle(degrade(table_page, tilt=tilt, jpeg=80)) == pytest.approx(-tilt, abs=0.15)


@pytest.mark.parametrize("number", [0, 3])  # prose, tables
def test_quarter_turn_is_seen(number: int) -> None:
    require_shared()
    cv2 = pytest.importorskip("cv2")
    from compliance.readers.ocr.prepare import is_sideways

    page = render(PAGE, [number], 100)[0]
    assert not is_sideways(page)
    assert is_sideways(cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE))
    assert is_sideways(cv2.rotate(page, cv2.ROTATE_90_COUNTERCLOCKWISE))
    assert not is_sideways(cv2.rotate(page, cv2.ROTATE_180))


def test_rules_found_and_specks_removed(table_page) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from compliance.readers.ocr.prepare import despeckle, find_rules

    clean_rules, erased = find_rules(table_page)
    assert sum(1 for r in clean_rules if r.vertical) >= 8 and sum(1 for r in clean_rules if not r.vertical) >= 10
    assert (erased < 128).sum() < (table_page < 128).sum()  # the rules are gone from the copy
    noisy = degrade(table_page, speckle=0.003)
    cleaned = despeckle(noisy)
    # Most specks go; the text stays (ink close to the clean page's).
    assert abs(int((cleaned < 128).sum()) - int((table_page < 128).sum())) < 0.2 * (noisy < 128).sum()
    assert np.count_nonzero(cleaned != noisy) > 0
