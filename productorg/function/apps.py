from django.apps import AppConfig


class FunctionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "productorg.function"
    verbose_name = "The PM function"
