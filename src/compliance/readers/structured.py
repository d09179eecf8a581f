"""Structured reports (contract §3) as JSON or YAML: read straight into the Report model.

Both formats are read under the limits: nesting deeper than ``max-depth`` is refused before a
recursive parser sees it (JSON is measured first; YAML is counted over libyaml's events before it
composes, or as the pure-Python loader composes when libyaml is missing), and YAML
aliases are refused outright: a report has no use for them, and nested aliases expand
exponentially ("billion laughs").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import yaml
from pydantic import ValidationError

from compliance.document import LoadError
from compliance.hookspecs import hookimpl
from compliance.model import Report
from compliance.readers import decode_text, looks_binary
from compliance.readers.limits import LimitExceeded, current


class _StructuredReader:
    name = ""
    extensions: tuple[str, ...] = ()

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def read(self, data: bytes, path: str) -> Report:
        if looks_binary(data):
            raise LoadError("文件不是文本（含二进制内容）", "the file is binary, not text")
        try:
            payload = self.parse(decode_text(data).text)
        except RecursionError as exc:  # a last guard: the depth limits should stop this first
            raise _too_deep(current().max_depth) from exc
        except (ValueError, yaml.YAMLError) as exc:
            raise LoadError(
                f"{self.name.upper()} 格式错误：{_first_line(exc)}", f"malformed {self.name}: {_first_line(exc)}"
            ) from exc
        if not isinstance(payload, dict) or "source" not in payload:
            raise LoadError("不是结构化年报（缺少 source 等字段）", "not a structured report (no 'source' field)")
        try:
            return Report.model_validate(_decimals(payload))
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            raise LoadError(
                f"结构化年报不符合 schema：{where}：{error['msg']}",
                f"structured report does not match the schema at {where}: {error['msg']}",
            ) from exc


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _decimals(value: Any) -> Any:
    """YAML floats become exact Decimals (JSON numbers are parsed as Decimal already)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals(v) for v in value]
    return value


def _too_deep(limit: int) -> LimitExceeded:
    return LimitExceeded("max_depth", limit, "结构化年报嵌套层数过深", "the structured report is nested too deeply")


# A JSON string (escapes included), written as an unrolled loop so it matches in linear time.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_OPEN_CLOSE = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text (brackets inside strings ignored)."""
    depth = deepest = 0
    for match in _OPEN_CLOSE.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


class _ReportLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases and counting nesting as the document is composed."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            mark = event.start_mark
            raise LoadError(
                f"YAML 别名（*{event.anchor}）不允许用于结构化年报（第 {mark.line + 1} 行）",
                f"YAML aliases (*{event.anchor}, line {mark.line + 1}) are not allowed in a structured report",
            )
        self.depth += 1
        limit = current().max_depth
        if self.depth > limit:
            raise _too_deep(limit)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class JsonReader(_StructuredReader):
    name = "json"
    extensions = (".json",)

    def sniff(self, data: bytes, path: str) -> int:
        if path.lower().endswith(".json"):
            return 90
        return 30 if data.lstrip()[:1] == b"{" else 0

    def parse(self, text: str) -> Any:
        limit = current().max_depth
        if json_depth(text) > limit:
            raise _too_deep(limit)
        return json.loads(text, parse_float=Decimal)


class YamlReader(_StructuredReader):
    name = "yaml"
    extensions = (".yaml", ".yml")

    def sniff(self, data: bytes, path: str) -> int:
        return 90 if path.lower().endswith((".yaml", ".yml")) else 0

    def parse(self, text: str) -> Any:
        fast = getattr(yaml, "CSafeLoader", None)  # libyaml, when PyYAML was built with it
        if fast is None:
            loader = _ReportLoader(text)
            try:
                return loader.get_single_data()
            finally:
                loader.dispose()
        try:
            _check_events(yaml.parse(text, Loader=fast))
        except yaml.MarkedYAMLError as exc:
            # libyaml scans ahead and stops nesting at its own limit (1,000 levels, past ours)
            if "nesting depth" in str(exc.problem):
                raise _too_deep(current().max_depth) from exc
            raise
        return yaml.load(text, Loader=fast)  # CSafeLoader: the safe loader, in C


def _check_events(events: Iterator[yaml.Event]) -> None:
    """Refuse aliases and nesting over ``max-depth`` in one flat pass over libyaml's events.

    The same rules ``_ReportLoader`` applies while composing, checked before libyaml composes
    (recursively, in C) and PyYAML constructs: ten times faster than the pure-Python loader,
    which read about one report a second.
    """
    limit = current().max_depth
    depth = 0
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark is not None else "?"
            raise LoadError(
                f"YAML 别名（*{event.anchor}）不允许用于结构化年报（第 {line} 行）",
                f"YAML aliases (*{event.anchor}, line {line}) are not allowed in a structured report",
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if depth + isinstance(event, yaml.ScalarEvent) > limit:  # a scalar is a node one deeper
            raise _too_deep(limit)


@hookimpl
def compliance_readers() -> list[object]:
    return [JsonReader(), YamlReader()]
