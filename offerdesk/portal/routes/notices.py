"""The notices area's routes (included at "notices/"; URL names "portal:notices-…")."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
