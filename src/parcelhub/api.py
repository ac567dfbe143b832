"""Assembles the REST API (/api/v1, OpenAPI at /api/docs) and turns every error into a stable JSON shape."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import BaseRenderer

from parcelhub.core import jsonio
from parcelhub.core.errors import DomainError


class JSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data, *, response_status: int) -> bytes:
        return jsonio.dumps(data)


api = NinjaAPI(
    title="ParcelHub API",
    renderer=JSONRenderer(),
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    description=(
        "Authenticate with `Authorization: Bearer ph_live_…` (or `ph_test_…` for test mode). "
        "Money is integer fen (`*_fen`) with a `currency`; weights are grams, sizes centimetres. "
        'Errors are `{"error": {"code": "…", "message": "…"}}` with a 4xx status.'
    ),
)


def _error(request: HttpRequest, status: int, code: str, message: str, details=None):
    payload = {"code": code, "message": message}
    if details is not None:
        payload["details"] = details
    return api.create_response(request, {"error": payload}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, exc.as_payload(), status=exc.status)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError):
    details = [
        {"loc": [str(part) for part in err.get("loc", ())], "msg": err.get("msg", "")} for err in exc.errors
    ]
    if details:
        first = details[0]
        where = ".".join(part for part in first["loc"] if part not in {"body", "payload"})
        message = f"{where}: {first['msg']}" if where else first["msg"]
    else:
        message = "The request is not valid."
    return _error(request, 422, "invalid_request", message, details)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError):
    return _error(request, 401, "unauthorized", "A valid API key or session is required.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    code = {400: "bad_request", 401: "unauthorized", 403: "permission_denied", 404: "not_found",
            405: "method_not_allowed", 413: "too_large"}.get(exc.status_code, "error")
    return _error(request, exc.status_code, code, str(exc.message))


def _register_routers() -> None:
    # Each domain app owns a ninja router in its api.py; they are mounted here and nowhere else
    # (ninja imports each dotted path).
    for app in ("accounts", "geo", "rating", "orders", "shipping", "billing", "tracking", "notify", "insights",
                "plans", "marketing", "marketing.promotions", "marketing.campaigns", "crm", "crm.churn",
                "crm.workbench"):
        api.add_router("/v1", f"parcelhub.{app}.api.router")


_register_routers()
