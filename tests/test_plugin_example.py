"""The example plugin package installs like any third-party plugin; its rule and format then work.

It is installed with ``pip install --no-deps --target`` into a temporary folder and used through
``PYTHONPATH`` in subprocesses, so this test's environment (and every other test) never sees it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SAMPLES

EXAMPLE = REPO / "examples" / "compliance-plugin-example"


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("plugin-site")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"]
    if importlib.util.find_spec("hatchling") is not None:
        command += ["--no-build-isolation", "--no-index"]  # build offline with the test extra's hatchling
    completed = subprocess.run(
        [*command, "--target", str(target), str(EXAMPLE)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return target


def _compliance(plugin_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if args[0] == "check" and "--config" not in args:
        args = (*args, "--isolated")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_path), os.environ.get("PYTHONPATH", "")])}
    env.pop("COMPLIANCE_NO_PLUGINS", None)  # this test is about installed plugins
    return subprocess.run(
        [sys.executable, "-c", "from compliance.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )


def test_example_plugin_listed_in_plugins_and_rules(plugin_path: Path) -> None:
    plugins = _compliance(plugin_path, "plugins")
    assert plugins.returncode == 0, plugins.stderr
    assert "compliance-plugin-example 0.1.0" in plugins.stdout
    assert "compliance_rule_kinds" in plugins.stdout
    rules = _compliance(plugin_path, "rules")
    assert any(line.startswith("EX-SECTION-LENGTH ") for line in rules.stdout.splitlines())
    explained = _compliance(plugin_path, "explain", "EX-SECTION-LENGTH")
    assert explained.returncode == 0 and "improvement-plan" in explained.stdout


def test_example_rule_fires_on_placeholder_section_and_passes_clean(plugin_path: Path) -> None:
    faults = str(SAMPLES / "v2021-faults-2022.txt")
    clean = str(SAMPLES / "v2021-clean-2023.txt")
    run = _compliance(plugin_path, "check", faults, clean, "--select", "EX-SECTION-LENGTH", "--format", "json")
    assert run.returncode == 0, run.stderr  # a warning does not fail the default gate
    reports = json.loads(run.stdout)["reports"]
    (fired,) = reports[0]["findings"]
    assert (fired["rule"], fired["category"], fired["location"]["section"]) == (
        "EX-SECTION-LENGTH",
        "improvement-plan",
        "S5",
    )
    assert reports[1]["findings"] == []


def test_example_format_renders(plugin_path: Path) -> None:
    faults = str(SAMPLES / "v2021-faults-2022.txt")
    run = _compliance(plugin_path, "check", faults, "--format", "oneline", "--fail-on", "never")
    lines = run.stdout.splitlines()
    assert run.returncode == 0 and len(lines) == 10  # nine findings and a summary line
    assert any(" warning EX-SECTION-LENGTH " in line for line in lines)
    assert all(line.startswith(f"{faults}:") for line in lines)


def test_example_rule_options_validated_by_its_own_model(plugin_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "compliance.toml"
    config.write_text("[options.EX-SECTION-LENGTH]\nmin_chars = 1\n", encoding="utf-8")
    faults = str(SAMPLES / "v2021-faults-2022.txt")
    args = ("check", faults, "--select", "EX-SECTION-LENGTH", "--format", "json", "--config", str(config))
    run = _compliance(plugin_path, *args)
    assert json.loads(run.stdout)["reports"][0]["findings"] == []
    config.write_text("[options.EX-SECTION-LENGTH]\nmin_char = 1\n", encoding="utf-8")
    run = _compliance(plugin_path, *args)
    assert run.returncode == 2 and "did you mean 'min_chars'" in run.stderr


def test_example_plugin_not_visible_in_this_process() -> None:
    from compliance.engine import get_registry

    assert get_registry().rule("EX-SECTION-LENGTH") is None
