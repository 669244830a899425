from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_catalogue(sender: AppConfig, **kwargs: object) -> None:
    from .services import catalogue_sync

    catalogue_sync()


class CatalogueConfig(AppConfig):
    name = "offerdesk.catalogue"
    label = "catalogue"

    def ready(self) -> None:
        from .loader import get_catalogue

        get_catalogue()  # an invalid catalogue file stops the process at start-up
        post_migrate.connect(_sync_catalogue, sender=self)
