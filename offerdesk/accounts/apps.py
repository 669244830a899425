from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "offerdesk.accounts"
    label = "accounts"
