from __future__ import annotations

app_name = "notify"
urlpatterns: list = []
