"""The supervisor's workspace: an audit database, the review workflow, a web app and an HTTP API.

Modules: ``db`` (tables), ``migrate`` (Alembic), ``store`` (check files and store them), ``review``
(decisions, rectified findings, report status), ``queries`` (dashboard figures), ``web`` and ``api``
(the Starlette/FastAPI application), ``security`` (token and CSRF). Everything here needs the
``workspace`` extra and is imported only by ``compliance audit`` and ``compliance serve``.
"""
