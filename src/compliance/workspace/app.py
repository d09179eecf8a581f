"""The workspace application: one FastAPI app serving the web pages (``web``) and the HTTP API (``api``).

Everything that touches the network is decided here: which requests are let in (``security.Guard``),
the CSRF cookie every page gets, a database session per request, and the engine options uploads are
checked with (the CLI's limits: the same maximum size, reader limits and time per report).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from compliance.engine import Options
from compliance.workspace.db import open_engine, session_factory
from compliance.workspace.security import AUTH_COOKIE, CSRF_COOKIE, Guard
from compliance.workspace.store import Submitted

HERE = Path(__file__).parent
OPEN_PATHS = ("/login", "/static/")


@dataclass
class Settings:
    """How the app was started: the database, the token rule and the limits uploads are checked under."""

    db: str
    token: str | None = None
    options: Options = field(default_factory=Options)
    timeout: float | None = 60.0
    max_files: int = 500  # files in one upload
    max_request: int = 1024 * 1024 * 1024  # bytes in one request: uploads are spooled to disk before checking


def create_app(settings: Settings) -> FastAPI:
    from compliance import __version__

    app = FastAPI(
        title="compliance workspace",
        version=__version__,
        description="Check 政府信息公开工作年度报告 and read the audit database.",
        docs_url=None,  # the interactive docs would load their scripts from the internet
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    engine = open_engine(settings.db)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.guard = Guard(token=settings.token)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    from compliance.workspace.db import REVIEW_LABELS, STATUS_LABELS

    templates.env.globals.update(status_labels=STATUS_LABELS, review_labels=REVIEW_LABELS, version=__version__)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def guard_requests(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        guard: Guard = request.app.state.guard
        path = request.url.path
        allowed = guard.allowed(
            request.headers.get("host"), request.headers.get("authorization"), request.cookies.get(AUTH_COOKIE)
        )
        if not allowed:
            if guard.token is None:  # loopback only: a request for another host name is never answered
                return JSONResponse({"detail": "this workspace only answers on a loopback address"}, 403)
            if path.startswith("/api/"):
                return JSONResponse({"detail": "a valid token is required (Authorization: Bearer …)"}, 401)
            if not path.startswith(OPEN_PATHS):
                return RedirectResponse("/login", 303)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > request.app.state.settings.max_request:
            return JSONResponse({"detail": "the request is larger than this workspace accepts"}, 413)
        csrf = request.cookies.get(CSRF_COOKIE) or guard.new_csrf()
        request.state.csrf = csrf
        response = await call_next(request)
        if request.cookies.get(CSRF_COOKIE) != csrf:
            response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    from compliance.workspace import api, downloads, web

    app.include_router(web.router)
    app.include_router(downloads.router)
    app.include_router(api.router)
    return app


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class UploadTooLarge(ValueError):
    pass


class Uploads:
    """Uploaded files saved to a private temporary folder, each in its own sub-folder (names may repeat)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="compliance-upload-"))

    def __enter__(self) -> Uploads:
        return self

    def __exit__(self, *exc_info: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def save(self, files: list[UploadFile], max_bytes: int) -> list[Submitted]:
        """Write each file, stopping one byte past the limit so the engine reports it as too large."""
        saved = []
        for number, upload in enumerate(files):
            name = _safe_name(upload.filename or f"upload-{number}")
            target = self.folder / str(number) / name
            target.parent.mkdir()
            written = 0
            with target.open("wb") as out:
                while written <= max_bytes:
                    chunk = upload.file.read(min(1 << 20, max_bytes + 1 - written))
                    if not chunk:
                        break
                    out.write(chunk)
                    written += len(chunk)
            saved.append(Submitted(target, name=name))
        return saved


def _safe_name(filename: str) -> str:
    """The file's own name: no folders (a folder upload sends relative paths), nothing hidden."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    return name[:200] or "upload"


def check_uploads(session: Session, settings: Settings, files: list[UploadFile], origin: str) -> tuple[list[Any], int]:
    """Store and check uploaded files under the CLI's limits: the stored report rows, and how many were skipped.

    One file is checked whatever it is (like a file named on the command line); several files are a
    folder, and the files that are not reports (notes, the engine's own output) are left out as
    ``compliance check`` leaves them out of a folder.
    """
    from compliance.engine import expand_paths
    from compliance.workspace.store import audit

    with Uploads() as uploads:
        submitted = uploads.save(files[: settings.max_files], settings.options.max_bytes)
        if len(submitted) > 1:
            reports = {path.resolve() for path in expand_paths([uploads.folder])}
            kept = [s for s in submitted if s.path.resolve() in reports]
        else:
            kept = submitted
        rows = audit(session, kept, settings.options, origin=origin, timeout=settings.timeout)
        return rows, len(submitted) - len(kept)
