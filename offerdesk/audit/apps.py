from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "offerdesk.audit"
    label = "audit"
