from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set and `offerdesk demo`: development and tests only (`OFFERDESK_DEMO_ALLOWED`)."""

    name = "offerdesk.demo"
    label = "demo"
