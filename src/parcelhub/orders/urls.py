from __future__ import annotations

from django.urls import path

from parcelhub.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("import/", views.order_import, name="order_import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/<str:public_id>/", views.import_status, name="import_status"),
    path("<str:public_id>/", views.order_detail, name="order_detail"),
    path("<str:public_id>/cancel/", views.order_cancel, name="order_cancel"),
]
