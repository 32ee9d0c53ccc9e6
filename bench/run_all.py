"""`make bench`: run the benchmark scripts one after another and print their figures.

    .venv/bin/python bench/run_all.py            # all of them (about 10-20 minutes on 2 cores)
    .venv/bin/python bench/run_all.py pdf checkin  # only these
    .venv/bin/python bench/run_all.py --list

Each benchmark starts its own gunicorn and, on PostgreSQL, uses its own database (bench_*), which
it empties first (the local server at 127.0.0.1:5432; run a script by hand for other options).
Exits non-zero when any benchmark failed. `bench/profile_registration.py` is a profiler, run by hand.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BENCHMARKS = {
    "pdf": ["bench/bench_pdf.py", "500", "3"],
    "registration": ["bench/bench_registration.py", "--clients", "32"],
    "checkin": ["bench/bench_checkin.py"],
    "two-hosts": ["bench/bench_two_hosts.py"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks and print their figures.")
    parser.add_argument("names", nargs="*", help=f"which ones (default: all): {', '.join(BENCHMARKS)}")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and their commands")
    args = parser.parse_args()
    if args.list:
        for name, command in BENCHMARKS.items():
            print(f"{name:<13} {' '.join(command)}")
        return 0
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    failed = []
    for name in args.names or BENCHMARKS:
        command = [sys.executable, *BENCHMARKS[name]]
        print(f"=== {name}: {' '.join(BENCHMARKS[name])}", flush=True)
        started = time.monotonic()
        code = subprocess.run(command, cwd=ROOT).returncode
        print(f"=== {name}: {'ok' if code == 0 else f'FAILED (exit {code})'} in {time.monotonic() - started:.0f} s\n",
              flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
