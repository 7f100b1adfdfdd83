"""The check a re-check belongs to (issue 24, item 4): its result shows the series' times.

Revision ID: a3d9e5c1f7b4
Revises: f1a7c3e9b5d2
Create Date: 2026-12-04 18:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a3d9e5c1f7b4'
down_revision = 'f1a7c3e9b5d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('screenings') as batch_op:
        batch_op.add_column(sa.Column('recheck_of_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_screenings_recheck_of_id_screenings', 'screenings',
                                    ['recheck_of_id'], ['id'])


def downgrade():
    with op.batch_alter_table('screenings') as batch_op:
        batch_op.drop_constraint('fk_screenings_recheck_of_id_screenings', type_='foreignkey')
        batch_op.drop_column('recheck_of_id')
