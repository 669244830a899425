from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "offerdesk.vouchers"
    label = "vouchers"
