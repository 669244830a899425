from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The web portal: thin views over the selectors and services, one page per task."""

    name = "offerdesk.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from . import signin  # noqa: F401  (connects the sign-in audit receivers)
