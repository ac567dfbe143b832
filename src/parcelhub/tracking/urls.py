from __future__ import annotations

from django.urls import include, path

app_name = "tracking"
urlpatterns = [
    path("", include("parcelhub.tracking.urls_console")),   # merchant console: tracking list, exceptions, page designer
    path("", include("parcelhub.tracking.urls_public")),    # consignees: /t/<code>, NPS, clicks
    path("", include("parcelhub.tracking.urls_hooks")),     # carriers and aggregators pushing events
]
