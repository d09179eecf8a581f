"""Build the plugin manager from the ``compliance`` entry-point group."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from importlib import metadata

import pluggy

from compliance import hookspecs

ENTRY_POINT_GROUP = "compliance"
# The distribution this package is installed as (the import package and the command are `compliance`).
DISTRIBUTION = "zfxxgk-compliance"
# Set (to anything but "" or "0") to load only the built-in plugins: `--no-plugins` sets it, so that
# batch workers inherit it; the test suite sets it so installed plugins cannot change its results.
NO_PLUGINS_ENV = "COMPLIANCE_NO_PLUGINS"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str
    version: str
    hooks: tuple[str, ...]


def plugins_disabled() -> bool:
    return os.environ.get(NO_PLUGINS_ENV, "") not in ("", "0")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def get_plugin_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("compliance")
    manager.add_hookspecs(hookspecs)
    if not plugins_disabled():
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        return manager
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(entry, "dist", None)
        if dist is not None and _canonical(dist.name) == DISTRIBUTION and manager.get_plugin(entry.name) is None:
            manager.register(entry.load(), name=entry.name)
    return manager


def list_plugins() -> list[PluginInfo]:
    manager = get_plugin_manager()
    dists = {id(plugin): dist for plugin, dist in manager.list_plugin_distinfo()}
    infos = []
    for plugin in manager.get_plugins():
        name = manager.get_name(plugin) or repr(plugin)
        dist = dists.get(id(plugin))
        hooks = tuple(sorted(caller.name for caller in manager.get_hookcallers(plugin) or []))
        infos.append(
            PluginInfo(
                name=name,
                distribution=dist.project_name if dist else DISTRIBUTION,
                version=dist.version if dist else installed_version(),
                hooks=hooks,
            )
        )
    return sorted(infos, key=lambda p: (p.distribution, p.name))


def installed_version(distribution: str = DISTRIBUTION) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        from compliance import __version__

        return __version__
