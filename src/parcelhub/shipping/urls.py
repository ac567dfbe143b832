from __future__ import annotations

app_name = "shipping"
urlpatterns: list = []
