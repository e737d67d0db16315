"""Runs every benchmark in turn: `python -m bench`."""

from __future__ import annotations

import sys

from bench import sqlite_concurrency


def main(argv: list[str]) -> int:
    return sqlite_concurrency.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
