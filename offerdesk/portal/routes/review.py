"""The review desk's routes (included at "staff/reviews/"; URL names "portal:review-…")."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import review

urlpatterns: list[URLPattern | URLResolver] = [
    path("", review.queue, name="review-queue"),
    path("<int:pk>/", review.request_page, name="review-request"),
    path("<int:pk>/document/", review.document, name="review-document"),
    path("<int:pk>/steps/<int:step>/attachment/", review.attachment, name="review-attachment"),
    path("<int:pk>/approve/", review.approve, name="review-approve"),
    path("<int:pk>/reject/", review.reject, name="review-reject"),
    path("<int:pk>/ask/", review.ask, name="review-ask"),
    path("<int:pk>/verify-users/", review.verify_users, name="review-verify-users"),
]
