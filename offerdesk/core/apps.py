from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "offerdesk.core"
    label = "core"
