from __future__ import annotations

from django.urls import path, re_path

from parcelhub.billing import views

app_name = "billing"

STATEMENT = r"statements/(?P<month>\d{4}-\d{2})\.(?P<fmt>csv|pdf)$"

urlpatterns = [
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/recharges/", views.recharge_start, name="recharge_start"),
    re_path(r"^wallet/" + STATEMENT, views.statement_download, name="statement_download"),
    path("billing/sandbox/checkout/<str:public_id>/", views.sandbox_checkout, name="sandbox_checkout"),
    path("billing/notify/sandbox", views.notify_sandbox, name="notify_sandbox"),
    path("operator/wallets/", views.operator_wallets, name="operator_wallets"),
    path("operator/wallets/<str:public_id>/", views.operator_wallet_detail, name="operator_wallet_detail"),
    path("operator/wallets/<str:public_id>/adjust/", views.operator_wallet_adjust, name="operator_wallet_adjust"),
    path("operator/wallets/<str:public_id>/credit-limit/", views.operator_wallet_credit,
         name="operator_wallet_credit"),
    re_path(r"^operator/wallets/(?P<public_id>mch_[0-9A-Z]+)/" + STATEMENT, views.operator_statement_download,
            name="operator_statement_download"),
]
