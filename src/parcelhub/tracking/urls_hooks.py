from __future__ import annotations

from django.urls import path

from parcelhub.tracking import hooks

urlpatterns: list = [
    path("hooks/kdniao", hooks.kdniao_push, name="kdniao_push"),
]
