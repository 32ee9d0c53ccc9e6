"""`make bench` runs bench/run_all.py, which knows every benchmark script that exists."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.server import ROOT


def test_make_bench_points_to_scripts_that_exist():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^bench:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    scripts = re.findall(r"bench/\S+\.py", recipe)
    assert scripts and all((ROOT / s).is_file() for s in scripts), scripts
    listing = subprocess.run([sys.executable, "bench/run_all.py", "--list"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    listed = re.findall(r"bench/\S+\.py", listing)
    assert all((ROOT / s).is_file() for s in listed), listed
    benchmarks = {p.relative_to(ROOT).as_posix() for p in (ROOT / "bench").glob("bench_*.py")}
    assert benchmarks <= set(listed)  # a new bench_*.py must be added to the runner
