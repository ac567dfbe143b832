from __future__ import annotations

app_name = "geo"
urlpatterns: list = []
