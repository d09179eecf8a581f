"""One test per cause the long fuzz run (``bench/bench_fuzz.py``) found, each built from our own sample report.

Every input here once raised inside the engine instead of ending as a report or one ``input``
finding; the test reads it through the reader, the template mapping and every rule.
"""

from __future__ import annotations

import re

import pytest
from bombs import sample_text

from compliance.document import Document
from compliance.engine import check_report, get_registry
from compliance.mapping.build import build_report
from compliance.mapping.numbers import whole_count


def _checked(text: str) -> list:
    registry = get_registry()
    reader = next(r for r in registry.readers if r.name == "text")
    document = reader.read(text.encode(), "r.txt")
    assert isinstance(document, Document)
    report = build_report(document, registry.layouts, None)
    return check_report(report, registry)


def test_a_table_cell_of_thousands_of_digits_is_not_converted_to_a_count() -> None:
    # Found by fuzzing text: one cell of a statistics row repeated into 15,349 zeros made the
    # placement by column position call int() on it ("Exceeds the limit (4300 digits)").
    text = sample_text()
    cells = list(re.finditer(r"(?m)^[^\t\n]+(?:\t\d+){5,}\t(\d+)$", text))
    assert cells, "the sample has tab-separated table rows"
    last = cells[len(cells) // 2]
    hostile = text[: last.start(1)] + "0" * 15_000 + text[last.end(1) :]
    findings = _checked(hostile)
    assert not [f for f in findings if f.category == "internal"]


def test_a_count_is_plain_ascii_digits_of_figure_length() -> None:
    assert whole_count(" 1,234 ") == 1234
    assert whole_count("9" * 5000) is None  # int() refuses over 4,300 digits
    assert whole_count("²") is None  # isdigit() accepts it, int() does not
    assert whole_count("١٢") is None  # Arabic-Indic digits: not how a report prints a count
    assert whole_count("") is None


def test_an_image_pillow_cannot_size_is_one_damaged_image_finding() -> None:
    # Found by fuzzing TIFF, JPEG, PNG and BMP files through the frame decoder: a TIFF whose
    # second frame has no ImageWidth tag makes Pillow raise TypeError ("Missing dimensions"), which escaped
    # the image reader as "reader failed". Any error of Pillow's decoding is a damaged file.
    import io

    import pytest
    from PIL import Image

    from compliance.document import LoadError
    from compliance.readers.ocr.scanned import image_pages

    out = io.BytesIO()
    frames = [Image.new("L", (40, 30), 255), Image.new("L", (40, 30), 0)]
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    data = out.getvalue()
    width_tag = b"\x00\x01\x04\x00\x01\x00\x00\x00"  # tag 256 (ImageWidth), LONG, one value
    assert data.count(width_tag) == 2
    second = data.rindex(width_tag)  # the second frame's: the first frame opens, seeking fails
    broken = data[:second] + b"\xff\x0f" + data[second + 2 :]
    with pytest.raises(LoadError) as refused:
        image_pages(broken, None)
    assert "damaged" in refused.value.message_en


@pytest.mark.parametrize("side", [40, 100])
def test_an_image_over_the_pixel_limit_is_one_finding_naming_the_limit(
    side: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found measuring scans: a 1200 dpi A4 scan (139 M pixels) was refused as "damaged", because
    # Pillow's own guard raises when it opens a file of more than twice its limit. Here with a
    # limit of 1,000 pixels: 40 × 40 is over it, 100 × 100 over twice it.
    import io

    from PIL import Image

    from compliance.readers.limits import LimitExceeded, Limits, applied
    from compliance.readers.ocr.scanned import image_pages

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # put back after the test
    out = io.BytesIO()
    Image.new("L", (side, side), 255).save(out, format="PNG")
    with applied(Limits(max_image_pixels=1000)), pytest.raises(LimitExceeded) as refused:
        image_pages(out.getvalue(), None)
    assert refused.value.key == "max-image-pixels" and "max-image-pixels = 1000" in refused.value.message_en


def test_a_row_of_one_cell_of_thousands_of_digits_is_not_cut_every_way() -> None:
    # Found by fuzzing HTML: a table row whose figures ran together into one cell of 3,475 digits
    # (the others blank) was cut into cells every way at every length by the run-together digit
    # inference: minutes of CPU for one row. A cell holds a figure of at most 30 digits.
    import time

    text = sample_text()
    rows = list(re.finditer(r"(?m)^([^\t\n]+)((?:\t\d+){5,})$", text))
    assert rows, "the sample has tab-separated table rows"
    row = rows[len(rows) // 2]
    hostile = text[: row.start(2)] + "\t" + "1" * 3000 + "\t" * (row.group(2).count("\t") - 1) + text[row.end(2) :]
    started = time.process_time()
    findings = _checked(hostile)
    assert time.process_time() - started < 5.0
    assert not [f for f in findings if f.category == "internal"]
