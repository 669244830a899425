"""The signed-in user's own account pages (at "account/"); allauth's sign-in pages live under "accounts/"."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import account

urlpatterns: list[URLPattern | URLResolver] = [
    path("", account.overview, name="account"),
]
