"""Finance's routes (included at "staff/finance/"; URL names "portal:finance-…")."""

from django.urls import URLPattern, URLResolver, path

from offerdesk.portal.views import finance

urlpatterns: list[URLPattern | URLResolver] = [
    path("rates/", finance.rates, name="finance-rates"),
    path("rates/add/", finance.rate_add, name="finance-rate-add"),
    path("rates/import/", finance.rates_import, name="finance-rates-import"),
    path("runs/", finance.runs, name="finance-runs"),
    path("runs/create/", finance.run_create, name="finance-run-create"),
    path("runs/<int:pk>/", finance.run, name="finance-run"),
    path("runs/<int:pk>/export.<str:file_format>", finance.run_export, name="finance-run-export"),
    path("runs/<int:pk>/send/", finance.run_send, name="finance-run-send"),
    path("runs/<int:pk>/items/<int:item>/paid/", finance.run_item_paid, name="finance-run-item-paid"),
    path("runs/<int:pk>/items/<int:item>/failed/", finance.run_item_failed, name="finance-run-item-failed"),
    path("runs/<int:pk>/items/<int:item>/reverse/", finance.run_item_reverse, name="finance-run-item-reverse"),
    path("statements/", finance.statements, name="finance-statements"),
    path("statements/<int:pk>/", finance.statement, name="finance-statement"),
    path("statements/<int:pk>/statement.<str:file_format>", finance.statement_file, name="finance-statement-file"),
]

# The partner's own statements (included at "partner/statements/" by urls.py)
partner_urlpatterns: list[URLPattern | URLResolver] = [
    path("", finance.partner_statements, name="partner-statements"),
    path("<int:pk>/", finance.partner_statement, name="partner-statement"),
    path("<int:pk>/statement.<str:file_format>", finance.partner_statement_file, name="partner-statement-file"),
]
