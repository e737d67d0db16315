"""The load benchmark's baseline: the least a gunicorn worker can answer, with no Django."""

from __future__ import annotations

from collections.abc import Callable, Iterable

BODY = b"ok\n"


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
    return [BODY]
