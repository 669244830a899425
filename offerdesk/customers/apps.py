from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "offerdesk.customers"
    label = "customers"
