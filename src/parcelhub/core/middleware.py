"""Keeps the API's error shape uniform for errors raised outside ninja's handlers.

Ninja answers an unknown method with plain text, Django answers an unknown /api/ path or a CSRF failure with
HTML; API clients should always get `{"error": {"code", "message"}}`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from parcelhub.core.errors import DomainError, NotFound, PermissionDenied

_CODES = {400: "bad_request", 401: "unauthorized", 403: "permission_denied", 404: "not_found",
          405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type"}
_MESSAGES = {400: "The request could not be read.", 401: "A valid API key or session is required.",
             403: "You do not have permission to do this.", 404: "Not found.",
             405: "This method is not allowed here.", 413: "The request is too large."}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        body = {"error": {"code": _CODES.get(status, "error"), "message": _MESSAGES.get(status, "Request failed.")}}
        shaped = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
        if response.has_header("Allow"):
            shaped["Allow"] = response["Allow"]
        return shaped


class DomainErrorPageMiddleware:
    """Console pages: a domain error that escapes a view becomes the matching HTTP error page, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.localized())
        if isinstance(exception, PermissionDenied):
            raise DjangoPermissionDenied(exception.localized())
        if isinstance(exception, DomainError):
            return HttpResponseBadRequest(exception.localized())
        return None
