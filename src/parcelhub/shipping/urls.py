from __future__ import annotations

from django.urls import path

from parcelhub.shipping import views

app_name = "shipping"
urlpatterns = [
    path("shipments/", views.shipment_list, name="shipment_list"),
    path("shipments/bulk/", views.bulk_start, name="bulk_start"),
    path("shipments/bulk/buy", views.bulk_buy, name="bulk_buy"),
    path("shipments/bulk/<str:public_id>/", views.bulk_detail, name="bulk_detail"),
    path("shipments/bulk/<str:public_id>/labels.pdf", views.bulk_labels, name="bulk_labels"),
    path("shipments/<str:public_id>/", views.shipment_detail, name="shipment_detail"),
    path("shipments/<str:public_id>/label.pdf", views.shipment_label, name="shipment_label"),
    path("shipments/<str:public_id>/label.png", views.shipment_preview, name="shipment_preview"),
    path("shipments/<str:public_id>/void", views.shipment_void, name="shipment_void"),
    path("pickups/", views.pickup_list, name="pickup_list"),
    path("pickups/<str:public_id>/cancel", views.pickup_cancel, name="pickup_cancel"),
]
