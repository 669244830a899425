"""The auditor's pages (at "staff/audit/"): the trail and each event."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import audit

urlpatterns: list[URLPattern | URLResolver] = [
    path("", audit.trail, name="staff-audit"),
    path("<int:pk>/", audit.event, name="staff-audit-event"),
]
