from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "offerdesk.reports"
    label = "reports"
    verbose_name = "Reports"
