from __future__ import annotations

from django.urls import path

from parcelhub.crm.churn import views

app_name = "churn"
urlpatterns: list = [
    path("operator/churn/", views.board, name="board"),
    path("operator/churn/outcomes/", views.report, name="report"),
    path("operator/churn/<str:public_id>/outcome", views.outcome, name="outcome"),
]
