"""Leadership reports: dated snapshots of status across complex initiatives."""

from __future__ import annotations
