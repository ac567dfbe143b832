from __future__ import annotations

from django.urls import path

from parcelhub.tracking import page_views, public_views

urlpatterns = [
    # Consignees (no login): the label's QR code leads to /t/<public id>.
    path("t/", public_views.public_lookup, name="public_lookup"),
    path("t/<str:public_id>", public_views.public_page, name="public_page"),
    path("t/<str:public_id>/go/<str:target>", public_views.public_click, name="public_click"),
    path("t/<str:public_id>/nps", public_views.public_nps, name="public_nps"),
    # Merchant console: the page designer and the page's results.
    path("tracking/page/", page_views.page_designer, name="page_designer"),
    path("tracking/page/preview", page_views.page_preview, name="page_preview"),
    path("tracking/page/results/", page_views.page_results, name="page_results"),
    # Operator: NPS per carrier across merchants.
    path("operator/nps/", page_views.operator_nps, name="operator_nps"),
]
