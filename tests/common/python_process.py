"""Run this Python in a child process with an environment of the test's choosing.

Settings are read once per process, so what a project does with its environment variables is
tested in a fresh one.
"""

import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def run_python(
    *args: str, env: dict[str, str], cwd: Path = BASE_DIR, timeout: float = 120
) -> subprocess.CompletedProcess:
    """`python *args` from `cwd` (the repository by default), its output captured as text."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env | {"PYTHONPATH": str(BASE_DIR)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
