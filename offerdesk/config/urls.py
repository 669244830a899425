"""URL configuration: the portal at the root, allauth's sign-in pages under accounts/, the admin under admin/."""

from django.contrib import admin
from django.urls import include, path

from offerdesk.portal.views.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("offerdesk.portal.urls")),
]
