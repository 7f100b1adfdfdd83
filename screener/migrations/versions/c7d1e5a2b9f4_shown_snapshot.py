"""What a screening's pages show, kept with it: the level's meaning, why, the call script
and the answers in words, in the scoring rule set's words and locale (issue 13, item 3)

Revision ID: c7d1e5a2b9f4
Revises: b3e9f1c7d2a4
Create Date: 2026-11-22 08:50:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = 'c7d1e5a2b9f4'
down_revision = 'b3e9f1c7d2a4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'shown', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                            'postgresql'), nullable=True))


def downgrade():
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_column('shown')
