from __future__ import annotations

from django.urls import include, path

from parcelhub.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("operator/carriers/", include("parcelhub.carriers.urls")),
    path("geo/", include("parcelhub.geo.urls")),
    path("rates/", include("parcelhub.rating.urls")),
]
