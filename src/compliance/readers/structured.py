"""Structured reports (contract §3) as JSON or YAML: read straight into the Report model."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml
from pydantic import ValidationError

from compliance.document import LoadError
from compliance.hookspecs import hookimpl
from compliance.model import Report
from compliance.readers import decode_text, looks_binary


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


class JsonReader(_StructuredReader):
    name = "json"
    extensions = (".json",)

    def sniff(self, data: bytes, path: str) -> int:
        if path.lower().endswith(".json"):
            return 90
        return 30 if data.lstrip()[:1] == b"{" else 0

    def parse(self, text: str) -> Any:
        return json.loads(text, parse_float=Decimal)


class YamlReader(_StructuredReader):
    name = "yaml"
    extensions = (".yaml", ".yml")

    def sniff(self, data: bytes, path: str) -> int:
        return 90 if path.lower().endswith((".yaml", ".yml")) else 0

    def parse(self, text: str) -> Any:
        return yaml.safe_load(text)


@hookimpl
def compliance_readers() -> list[object]:
    return [JsonReader(), YamlReader()]
