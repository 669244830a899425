from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "offerdesk.notifications"
    label = "notifications"
