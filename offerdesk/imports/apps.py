from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "offerdesk.imports"
    label = "imports"
