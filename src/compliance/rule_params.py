"""Rule packs with their rules' parameters validated, kept as one entry of the data cache.

Each rule kind validates its rules' ``params`` with a pydantic model of its own: about forty
models, and building one (its validator) costs about a millisecond, so validating every rule at
each start cost more than reading the packs did. The kinds' models are declared with
``defer_build``, and every pack with its validated parameters is pickled in the data cache as
one entry (``datacache``: keyed by the packs' paths and contents, the kinds they use and our
code), so a warm start reads one file and builds none of the models. Only kinds defined in this
package are cached, as their code is in the key; a plugin's kind is validated at every start.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compliance.layout import RulePack
    from compliance.rules.base import RuleKind

Loaded = dict[str, tuple["RulePack", dict[str, Any]]]


def _built_in(kind: RuleKind) -> bool:
    return type(kind).__module__.split(".")[0] == "compliance"


def cached_packs(paths: list[str], kinds: dict[str, RuleKind]) -> Loaded:
    """Path → (its pack, rule id → validated params for its rules of built-in kinds).

    Empty when any pack cannot be read or any such rule fails to validate: the caller then loads
    each pack and validates each rule itself, and reports the one at fault.
    """
    from compliance import datacache
    from compliance.layout import load_rule_pack

    cached = {name: kind for name, kind in kinds.items() if _built_in(kind)}
    try:
        contents = [hashlib.sha256(Path(path).read_bytes()).hexdigest() for path in paths]
    except OSError:
        return {}
    # Which class evaluates each kind is part of the key: a plugin may replace a built-in kind.
    classes = ",".join(
        f"{name}={type(kind).__module__}.{type(kind).__qualname__}" for name, kind in sorted(cached.items())
    )
    name = "rule-packs|" + "|".join(f"{path}:{digest}" for path, digest in zip(paths, contents, strict=True))

    def build() -> Loaded:
        loaded: Loaded = {}
        for path in paths:
            pack = load_rule_pack(Path(path))
            params = {spec.id: cached[spec.kind].parse_params(spec) for spec in pack.rules if spec.kind in cached}
            loaded[path] = (pack, params)
        return loaded

    try:
        return datacache.remembered(f"{name}|{classes}", build)
    except Exception:  # a pack or a rule's params are bad: loaded and validated one by one
        return {}
