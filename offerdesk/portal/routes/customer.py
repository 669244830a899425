"""The customer area's routes (included at "customer/"; URL names "portal:customer-…")."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
