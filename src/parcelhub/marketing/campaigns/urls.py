from __future__ import annotations

from django.urls import path

from parcelhub.marketing.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("operator/campaigns/", views.campaign_list, name="list"),
    path("operator/campaigns/new/", views.campaign_create, name="create"),
    path("operator/campaigns/preview/", views.target_preview, name="preview"),
    path("operator/campaigns/pushes/new/", views.push_create, name="push_create"),
    path("operator/campaigns/pushes/<str:public_id>/", views.push_detail, name="push_detail"),
    path("operator/campaigns/<str:public_id>/", views.campaign_detail, name="detail"),
    path("operator/campaigns/<str:public_id>/launch/", views.campaign_launch, name="launch"),
    path("operator/campaigns/<str:public_id>/stop/", views.campaign_stop, name="stop"),
]
