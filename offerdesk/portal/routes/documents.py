"""A document's PDF, for the partner's and the customer's pages alike (included at "documents/")."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import documents

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:key>/download/", documents.download, name="document-download"),
    path("<str:key>/view/", documents.inline, name="document-view"),
]
