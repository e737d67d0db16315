from django.apps import AppConfig


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "productorg.function.surveys"
    label = "surveys"
    verbose_name = "Stakeholder surveys of the PM function"
