"""The portal's URLs (namespace "portal"): one module per area under routes/, each filled in by its owner."""

from django.urls import URLPattern, URLResolver, include, path

from .routes import account, customer, documents, notices, partner, sales, staff
from .views import home

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home.home, name="home"),
    path("account/", include(account.urlpatterns)),
    path("staff/", include(staff.urlpatterns)),
    path("staff/", include(sales.urlpatterns)),
    path("partner/", include(partner.urlpatterns)),
    path("customer/", include(customer.urlpatterns)),
    path("documents/", include(documents.urlpatterns)),  # a document's PDF, for the partner and the customer
    path("notices/", include(notices.urlpatterns)),
]
