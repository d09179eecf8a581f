"""The audit database's first schema: runs, reports, findings, reviews.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("tool_version", sa.String(40), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.Column("files", sa.Integer(), nullable=False),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(40), nullable=True),
        sa.Column("agency", sa.Text(), nullable=True),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("template", sa.String(10), nullable=True),
        sa.Column("structured", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_by", sa.Text(), nullable=True),
        sa.Column("status_at", WHEN, nullable=True),
        sa.Column("received_at", WHEN, nullable=False),
        sa.Column("last_run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=True),
        sa.UniqueConstraint("identity", "version", name="uq_reports_identity_version"),
    )
    op.create_index("ix_reports_identity", "reports", ["identity"])
    op.create_index("ix_reports_sha256", "reports", ["sha256"])
    op.create_index("ix_reports_region", "reports", ["region"])
    op.create_index("ix_reports_year", "reports", ["year"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("section", sa.Text(), nullable=True),
        sa.Column("table_id", sa.Text(), nullable=True),
        sa.Column("row_id", sa.Text(), nullable=True),
        sa.Column("column_id", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_index("ix_findings_fingerprint", "findings", ["fingerprint"])
    op.create_index("ix_findings_rule", "findings", ["rule"])
    op.create_index("ix_findings_report_run", "findings", ["report_id", "run_id"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.Text(), nullable=False),
        sa.Column("at", WHEN, nullable=False),
    )
    op.create_index("ix_reviews_identity_fingerprint", "reviews", ["identity", "fingerprint"])


def downgrade() -> None:
    op.drop_table("reviews")
    op.drop_table("findings")
    op.drop_table("reports")
    op.drop_table("runs")
