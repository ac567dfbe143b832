"""Domain errors with a stable machine code and a human message in Chinese and English.

Services raise these; the API turns them into `{"error": {"code", "message"}}` with the right status, and
pages show the message. Nothing is written when one is raised inside a service's transaction.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, message_zh: str | None = None, *, status: int | None = None,
                 details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh or message
        self.details = details
        if status is not None:
            self.status = status

    def localized(self) -> str:
        lang = translation.get_language() or "en"
        return self.message_zh if lang.startswith("zh") else self.message

    def as_payload(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.localized()}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class NotFound(DomainError):
    status = 404

    def __init__(self, what: str = "resource", what_zh: str = "资源") -> None:
        super().__init__("not_found", f"{what} not found", f"未找到{what_zh}")


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str = "You do not have permission to do this.",
                 message_zh: str = "您没有执行此操作的权限。") -> None:
        super().__init__("permission_denied", message, message_zh)
