"""The seller's and operator's pages (at "staff/"): customers, nominations, vouchers and partners."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import sales

urlpatterns: list[URLPattern | URLResolver] = [
    path("customers/", sales.customers, name="staff-customers"),
    path("customers/<str:tpid>/", sales.customer, name="staff-customer"),
    path("customers/<str:tpid>/eligibility/", sales.eligibility, name="staff-customer-eligibility"),
    path("customers/<str:tpid>/nominate/", sales.customer_nominate, name="staff-customer-nominate"),
    path("customers/<str:tpid>/deal/", sales.customer_deal, name="staff-customer-deal"),
    path("customers/<str:tpid>/issue/", sales.customer_issue, name="staff-customer-issue"),
    path("nominations/", sales.nominations, name="staff-nominations"),
    path("nominations/<int:pk>/", sales.nomination, name="staff-nomination"),
    path("nominations/<int:pk>/remap/", sales.nomination_remap, name="staff-nomination-remap"),
    path("vouchers/", sales.vouchers, name="staff-vouchers"),
    path("vouchers/<str:code>/", sales.voucher, name="staff-voucher"),
    path("vouchers/<str:code>/cancel/", sales.voucher_cancel_view, name="staff-voucher-cancel"),
    path("partners/", sales.partners, name="staff-partners"),
    path("partners/<int:pk>/", sales.partner, name="staff-partner"),
]
