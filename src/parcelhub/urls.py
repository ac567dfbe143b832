from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from parcelhub.api import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("parcelhub.accounts.urls")),
    path("", include("parcelhub.web.urls")),
    path("rates/", include("parcelhub.rating.urls")),
    path("geo/", include("parcelhub.geo.urls")),
    path("operator/carriers/", include("parcelhub.carriers.urls")),
    path("orders/", include("parcelhub.orders.urls")),
    # shipping, billing and the apps below spell out their own paths (/operator/… for the operator console).
    path("", include("parcelhub.shipping.urls")),
    path("", include("parcelhub.billing.urls")),
    path("", include("parcelhub.tracking.urls")),
    path("", include("parcelhub.notify.urls")),
    path("", include("parcelhub.insights.urls")),
    path("", include("parcelhub.plans.urls")),
    path("", include("parcelhub.marketing.urls")),
    path("", include("parcelhub.marketing.promotions.urls")),
    path("", include("parcelhub.marketing.campaigns.urls")),
    path("", include("parcelhub.crm.urls")),
    path("", include("parcelhub.crm.churn.urls")),
    path("", include("parcelhub.crm.workbench.urls")),
]
