"""Run every benchmark in `bench/` (each module's `main()`) and print its results.

`python bench/run.py` runs them all; `python bench/run.py file_list` runs the named ones. The
exit status is non-zero when any benchmark misses its target or fails to run.
"""

import importlib.util
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def benchmarks(names: list[str]) -> list[Path]:
    found = sorted(
        path
        for path in BENCH_DIR.glob("*.py")
        if path.name != "run.py" and not path.name.startswith("_")
    )
    if names:
        found = [path for path in found if path.stem in names]
        missing = set(names) - {path.stem for path in found}
        if missing:
            raise SystemExit(f"No such benchmark: {', '.join(sorted(missing))}")
    return found


def run(path: Path) -> int:
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return int(module.main() or 0)


def main() -> int:
    results = {}
    for path in benchmarks(sys.argv[1:]):
        print(f"== {path.stem} ==", flush=True)
        started = time.monotonic()
        try:
            status = run(path)
        except Exception:
            traceback.print_exc()
            status = 2
        results[path.stem] = status
        verdict = {0: "PASS", 1: "FAIL"}.get(status, "ERROR")
        print(f"-- {path.stem}: {verdict} ({time.monotonic() - started:.1f}s)\n", flush=True)
    print(
        "Summary: "
        + ", ".join(f"{name} {'PASS' if s == 0 else 'FAIL'}" for name, s in results.items())
    )
    return 0 if all(status == 0 for status in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
