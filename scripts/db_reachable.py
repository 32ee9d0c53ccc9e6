"""Exit 0 if the database URL given as argv[1] accepts a connection within 3 s."""

import sys

import sqlalchemy as sa

url = sys.argv[1].replace("postgresql://", "postgresql+psycopg://", 1)
try:
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
except Exception as exc:  # any failure means "not reachable"
    print(f"not reachable: {type(exc).__name__}", file=sys.stderr)
    sys.exit(1)
