"""A throwaway PostgreSQL server for the audit-database tests.

Started once per test session from the Debian binaries (``initdb``/``pg_ctl``) in a temporary folder,
listening on a free loopback port with trust authentication. PostgreSQL refuses to run as root, so as
root the server runs as the ``postgres`` user (which the Debian package creates), else as whoever runs
the tests. Without the binaries the tests skip locally and fail under CI, where PostgreSQL must be there.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_user(argv: list[str]) -> list[str]:
    if os.getuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


@contextlib.contextmanager
def running_server() -> Iterator[str]:
    """Yield the URL of a fresh PostgreSQL server's ``postgres`` database; stop and delete it after."""
    bin_dir = binaries()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries (initdb, pg_ctl) are missing; .ci/run must install postgresql")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    # Not under pytest's tmp_path: its parents are private to root, and the server runs as postgres.
    home = Path(tempfile.mkdtemp(prefix="compliance-pg-"))
    data, sockets = home / "data", home / "sockets"
    sockets.mkdir()
    if os.getuid() == 0:
        shutil.chown(home, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    try:
        subprocess.run(
            _as_user([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"]),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {sockets} -c fsync=off"
        subprocess.run(
            _as_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(home / "log"), "start"]),
            check=True,
            capture_output=True,
            timeout=60,
        )
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                _as_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True,
                timeout=60,
            )
    finally:
        shutil.rmtree(home, ignore_errors=True)


def fresh_database(server_url: str, name: str) -> str:
    """Create an empty database ``name`` on the server and return its URL."""
    from sqlalchemy import create_engine, text

    from compliance.workspace.db import database_url

    engine = create_engine(database_url(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    with running_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty audit database: a SQLite file, then a database on the PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "audit.db")
    server = request.getfixturevalue("postgres_server")
    return fresh_database(server, f"audit_{next(_numbers)}")
