"""The customer area's routes (included at "customer/"; URL names "portal:customer-…")."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import customer

urlpatterns: list[URLPattern | URLResolver] = [
    path("vouchers/", customer.vouchers, name="customer-vouchers"),
    path("vouchers/<str:code>/partner/", customer.voucher_partner, name="customer-voucher-partner"),
    path("documents/", customer.documents, name="customer-documents"),
    # The link the customer's contacts are e-mailed once the partner has signed (CONTRACTS.md).
    path("documents/<str:key>/", customer.document, name="customer-document"),
    path("documents/<str:key>/sign/", customer.document_sign_view, name="customer-document-sign"),
    path("documents/<str:key>/decline/", customer.document_decline_view, name="customer-document-decline"),
]
