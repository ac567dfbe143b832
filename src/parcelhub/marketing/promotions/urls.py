from __future__ import annotations

from django.urls import path

from parcelhub.marketing.promotions import views

app_name = "promotions"
urlpatterns = [
    path("promotions/", views.merchant_page, name="mine"),
    path("promotions/claim/", views.claim, name="claim"),
    path("promotions/packages/<str:public_id>/buy/", views.package_buy, name="package_buy"),
    path("promotions/balances/<str:public_id>/refund/", views.balance_refund, name="balance_refund"),
    path("promotions/flash-sales/<str:public_id>/grab/", views.grab, name="grab"),
    path("promotions/points/redeem/<str:public_id>/", views.redeem, name="redeem"),
    path("operator/promotions/", views.coupon_list, name="coupons"),
    path("operator/promotions/coupons/<str:public_id>/", views.coupon_detail, name="coupon"),
    path("operator/promotions/coupons/<str:public_id>/stop/", views.coupon_deactivate, name="coupon_stop"),
    path("operator/promotions/spend-offs/", views.spend_off_list, name="spend_offs"),
    path("operator/promotions/packages/", views.package_list, name="packages"),
    path("operator/promotions/flash-sales/", views.flash_sale_list, name="flash_sales"),
]
