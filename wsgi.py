"""WSGI entry point: `gunicorn wsgi:app`, and the app `flask` finds."""

import gc

from app import create_app

app = create_app()

# Everything loaded so far (the app, WeasyPrint, pypinyin's dictionaries, SQLAlchemy's mappers: about
# 430,000 objects) lives as long as the process. Frozen, the garbage collector's full collections stop
# walking it: they took ~0.3 s each and landed inside requests (measured: the API's event list of 100
# events 600 ms → 70 ms in-process; docs/performance.md, "Branch-scale data"). Objects made later are
# collected as before.
gc.freeze()
