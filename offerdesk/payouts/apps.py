from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "offerdesk.payouts"
    label = "payouts"
