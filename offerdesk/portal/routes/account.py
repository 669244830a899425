"""The signed-in user's own account pages (at "account/"); allauth's sign-in pages live under "accounts/"."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import account

urlpatterns: list[URLPattern | URLResolver] = [
    path("", account.overview, name="account"),
    path("api-tokens/", account.api_tokens, name="account-api-tokens"),
    path("api-tokens/new/", account.api_token_make, name="account-api-tokens-make"),
    path("api-tokens/<int:pk>/", account.api_token, name="account-api-token"),
    path("api-tokens/<int:pk>/revoke/", account.api_token_revoke_view, name="account-api-token-revoke"),
]
