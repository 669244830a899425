"""The customer area's routes (included at "customer/"; URL names "portal:customer-…")."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import customer

urlpatterns: list[URLPattern | URLResolver] = [
    path("vouchers/", customer.vouchers, name="customer-vouchers"),
    path("vouchers/<str:code>/partner/", customer.voucher_partner, name="customer-voucher-partner"),
]
