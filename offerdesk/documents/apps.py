from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "offerdesk.documents"
    label = "documents"
