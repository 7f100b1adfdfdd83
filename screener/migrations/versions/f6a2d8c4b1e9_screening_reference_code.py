"""A short reference for each screening, which the caregiver reads out and staff find it by
(issue 23, item 2): eight characters with no look-alikes, unique. Existing screenings are
given one each, then the column becomes NOT NULL and unique.

The alphabet is copied here, not imported, so this migration does what it did on the day it
was written whatever later becomes of screener/reference_codes.py.

Revision ID: f6a2d8c4b1e9
Revises: e5b1c9d3a7f2
Create Date: 2026-12-03 14:45:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = 'f6a2d8c4b1e9'
down_revision = 'e5b1c9d3a7f2'
branch_labels = None
depends_on = None

ALPHABET = "3479ACDEFHJKMNPRTWXY"
LENGTH = 8
BATCH = 1_000  # rows updated per statement while filling in the existing screenings

screenings = sa.table('screenings', sa.column('id', sa.Integer),
                      sa.column('reference_code', sa.String(length=8)))


def _new_codes(count):
    """`count` different random references (the column is empty, so none is taken yet)."""
    codes = set()
    while len(codes) < count:
        codes.add("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))
    return list(codes)


def upgrade():
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference_code', sa.String(length=8), nullable=True))
    connection = op.get_bind()
    ids = connection.execute(sa.select(screenings.c.id).order_by(screenings.c.id)).scalars().all()
    fill = sa.update(screenings).where(screenings.c.id == sa.bindparam('row_id')).values(
        reference_code=sa.bindparam('code'))
    rows = [{'row_id': row_id, 'code': code}
            for row_id, code in zip(ids, _new_codes(len(ids)), strict=True)]
    for start in range(0, len(rows), BATCH):
        connection.execute(fill, rows[start:start + BATCH])
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.alter_column('reference_code', existing_type=sa.String(length=8),
                              nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_screenings_reference_code'),
                                          ['reference_code'])


def downgrade():
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_screenings_reference_code'), type_='unique')
        batch_op.drop_column('reference_code')
