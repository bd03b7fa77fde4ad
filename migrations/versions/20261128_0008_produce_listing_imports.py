"""produce: listing imports tracked in the database (listing_imports)

Revision ID: 0008_listing_imports
Revises: 0007_anchored_tokens
Create Date: 2026-11-28 18:00:00

The commit of a listing import was claimed by an exclusive <token>.commit file, which a killed worker left
behind: the upload could not be committed again until the 24-hour sweep. The claim is now the status of a
listing_imports row (produce/import_jobs.py), which a new job can take over from a dead one. Uploads made
before this revision have no row; their pages answer 404 and the producer uploads the file again.
"""
from alembic import op
import sqlalchemy as sa

import core.db  # noqa: F401  (column types such as core.db.UTCDateTime)


revision = '0008_listing_imports'
down_revision = '0007_anchored_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'listing_imports',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('check_job_id', sa.Integer(), nullable=True),
        sa.Column('commit_job_id', sa.Integer(), nullable=True),
        sa.Column('created_at', core.db.UTCDateTime(), nullable=False),
        sa.Column('committed_at', core.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('checking', 'staged', 'failed', 'committing', 'committed')",
                           name=op.f('ck_listing_imports_status_known')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_listing_imports_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['check_job_id'], ['jobs.id'], name=op.f('fk_listing_imports_check_job_id_jobs'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['commit_job_id'], ['jobs.id'],
                                name=op.f('fk_listing_imports_commit_job_id_jobs'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_imports')),
    )
    with op.batch_alter_table('listing_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_imports_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('listing_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_imports_user_id'))
    op.drop_table('listing_imports')
