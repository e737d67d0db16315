from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "productorg.accounts"
    verbose_name = "Accounts"
