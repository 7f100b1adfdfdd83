"""The journey and the call: mistakes kept in the draft (post/redirect/get), a number to
call back, the patient's contact and the pump's daily dose

Revision ID: 8a4c1d2e6f70
Revises: 5e1f0a7b9c21
Create Date: 2026-11-22 05:40:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '8a4c1d2e6f70'
down_revision = '5e1f0a7b9c21'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', JSON, nullable=True))
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('callback_phone', sa.String(length=40), nullable=True))
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('daily_dose_mcg', sa.Numeric(precision=8, scale=1,
                                                                   asdecimal=False),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_column('daily_dose_mcg')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_name')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_column('callback_phone')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_column('pending')
