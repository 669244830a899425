"""URL configuration: the admin for now; the portal and the API get their own issues."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from offerdesk.portal.views.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Until the portal lands, the home page is the back office.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
