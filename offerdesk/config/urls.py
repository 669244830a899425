"""URL configuration: the portal at the root, allauth's sign-in pages under accounts/, the admin under admin/,
the REST API under api/v1/."""

from django.contrib import admin
from django.urls import include, path

from offerdesk.api.v1 import api
from offerdesk.portal.views.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("", include("offerdesk.portal.urls")),
]
