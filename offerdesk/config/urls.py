"""URL configuration: the admin for now; the portal and the API get their own issues."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    # Until the portal lands, the home page is the back office.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
