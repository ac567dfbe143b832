from __future__ import annotations

from django.urls import path

from parcelhub.carriers import views

app_name = "carriers"
urlpatterns = [
    path("", views.carrier_list, name="carrier_list"),
    path("ratecards/", views.ratecard_list, name="ratecard_list"),
    path("ratecards/upload/", views.ratecard_upload, name="ratecard_upload"),
    path("ratecards/download/", views.ratecard_download, name="ratecard_download"),
    path("ratecards/template/", views.ratecard_template, name="ratecard_template"),
    path("ratecards/<str:public_id>/", views.ratecard_detail, name="ratecard_detail"),
    path("ratecards/<str:public_id>/cancel/", views.ratecard_cancel, name="ratecard_cancel"),
]
