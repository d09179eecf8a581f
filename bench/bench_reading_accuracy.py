"""Reading accuracy on renderings of the real corpus: cells right, identical error findings, time.

Renders every corpus document with real tables the ways supervisors receive them (LibreOffice DOCX,
PDF on A4/A4 landscape/A3 and filtered HTML, Chromium's PDF, pdftotext -layout/-raw, other text
encodings, tab- and space-aligned text; cached in ``.cache/renderings`` or
``$COMPLIANCE_RENDER_CACHE``), reads each with the engine and prints one line per rendering kind.
A script that prints figures, not a test: ``python bench/bench_reading_accuracy.py [--details]``.
The same as ``python -m bench.renderings``; tests/test_renderings.py is the gate.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.renderings.__main__ import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
