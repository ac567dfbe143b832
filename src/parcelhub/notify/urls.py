from __future__ import annotations

from django.urls import path

from parcelhub.notify import views

app_name = "notify"
T = "settings/notifications/templates/<str:status>/<str:channel>/<str:language>/"
W = "settings/notifications/webhooks/<str:public_id>/"
urlpatterns = [
    path("settings/notifications/", views.notify_settings, name="settings"),
    path("settings/notifications/blacklist/", views.blacklist_add, name="blacklist_add"),
    path("settings/notifications/suppressions/<int:entry_id>/remove/", views.suppression_remove,
         name="suppression_remove"),
    path("settings/notifications/templates/", views.template_list, name="template_list"),
    path(T, views.template_edit, name="template_edit"),
    path(T + "preview/", views.template_preview, name="template_preview"),
    path(T + "reset/", views.template_reset, name="template_reset"),
    path("settings/notifications/marketing/", views.block_list, name="block_list"),
    path("settings/notifications/marketing/new/", views.block_edit, name="block_create"),
    path("settings/notifications/marketing/<int:block_id>/", views.block_edit, name="block_edit"),
    path("settings/notifications/marketing/<int:block_id>/delete/", views.block_delete, name="block_delete"),
    path("settings/notifications/webhooks/", views.webhook_list, name="webhook_list"),
    path(W, views.webhook_detail, name="webhook_detail"),
    path(W + "test/", views.webhook_test, name="webhook_test"),
    path(W + "enable/", views.webhook_enable, name="webhook_enable"),
    path(W + "delete/", views.webhook_delete, name="webhook_delete"),
    path("settings/notifications/sms/", views.sms_log, name="sms_log"),
    path("settings/notifications/messages/", views.outbox_list, name="outbox_list"),
    path("n/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
