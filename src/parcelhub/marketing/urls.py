from __future__ import annotations

from django.urls import path

from parcelhub.marketing import views

app_name = "marketing"
urlpatterns: list = [
    path("marketing/tier/", views.tier_page, name="tier"),
    path("operator/marketing/tiers/", views.operator_tiers, name="operator_tiers"),
    path("operator/marketing/tiers/settings/", views.operator_tier_settings, name="operator_tier_settings"),
    path("operator/marketing/tiers/overrides/", views.operator_override_set, name="operator_override_set"),
    path("operator/marketing/tiers/overrides/<int:pk>/delete/", views.operator_override_delete,
         name="operator_override_delete"),
    path("operator/marketing/tiers/margins/", views.operator_margin_rule_set, name="operator_margin_rule_set"),
    path("operator/marketing/tiers/margins/<int:pk>/delete/", views.operator_margin_rule_delete,
         name="operator_margin_rule_delete"),
    path("operator/marketing/tiers/<str:code>/", views.operator_tier_update, name="operator_tier_update"),
    path("operator/marketing/margin/", views.operator_margin_report, name="operator_margin"),
]
