from __future__ import annotations

from django.urls import path

from parcelhub.tracking import views

urlpatterns = [
    path("tracking/", views.tracking_list, name="list"),
    path("tracking/exceptions/", views.exception_board, name="exceptions"),
    path("tracking/exceptions/<int:pk>/act", views.issue_action, name="issue_act"),
    path("operator/lanes/", views.lane_scores, name="lane_scores"),
]
