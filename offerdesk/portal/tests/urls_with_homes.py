"""A URL configuration where the partner's and the customer's homes exist, for the landing test."""

from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from offerdesk.portal import urls as portal_urls


def _page(request: object) -> HttpResponse:
    return HttpResponse("home")


homes: tuple[list[URLPattern | URLResolver], str] = (
    [
        *portal_urls.urlpatterns,
        path("partner/vouchers/", _page, name="partner-vouchers"),
        path("customer/vouchers/", _page, name="customer-vouchers"),
    ],
    "portal",
)
urlpatterns = [path("accounts/", include("allauth.urls")), path("", include(homes))]
