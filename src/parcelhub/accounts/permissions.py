"""Who may open which console page: merchant users see their merchant; operators need a role."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def merchant_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.merchant_id is None:
            raise PermissionDenied("merchant users only")
        request.merchant = request.user.merchant
        return view(request, *args, **kwargs)

    return wrapper


def operator_required(*roles: str):
    """Allow operators holding one of `roles` (administrators always pass)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_operator_role(*roles):
                raise PermissionDenied("operator role required")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
