"""The catalogue's pages (at "staff/catalogue/"): programs, offers and parameters."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import catalogue

urlpatterns: list[URLPattern | URLResolver] = [
    path("", catalogue.index, name="staff-catalogue"),
    path("<str:code>/", catalogue.program, name="staff-catalogue-program"),
    path("<str:code>/parameters/<str:key>/", catalogue.parameter, name="staff-catalogue-parameter"),
    path("<str:code>/parameters/<str:key>/set/", catalogue.parameter_set_view, name="staff-catalogue-parameter-set"),
    path(
        "<str:code>/parameters/<str:key>/overrides/<int:pk>/withdraw/",
        catalogue.parameter_withdraw_view,
        name="staff-catalogue-parameter-withdraw",
    ),
]
