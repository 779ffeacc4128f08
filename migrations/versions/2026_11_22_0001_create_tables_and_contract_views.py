"""create tables and contract views

Revision ID: 0001
Revises: 
Create Date: 2026-11-22

The views are the stable surface for ad hoc SQL; their columns are contract (DESIGN.md, Views).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One scalar subquery per derived column keeps each view flat, so that a WHERE on
# date_start or event_type reaches the events indexes (SQLite flattens such views).
_ACTORS_SQLITE = """(SELECT group_concat(name, '; ') FROM (
        SELECT DISTINCT a.name AS name FROM event_actors ea JOIN actors a ON a.id = ea.actor_id
        WHERE ea.event_id = e.id ORDER BY a.name))"""
_ACTORS_POSTGRESQL = """(SELECT string_agg(DISTINCT a.name, '; ' ORDER BY a.name)
        FROM event_actors ea JOIN actors a ON a.id = ea.actor_id WHERE ea.event_id = e.id)"""

V_TIMELINE = """CREATE VIEW v_timeline AS
SELECT
    e.id AS event_id,
    e.date_start,
    e.date_end,
    e.date_precision,
    e.date_approximate,
    e.event_type,
    e.title,
    e.summary,
    p.name AS place,
    p.country AS country,
    {actors} AS actors,
    (SELECT COUNT(DISTINCT es.document_id) FROM event_sources es WHERE es.event_id = e.id) AS source_count,
    (SELECT MIN(d.published) FROM event_sources es JOIN documents d ON d.id = es.document_id
        WHERE es.event_id = e.id) AS first_published,
    (SELECT COALESCE(d.title, d.uri) FROM event_sources es JOIN documents d ON d.id = es.document_id
        WHERE es.event_id = e.id
        ORDER BY CASE WHEN d.published IS NULL THEN 1 ELSE 0 END, d.published, d.id LIMIT 1) AS first_source
FROM events e
LEFT JOIN places p ON p.id = e.place_id"""

V_EVENT_ACTORS = """CREATE VIEW v_event_actors AS
SELECT ea.event_id, a.name AS actor, a.kind AS actor_kind, ea.role
FROM event_actors ea
JOIN actors a ON a.id = ea.actor_id"""

V_EVENT_SOURCES = """CREATE VIEW v_event_sources AS
SELECT
    es.event_id,
    es.document_id,
    d.title AS document_title,
    COALESCE(d.url, d.uri) AS source_uri,
    d.published,
    es.sentence,
    es.char_start,
    es.char_end,
    es.date_text
FROM event_sources es
JOIN documents d ON d.id = es.document_id"""


def create_views() -> None:
    dialect = op.get_bind().dialect.name
    actors = _ACTORS_POSTGRESQL if dialect == "postgresql" else _ACTORS_SQLITE
    op.execute(V_TIMELINE.format(actors=actors))
    op.execute(V_EVENT_ACTORS)
    op.execute(V_EVENT_SOURCES)


def drop_views() -> None:
    for name in ("v_event_sources", "v_event_actors", "v_timeline"):
        op.execute(f"DROP VIEW IF EXISTS {name}")



def upgrade() -> None:
    op.create_table('actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.CheckConstraint("kind IN ('country', 'organisation', 'armed_group', 'person', 'other')", name=op.f('ck_actors_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actors')),
    sa.UniqueConstraint('name', name=op.f('uq_actors_name'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uri', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('published_source', sa.String(length=16), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('boilerplate', sa.Text(), nullable=False),
    sa.Column('char_count', sa.Integer(), nullable=False),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("published_source IS NULL OR published_source IN ('metadata', 'dateline', 'jsonl', 'manifest', 'option')", name=op.f('ck_documents_published_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('sha256', name=op.f('uq_documents_sha256'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_ingested_at', ['ingested_at'], unique=False)
        batch_op.create_index('ix_documents_published', ['published'], unique=False)

    op.create_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=200), nullable=True),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('geonameid', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('city', 'country', 'region')", name=op.f('ck_places_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places')),
    sa.UniqueConstraint('name', 'country_code', name=op.f('uq_places_name_country_code'))
    )
    op.create_table('actor_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_aliases_actor_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_aliases')),
    sa.UniqueConstraint('actor_id', 'alias', name=op.f('uq_actor_aliases_actor_id_alias'))
    )
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.create_index('ix_actor_aliases_alias', ['alias'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_type', sa.String(length=16), nullable=False),
    sa.Column('cameo_code', sa.String(length=8), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=True),
    sa.Column('date_end', sa.Date(), nullable=True),
    sa.Column('date_precision', sa.String(length=16), nullable=True),
    sa.Column('date_approximate', sa.Boolean(), nullable=False),
    sa.Column('date_value', sa.String(length=40), nullable=True),
    sa.Column('date_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('curated', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("date_precision IS NULL OR date_precision IN ('day', 'week', 'month', 'quarter', 'season', 'year', 'decade', 'century')", name=op.f('ck_events_date_precision')),
    sa.CheckConstraint("event_type IN ('meeting', 'statement', 'resolution', 'strike', 'attack', 'takeover', 'agreement', 'designation', 'sanction', 'visit', 'aid', 'other')", name=op.f('ck_events_event_type')),
    sa.CheckConstraint("status IN ('past', 'planned')", name=op.f('ck_events_status')),
    sa.CheckConstraint('(date_start IS NULL AND date_end IS NULL) OR (date_start IS NOT NULL AND date_end IS NOT NULL AND date_start <= date_end)', name=op.f('ck_events_date_span')),
    sa.CheckConstraint('confidence >= 0 AND confidence <= 1', name=op.f('ck_events_confidence')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_events_place_id_places'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_date_start_date_end', ['date_start', 'date_end'], unique=False)
        batch_op.create_index('ix_events_event_type_date_start', ['event_type', 'date_start'], unique=False)
        batch_op.create_index('ix_events_place_id', ['place_id'], unique=False)

    op.create_table('event_actors',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.CheckConstraint("role IN ('participant', 'speaker', 'agent', 'target', 'adopter', 'subject')", name=op.f('ck_event_actors_role')),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_event_actors_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_actors_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'actor_id', 'role', name=op.f('pk_event_actors'))
    )
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.create_index('ix_event_actors_actor_id_event_id', ['actor_id', 'event_id'], unique=False)

    op.create_table('event_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('date_text', sa.Text(), nullable=True),
    sa.Column('date_value', sa.String(length=40), nullable=True),
    sa.Column('reference_date', sa.Date(), nullable=True),
    sa.Column('merge_reason', sa.Text(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.CheckConstraint('char_start >= 0 AND char_start <= char_end', name=op.f('ck_event_sources_offsets')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_event_sources_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_sources_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_sources')),
    sa.UniqueConstraint('event_id', 'document_id', 'char_start', 'char_end', name=op.f('uq_event_sources_event_id_document_id_char_start_char_end'))
    )
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.create_index('ix_event_sources_document_id', ['document_id'], unique=False)

    create_views()


def downgrade() -> None:
    drop_views()
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.drop_index('ix_event_sources_document_id')

    op.drop_table('event_sources')
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.drop_index('ix_event_actors_actor_id_event_id')

    op.drop_table('event_actors')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_place_id')
        batch_op.drop_index('ix_events_event_type_date_start')
        batch_op.drop_index('ix_events_date_start_date_end')

    op.drop_table('events')
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.drop_index('ix_actor_aliases_alias')

    op.drop_table('actor_aliases')
    op.drop_table('places')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_published')
        batch_op.drop_index('ix_documents_ingested_at')

    op.drop_table('documents')
    op.drop_table('actors')
