"""The PM function as a product: its charter and vision, processes and improvement roadmap."""

from __future__ import annotations
