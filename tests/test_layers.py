"""The apps import one way (centers <- courses <- reports) and no modules import each other in a cycle:
.ci/layers.py prints every wrong-way import and every cycle, and `make test` runs it too."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_imports_run_one_way_without_cycles():
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "layers.py")], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
