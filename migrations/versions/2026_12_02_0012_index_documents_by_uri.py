"""index documents by uri

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

A document is unique by the SHA-256 of its text, so an article updated at its source and ingested
again from the same path is a second document. The writer looks for an earlier document with the
same uri to say so (a warning on ingest): without an index that look-up would read every document.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_documents_uri", "documents", ["uri"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_documents_uri", table_name="documents")
