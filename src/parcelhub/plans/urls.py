from __future__ import annotations

from django.urls import path

from parcelhub.plans import views

app_name = "plans"
urlpatterns = [
    path("settings/plan/", views.plan_page, name="plan"),
    path("settings/plan/change", views.plan_change, name="change"),
    path("settings/plan/trial", views.trial_start, name="trial_start"),
    path("settings/plan/auto-renew", views.auto_renew, name="auto_renew"),
    path("settings/plan/renew", views.renew_now, name="renew_now"),
    path("operator/plans/", views.operator_plans, name="operator_plans"),
    path("operator/plans/grant", views.operator_grant, name="operator_grant"),
    path("operator/plans/bonuses/new", views.operator_bonus_rule, name="operator_bonus_new"),
    path("operator/plans/bonuses/<str:public_id>/", views.operator_bonus_rule, name="operator_bonus_edit"),
    path("operator/plans/<slug:code>/", views.operator_plan_edit, name="operator_plan_edit"),
]
