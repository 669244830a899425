"""The partner area's routes (included at "partner/"; URL names "portal:partner-…")."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
