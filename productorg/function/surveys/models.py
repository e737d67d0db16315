"""Stakeholder surveys of the PM function: rounds, questions, personal links, answers."""

from __future__ import annotations
