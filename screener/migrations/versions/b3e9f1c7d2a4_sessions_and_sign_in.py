"""Sessions that end and sign-in that slows guessers: a session version per user, and
per-username-and-address delays instead of a lock on the account; on PostgreSQL, TRUNCATE
of the audit trail refused too; an API client's idempotency key; the readiness row

Revision ID: b3e9f1c7d2a4
Revises: 8a4c1d2e6f70
Create Date: 2026-11-22 06:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b3e9f1c7d2a4'
down_revision = '8a4c1d2e6f70'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.drop_column('failed_sign_ins')
        batch_op.drop_column('locked_until')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_version', server_default=None)
    op.create_table(
        'sign_in_throttle',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('address_hash', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('wait_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_throttle')))
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_throttle_key', ['username', 'address_hash'],
                              unique=True)
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_username'), ['username'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_updated_at'), ['updated_at'],
                              unique=False)


    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_screenings_idempotency_key'),
                                          ['idempotency_key'])
    op.create_table(
        'readiness',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_readiness')))
    if op.get_bind().dialect.name == "postgresql":  # row triggers do not see a TRUNCATE
        op.execute("""
            CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
    op.drop_table('readiness')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_screenings_idempotency_key'), type_='unique')
        batch_op.drop_column('idempotency_key')
    op.drop_table('sign_in_throttle')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.drop_column('session_version')
