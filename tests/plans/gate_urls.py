"""A tiny API with one gated handler, for testing the ninja gate (no current endpoint needs a feature that
Free lacks). Errors are rendered like the real API's."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI, Router

from parcelhub.accounts.auth import merchant_auth
from parcelhub.core.errors import DomainError
from parcelhub.plans.gates import api_plan_feature_required

api = NinjaAPI(urls_namespace="gate-test")
router = Router(auth=merchant_auth)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_payload(), status=exc.status)


@router.get("/reports")
@api_plan_feature_required("insight_reports")
def reports(request):
    return {"ok": True}


api.add_router("/", router)
urlpatterns = [path("gate/", api.urls)]
