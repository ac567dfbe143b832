from __future__ import annotations

from django.urls import path

from parcelhub.crm import views, views_segments

app_name = "crm"
urlpatterns = [
    path("operator/merchants/", views.merchant_list, name="merchant_list"),
    path("operator/merchants/<str:public_id>/", views.merchant_detail, name="merchant_detail"),
    path("operator/merchants/<str:public_id>/notes/", views.merchant_note, name="merchant_note"),
    path("operator/merchants/<str:public_id>/upsell/", views.merchant_upsell_offer, name="merchant_upsell"),
    path("operator/upsell/<str:public_id>/answer/", views.upsell_answer, name="upsell_answer"),
    path("operator/segments/", views_segments.segment_list, name="segment_list"),
    path("operator/segments/new/", views_segments.segment_new, name="segment_new"),
    path("operator/segments/count/", views_segments.segment_count, name="segment_count"),
    path("operator/segments/<str:public_id>/", views_segments.segment_edit, name="segment_edit"),
    path("operator/onboarding/", views_segments.onboarding, name="onboarding"),
    path("operator/upsell/", views_segments.upsell, name="upsell"),
    path("operator/crm/settings/", views_segments.settings_page, name="settings"),
]
