"""What a linter user expects: --quiet, --statistics, stdin, --lang, suggestions, severity overrides,
--no-plugins, python -m compliance, extract for people."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import cli
from conftest import SAMPLES

FAULTS = SAMPLES / "v2021-faults-2022.txt"
CLEAN = SAMPLES / "v2021-clean-2023.txt"


def invoke(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _findings(*args: str) -> list[dict[str, object]]:
    _, out, _ = invoke("check", *args, "--format", "json", "--isolated")
    return [f for r in json.loads(out)["reports"] for f in r["findings"]]


def test_quiet_prints_one_line_per_finding_and_nothing_on_stderr() -> None:
    code, out, err = invoke("check", str(FAULTS), str(CLEAN), "--isolated", "-q")
    lines = out.splitlines()
    assert code == 1 and err == ""
    assert len(lines) == len(_findings(str(FAULTS), str(CLEAN)))
    assert all(line.startswith(f"{FAULTS}: ") for line in lines)


def test_statistics_counts_each_rule_most_frequent_first() -> None:
    findings = _findings(str(FAULTS))
    code, out, _ = invoke("check", str(FAULTS), "--isolated", "--statistics", "--format", "json")
    rows = json.loads(out)
    assert code == 1
    assert sum(row["count"] for row in rows) == len(findings)
    assert [row["count"] for row in rows] == sorted((row["count"] for row in rows), reverse=True)
    by_rule = {row["rule"]: row["count"] for row in rows}
    for finding in findings:
        assert by_rule[finding["rule"]] == sum(1 for f in findings if f["rule"] == finding["rule"])
    _, text, _ = invoke("check", str(FAULTS), "--isolated", "--statistics")
    assert len(text.splitlines()) == len(rows) and rows[0]["rule"] in text.splitlines()[0]


@pytest.mark.parametrize("name", [None, "draft.txt"])
def test_standard_input_is_checked_under_its_given_name(name: str | None) -> None:
    args = ["check", "-", "--isolated", "--format", "json"] + (["--stdin-filename", name] if name else [])
    code, out, _ = invoke(*args, stdin=FAULTS.read_bytes())
    document = json.loads(out)
    assert code == 1
    assert document["reports"][0]["source"] == (name or "-")
    assert len(document["reports"][0]["findings"]) == len(_findings(str(FAULTS)))


def test_standard_input_given_twice_is_a_usage_error() -> None:
    code, _, err = invoke("check", "-", "-", stdin=b"x")
    assert code == 2 and "only once" in err


def test_lang_en_uses_the_english_messages() -> None:
    findings = _findings(str(FAULTS))
    english = [str(f["message_en"]) for f in findings if f.get("message_en")]
    _, out_en, _ = invoke("check", str(FAULTS), "--isolated", "--lang", "en")
    _, out_zh, _ = invoke("check", str(FAULTS), "--isolated")
    assert english and all(message in out_en for message in english)
    assert not any(message in out_zh for message in english)
    _, md, _ = invoke("check", str(FAULTS), "--isolated", "--lang", "en", "--format", "markdown")
    assert english[0].replace("|", "\\|") in md
    from html import escape

    _, page, _ = invoke("check", str(FAULTS), "--isolated", "--lang", "en", "--format", "html")
    assert all(escape(message) in page for message in english)


def test_unknown_rule_names_suggest_the_nearest_id() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "compliance", "explain", "T3-ROW-TOTL"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2 and "did you mean 'T3-ROW-TOTAL'?" in result.stderr
    code, _, err = invoke("check", str(CLEAN), "--select", "t4-rv-totl")
    assert code == 2 and "did you mean 'T4-RV-TOTAL'" in err


def test_severity_override_caps_every_finding_of_the_rule(tmp_path: Path) -> None:
    # A blank cell in table 三: the BLANK-POLICY note and the identity errors it leads to.
    text = CLEAN.read_text(encoding="utf-8").replace("（一）予以公开\t14\t4", "（一）予以公开\t\t4")
    report = tmp_path / "blank.txt"
    report.write_text(text, encoding="utf-8")
    before = _findings(str(report))
    assert {f["severity"] for f in before if f["category"] == "arithmetic"} >= {"error", "info"}
    config = tmp_path / "compliance.toml"
    config.write_text('[severity]\narithmetic = "warning"\n', encoding="utf-8")
    _, out, _ = invoke("check", str(report), "--format", "json", "--config", str(config))
    after = [f for r in json.loads(out)["reports"] for f in r["findings"]]
    assert [f["rule"] for f in after] == [f["rule"] for f in before]
    for old, new in zip(before, after, strict=True):
        if old["category"] == "arithmetic":
            # Errors become warnings; lower notes are never raised.
            expected = "warning" if old["severity"] == "error" else old["severity"]
            assert new["severity"] == expected
    config.write_text('[severity]\narithmetic = "info"\n', encoding="utf-8")
    _, out, _ = invoke("check", str(report), "--format", "json", "--config", str(config))
    capped = [f for r in json.loads(out)["reports"] for f in r["findings"] if f["category"] == "arithmetic"]
    assert capped and {f["severity"] for f in capped} == {"info"}


def test_python_dash_m_and_no_plugins() -> None:
    env = {k: v for k, v in os.environ.items() if k != "COMPLIANCE_NO_PLUGINS"}
    result = subprocess.run(
        [sys.executable, "-m", "compliance", "--no-plugins", "plugins"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0
    distributions = {line.split()[1] for line in result.stdout.splitlines()}
    assert distributions == {"zfxxgk-compliance"}


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_extract_for_people_shows_every_table_cell_as_read(fmt: str) -> None:
    _, structured, _ = invoke("extract", str(FAULTS))
    report = json.loads(structured)
    code, out, _ = invoke("extract", str(FAULTS), "--format", fmt)
    assert code == 0
    assert report["agency"] in out
    for table, rows in report["tables"].items():
        assert f"({table})" in out
        values = [str(c["value"]) for row in rows.values() for c in row.values() if c["value"] is not None]
        # Every figure read appears in the rendered table (as a cell of its own).
        separator = "|"
        cells = {part.strip() for line in out.splitlines() if separator in line for part in line.split(separator)}
        assert set(values) <= cells


def _hanging_check_file(path, registry, options, previous=None):  # type: ignore[no-untyped-def]
    import time

    time.sleep(60)


@pytest.mark.skipif(
    __import__("multiprocessing").get_start_method(allow_none=True) not in (None, "fork"),
    reason="patching workers needs fork",
)
def test_extract_reads_in_a_worker_under_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.batch import run as batch_module

    monkeypatch.setattr(batch_module, "check_file", _hanging_check_file)
    import time

    started = time.monotonic()
    code, _, err = invoke("extract", str(CLEAN), "--timeout", "1")
    assert code == 2 and "cannot read" in err
    assert time.monotonic() - started < 20
