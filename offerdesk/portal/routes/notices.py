"""The notices area's routes (included at "notices/"; URL names "portal:notices-…")."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import notices

urlpatterns: list[URLPattern | URLResolver] = [
    path("", notices.index, name="notices"),
    path("<int:key>/read/", notices.mark_read, name="notices-read"),
    path("read/", notices.mark_all_read, name="notices-read-all"),
]
