from django.apps import AppConfig


class RedemptionsConfig(AppConfig):
    name = "offerdesk.redemptions"
    label = "redemptions"
