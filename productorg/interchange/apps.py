from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "productorg.interchange"
    verbose_name = "Import, export, backup"
