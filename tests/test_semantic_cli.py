"""`compliance extract` shows the claims; extract → check gives the same semantic findings."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from compliance.cli import cli
from conftest import SAMPLES
from helpers import check_text


def test_extract_shows_claims_with_targets_and_spans() -> None:
    result = CliRunner().invoke(cli, ["extract", str(SAMPLES / "v2021-faults-2022.txt")])
    assert result.exit_code == 0
    claims = json.loads(result.output)["claims"]
    received = next(c for c in claims if c["target"] == "T3.new.total")
    assert received["value"] == 40 and received["approximate"] is False
    start, end = received["span"]
    assert received["sentence"][start:end] == received["text"]
    assert received["loc"]["line"] == 11


def test_extract_then_check_gives_same_findings(tmp_path: Path) -> None:
    runner = CliRunner()
    source = SAMPLES / "v2021-faults-2022.txt"
    extracted = tmp_path / "report.json"
    extracted.write_text(runner.invoke(cli, ["extract", str(source)]).output, encoding="utf-8")
    direct = json.loads(runner.invoke(cli, ["check", str(source), "--format", "json"]).output)
    again = json.loads(runner.invoke(cli, ["check", str(extracted), "--format", "json"]).output)
    assert direct["reports"][0]["findings"] == again["reports"][0]["findings"]
    assert any(f["category"] == "narrative-consistency" for f in direct["reports"][0]["findings"])


def test_explain_semantic_rule() -> None:
    result = CliRunner().invoke(cli, ["explain", "T3-TEXT"])
    assert result.exit_code == 0 and "narrative-consistency" in result.output


def test_sections_wrong_order_reported(tmp_path: Path) -> None:
    text = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")
    five = re.search(r"五、存在的主要问题及改进情况\n\n.*?(?=\n\n六、)", text, flags=re.S)
    assert five is not None
    moved = text.replace(five.group(0) + "\n\n", "")
    moved = moved.replace("二、主动公开政府信息情况", five.group(0) + "\n\n二、主动公开政府信息情况", 1)
    found = [f for f in check_text(tmp_path, moved) if f.rule == "STRUCT-SECTIONS"]
    assert found and all(f.severity == "error" for f in found)
