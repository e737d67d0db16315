from __future__ import annotations

from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "productorg.strategy"
    verbose_name = "Strategy and portfolio"
