"""events.seats_taken: the seats taken, kept by the database as registrations change (issue 18 item 2)

Every registration of an event asked, under the event's lock, for the sum of the party sizes of its
confirmed registrations: a read of every confirmed registration of the event (1.6–2.6 ms at 9,400,
docs/performance.md), while the next registration of that event waits for the lock. The counter is
read with the lock instead, in the same statement.

Triggers keep it, so no path that confirms, cancels, resizes or deletes a registration can forget
it, whether the ORM or a bulk statement writes the row; the application never writes it.
`Registration.seats_by_event` is the rule as an aggregate (seed-scale's recount and the tests use it);
the backfill below spells it in SQL, as a migration does not import the application.

Revision ID: 4b7e2a9c6d15
Revises: 5d2e8f1a7c39
Create Date: 2026-12-07 23:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b7e2a9c6d15'
down_revision = '5d2e8f1a7c39'
branch_labels = None
depends_on = None

RECOUNT = """
UPDATE events SET seats_taken = COALESCE((
    SELECT SUM(r.party_size) FROM registrations r WHERE r.event_id = events.id AND r.status = 'confirmed'), 0)
"""

# PostgreSQL: inserts and deletes are counted once per statement, from its transition table, grouped by
# event: a statement writing many registrations of one event (a bulk load, an import) updates the event
# row once. A row trigger would update it once per registration, and each update within one transaction
# walks the chain of the row's earlier versions, which no one may prune yet: quadratic (90,000
# registrations inserted in one statement still ran after 12 minutes). Updates are counted per row,
# and only when a seat changes (the WHEN clause; a transition table is not allowed with a column list,
# and would make every check-in's update pay for it); the application updates one registration at a time.
def _counted_per_statement(function: str, transition: str, sign: str) -> str:
    """A statement trigger's function: the confirmed seats of the statement's rows, per event, added (+) or
    subtracted (-)."""
    return f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE events SET seats_taken = events.seats_taken {sign} changed.seats
    FROM (SELECT event_id, SUM(party_size) AS seats FROM {transition} WHERE status = 'confirmed'
          GROUP BY event_id) AS changed
    WHERE events.id = changed.event_id;
    RETURN NULL;
END
$$"""


POSTGRESQL_FUNCTIONS = (
    _counted_per_statement("registrations_seats_inserted", "inserted_registrations", "+"),
    _counted_per_statement("registrations_seats_deleted", "deleted_registrations", "-"),
    """
CREATE FUNCTION registrations_seats_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    held_before integer := CASE WHEN OLD.status = 'confirmed' THEN OLD.party_size ELSE 0 END;
    held_after integer := CASE WHEN NEW.status = 'confirmed' THEN NEW.party_size ELSE 0 END;
BEGIN
    IF OLD.event_id = NEW.event_id THEN
        IF held_after <> held_before THEN
            UPDATE events SET seats_taken = seats_taken + held_after - held_before WHERE id = NEW.event_id;
        END IF;
        RETURN NULL;
    END IF;
    IF held_before <> 0 THEN
        UPDATE events SET seats_taken = seats_taken - held_before WHERE id = OLD.event_id;
    END IF;
    IF held_after <> 0 THEN
        UPDATE events SET seats_taken = seats_taken + held_after WHERE id = NEW.event_id;
    END IF;
    RETURN NULL;
END
$$""",
)
POSTGRESQL_TRIGGERS = (
    "CREATE TRIGGER registrations_seats_taken_insert AFTER INSERT ON registrations "
    "REFERENCING NEW TABLE AS inserted_registrations FOR EACH STATEMENT "
    "EXECUTE FUNCTION registrations_seats_inserted()",
    "CREATE TRIGGER registrations_seats_taken_delete AFTER DELETE ON registrations "
    "REFERENCING OLD TABLE AS deleted_registrations FOR EACH STATEMENT "
    "EXECUTE FUNCTION registrations_seats_deleted()",
    "CREATE TRIGGER registrations_seats_taken_update AFTER UPDATE OF status, party_size, event_id ON registrations "
    "FOR EACH ROW WHEN ((OLD.status = 'confirmed' OR NEW.status = 'confirmed') AND (OLD.status, OLD.party_size, "
    "OLD.event_id) IS DISTINCT FROM (NEW.status, NEW.party_size, NEW.event_id)) "
    "EXECUTE FUNCTION registrations_seats_updated()",
)
POSTGRESQL_FUNCTION_NAMES = ("registrations_seats_inserted", "registrations_seats_deleted",
                             "registrations_seats_updated")
# SQLite updates a row in place (no versions to walk): a trigger per row is as cheap as it gets there.
# A later migration that rebuilds `registrations` in batch mode (copy, drop, rename) drops these
# triggers with the old table on SQLite: it must create them again.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER registrations_seats_taken_insert AFTER INSERT ON registrations
    WHEN NEW.status = 'confirmed' BEGIN
        UPDATE events SET seats_taken = seats_taken + NEW.party_size WHERE id = NEW.event_id;
    END""",
    """CREATE TRIGGER registrations_seats_taken_delete AFTER DELETE ON registrations
    WHEN OLD.status = 'confirmed' BEGIN
        UPDATE events SET seats_taken = seats_taken - OLD.party_size WHERE id = OLD.event_id;
    END""",
    """CREATE TRIGGER registrations_seats_taken_update AFTER UPDATE OF status, party_size, event_id ON registrations
    WHEN (OLD.status = 'confirmed' OR NEW.status = 'confirmed') AND (OLD.status IS NOT NEW.status
          OR OLD.party_size IS NOT NEW.party_size OR OLD.event_id IS NOT NEW.event_id) BEGIN
        UPDATE events SET seats_taken = seats_taken - OLD.party_size
            WHERE id = OLD.event_id AND OLD.status = 'confirmed';
        UPDATE events SET seats_taken = seats_taken + NEW.party_size
            WHERE id = NEW.event_id AND NEW.status = 'confirmed';
    END""",
)
TRIGGERS = ("registrations_seats_taken_insert", "registrations_seats_taken_delete", "registrations_seats_taken_update")


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seats_taken', sa.Integer(), nullable=False, server_default='0'))
    op.execute(RECOUNT)
    if op.get_bind().dialect.name == 'postgresql':
        for statement in (*POSTGRESQL_FUNCTIONS, *POSTGRESQL_TRIGGERS):
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON registrations" if postgresql else f"DROP TRIGGER {name}")
    if postgresql:
        for name in POSTGRESQL_FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION {name}()")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('seats_taken')
