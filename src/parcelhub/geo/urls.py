from __future__ import annotations

from django.urls import path

from parcelhub.geo import views

app_name = "geo"
urlpatterns = [
    path("remote-regions", views.remote_regions, name="remote_regions"),
    path("options", views.region_options, name="region_options"),
]
