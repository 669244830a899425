"""Microsoft staff's pages (at "staff/")."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import staff

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.home, name="staff-home"),
    path("verify/", staff.verify, name="staff-verify"),
]
