"""Project configuration: ``[tool.compliance]`` in ``pyproject.toml``, or a ``compliance.toml``.

The file is found upward from the working directory (``compliance.toml`` wins over ``pyproject.toml``
in the same folder); ``--config FILE`` names one, ``--isolated`` ignores them all. Command-line flags
override the file. An unknown key is a warning naming the nearest valid key; anything else that is
wrong is a ``ConfigError`` (the CLI turns it into one sentence and exit status 2).
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from compliance.project.suppressions import ConfigSuppression
from compliance.readers.limits import Limits

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

if TYPE_CHECKING:
    from compliance.engine import LoadedRule

CONFIG_FILE = "compliance.toml"
PYPROJECT = "pyproject.toml"


class ConfigError(Exception):
    """The configuration cannot be used; the message is one sentence naming the file."""


class Config(BaseModel):
    """The keys of ``[tool.compliance]`` (and of ``compliance.toml``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, title="compliance configuration")

    select: list[str] | None = Field(None, description="Only these rule ids, id prefixes or categories.")
    ignore: list[str] = Field(default_factory=list, description="Skip these rule ids, id prefixes or categories.")
    severity: dict[str, Literal["error", "warning", "info"]] = Field(
        default_factory=dict, description="Severity overrides, keyed by rule id or category."
    )
    fail_on: Literal["error", "warning", "info", "never"] | None = Field(
        None, alias="fail-on", description="Exit 1 when a finding at or above this severity remains."
    )
    format: str | None = Field(None, description="Default output format of `check`.")
    template: Literal["auto", "V2019", "V2021"] | None = Field(None, description="Force a template version.")
    baseline: str | None = Field(None, description="Baseline file (relative to the config file's folder).")
    options: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Rule options, keyed by rule id; validated by the rule's kind."
    )
    suppressions: list[ConfigSuppression] = Field(
        default_factory=list, description="Findings to suppress: rule, where, and a mandatory reason."
    )
    exclude: list[str] | None = Field(
        None, description="Paths never taken as reports when a folder is walked (replaces the defaults)."
    )
    extend_exclude: list[str] = Field(
        default_factory=list, alias="extend-exclude", description="Paths left out in addition to `exclude`."
    )
    force_exclude: bool = Field(
        False, alias="force-exclude", description="Apply the excludes to files named on the command line too."
    )
    lang: Literal["zh", "en"] | None = Field(None, description="Language of text, Markdown and HTML output.")
    limits: dict[str, int] = Field(
        default_factory=dict,
        description="What one input file may cost (docs/security.md): max-memory, max-unzipped, max-pages, …",
    )

    @field_validator("limits")
    @classmethod
    def _known_limits(cls, value: dict[str, int]) -> dict[str, int]:
        known = Limits.keys()
        for name, number in value.items():
            if name not in known:
                raise ValueError(f"unknown limit '{name}'{_nearest(name, known)}")
            if number < 0:
                raise ValueError(f"limit '{name}' must not be negative")
        return value

    def reader_limits(self) -> Limits:
        """The limits in force: the defaults, overridden by this configuration's ``[limits]``."""
        return replace(Limits(), **{name.replace("-", "_"): number for name, number in self.limits.items()})


@dataclass
class LoadedConfig:
    config: Config = field(default_factory=lambda: Config.model_validate({}))
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path else None

    def relative(self, value: str) -> Path:
        """A path written in the config file, resolved against the file's folder."""
        path = Path(value)
        return path if path.is_absolute() or self.root is None else self.root / path


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read the config file '{path}': {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the config file '{path}' is not valid TOML ({exc})") from exc


def _section(path: Path) -> dict[str, Any] | None:
    """The compliance table of a config file, or None when a pyproject.toml has none."""
    data = _read_toml(path)
    if path.name != PYPROJECT:
        return data
    table = data.get("tool", {}).get("compliance")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"'{path}': [tool.compliance] must be a table")
    return table


def find_config(start: Path) -> Path | None:
    """The nearest compliance.toml, or pyproject.toml with [tool.compliance], from start up to the root."""
    for folder in [start, *start.parents]:
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _section(pyproject) is not None:
            return pyproject
    return None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _nearest(key: str, valid: Sequence[str], listing: bool = True) -> str:
    """Name the closest valid key (difflib), else list them all (when short enough to help)."""
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (valid keys: {', '.join(valid)})" if listing else " (see 'compliance rules')"


def _drop_unknown(data: dict[str, Any], model: type[BaseModel], where: str, warnings: list[str]) -> dict[str, Any]:
    valid = _keys_of(model)
    kept = {}
    for key, value in data.items():
        if key in valid:
            kept[key] = value
        else:
            warnings.append(f"{where}: unknown key '{key}' ignored{_nearest(key, valid)}")
    return kept


def parse(data: dict[str, Any], source: str) -> tuple[Config, list[str]]:
    """Validate a config table; unknown keys are dropped with a warning, other problems raise."""
    warnings: list[str] = []
    data = _drop_unknown(data, Config, source, warnings)
    entries = data.get("suppressions")
    if isinstance(entries, list):
        data["suppressions"] = [
            _drop_unknown(e, ConfigSuppression, f"{source}: suppressions[{i}]", warnings) if isinstance(e, dict) else e
            for i, e in enumerate(entries)
        ]
    try:
        return Config.model_validate(data), warnings
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "(top)"
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"'{source}': {where}: {message}") from exc


def load(explicit: str | None = None, isolated: bool = False, cwd: Path | None = None) -> LoadedConfig:
    """The configuration in force: ``--config FILE``, else the nearest file, else defaults."""
    if isolated:
        return LoadedConfig()
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"the config file '{explicit}' does not exist")
        table = _section(path)
        if table is None:
            raise ConfigError(f"'{explicit}' has no [tool.compliance] table")
    else:
        found = find_config((cwd or Path.cwd()).resolve())
        if found is None:
            return LoadedConfig()
        path, table = found, _section(found) or {}
    config, warnings = parse(table, str(path))
    return LoadedConfig(config=config, path=path, warnings=warnings)


def validate_against(loaded: LoadedConfig, rules: Sequence[LoadedRule], engine_rules: Sequence[str] = ()) -> None:
    """Check what names rules (severity keys, options, suppressions) against the loaded rules."""
    config, source = loaded.config, str(loaded.path)
    by_id = {r.spec.id: r for r in rules}
    categories = sorted({r.spec.category for r in rules} | {"input", "internal"})
    for key in config.severity:
        if key not in by_id and key not in categories:
            hint = _nearest(key, [*by_id, *categories], listing=False)
            raise ConfigError(f"'{source}': severity key '{key}' names no rule id or category{hint}")
    for rule_id, values in config.options.items():
        rule = by_id.get(rule_id)
        if rule is None:
            raise ConfigError(
                f"'{source}': options for unknown rule '{rule_id}'{_nearest(rule_id, list(by_id), listing=False)}"
            )
        try:
            rule.kind.parse_options(values)
        except (ValidationError, ValueError) as exc:
            valid = list(rule.kind.Options.model_fields) if rule.kind.Options else []
            raise ConfigError(f"'{source}': options.{rule_id}: {_first_error(exc, valid)}") from exc
    known = [*by_id, *engine_rules]
    for i, entry in enumerate(config.suppressions):
        if entry.rule not in known:
            hint = _nearest(entry.rule, known, listing=False)
            raise ConfigError(f"'{source}': suppressions[{i}] names unknown rule '{entry.rule}'{hint}")


def _first_error(exc: Exception, valid: Sequence[str] = ()) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        if error["type"] == "extra_forbidden" and valid:
            return f"unknown option '{where}'{_nearest(where, valid)}"
        return f"{where}: {error['msg']}" if where else error["msg"]
    return str(exc)


def rule_options(loaded: LoadedConfig, rules: Sequence[LoadedRule]) -> dict[str, dict[str, Any]]:
    """Validated options per rule id, as plain dicts for the engine's CheckContext."""
    by_id = {r.spec.id: r for r in rules}
    result = {}
    for rule_id, values in loaded.config.options.items():
        model = by_id[rule_id].kind.parse_options(values)
        result[rule_id] = model.model_dump() if model is not None else {}
    return result
