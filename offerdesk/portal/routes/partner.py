"""The partner area's routes (included at "partner/"; URL names "portal:partner-…")."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import partner, partner_redeem

urlpatterns: list[URLPattern | URLResolver] = [
    path("referrals/", partner.referrals, name="partner-referrals"),
    path("referrals/<int:pk>/accept/", partner.referral_accept_view, name="partner-referral-accept"),
    path("referrals/<int:pk>/decline/", partner.referral_decline_view, name="partner-referral-decline"),
    path("vouchers/", partner.vouchers, name="partner-vouchers"),
    path("vouchers/<str:code>/", partner.voucher, name="partner-voucher"),
    path("redeem/", partner_redeem.redeem, name="partner-redeem"),
    path("redeem/<str:code>/<str:kind>/", partner_redeem.redeem_figures, name="partner-redeem-figures"),
    path("redeem/<str:code>/<str:kind>/upload/", partner_redeem.redeem_upload, name="partner-redeem-upload"),
    path("documents/<str:key>/", partner_redeem.document, name="partner-document"),
    path("documents/<str:key>/pdf/", partner_redeem.document_pdf, name="partner-document-pdf"),
    path("documents/<str:key>/sign/", partner_redeem.document_sign_view, name="partner-document-sign"),
    path("documents/<str:key>/submit/", partner_redeem.document_submit_view, name="partner-document-submit"),
    path("documents/<str:key>/withdraw/", partner_redeem.document_withdraw_view, name="partner-document-withdraw"),
    path("redemptions/", partner.redemptions, name="partner-redemptions"),
    path("redemptions/<int:pk>/", partner.redemption, name="partner-redemption"),
    path("redemptions/<int:pk>/answer/", partner.redemption_answer, name="partner-redemption-answer"),
    path(
        "redemptions/<int:pk>/steps/<int:step>/attachment/",
        partner.redemption_attachment,
        name="partner-redemption-attachment",
    ),
    path("payments/", partner.payments, name="partner-payments"),
]
