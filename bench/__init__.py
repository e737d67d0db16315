"""Benchmarks run by `make bench` (`python -m bench`); see bench/README.md for baselines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile


def measure_in_child(module: str, size: str) -> dict:
    """Run `python -m <module> --child` on a fresh temporary database holding the demo of
    `size`, and give back the JSON it prints last: each measurement starts from clean state."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "PRODUCTORG_ENV"}
        }
        env.update({"BENCH_SIZE": size, "PRODUCTORG_VAR_DIR": var_dir})
        child = subprocess.run(  # noqa: S603 - one of our own modules, fixed arguments
            [sys.executable, "-m", module, "--child"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(child.stdout.strip().splitlines()[-1])
