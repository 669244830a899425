from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    """Whole-base screening: every customer against every offer, set-based, stored to nominate from."""

    name = "offerdesk.screening"
    label = "screening"
