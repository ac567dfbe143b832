from __future__ import annotations

from django.urls import path

from parcelhub.rating import views

app_name = "rating"
urlpatterns = [
    path("", views.compare, name="compare"),
]
