"""URL configuration: the admin for now; the portal and the API get their own issues."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
