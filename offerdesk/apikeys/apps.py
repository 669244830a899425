from django.apps import AppConfig


class ApiKeysConfig(AppConfig):
    name = "offerdesk.apikeys"
    label = "apikeys"
    verbose_name = "API tokens and idempotency keys"
