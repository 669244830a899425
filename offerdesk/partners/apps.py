from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "offerdesk.partners"
    label = "partners"
