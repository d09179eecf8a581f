"""Build the plugin manager from the ``compliance`` entry-point group."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import metadata

import pluggy

from compliance import hookspecs

ENTRY_POINT_GROUP = "compliance"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str
    version: str
    hooks: tuple[str, ...]


@functools.cache
def get_plugin_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("compliance")
    manager.add_hookspecs(hookspecs)
    manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
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
                distribution=dist.project_name if dist else "(not installed)",
                version=dist.version if dist else "",
                hooks=hooks,
            )
        )
    return sorted(infos, key=lambda p: (p.distribution, p.name))


def installed_version(distribution: str = "compliance") -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        from compliance import __version__

        return __version__
