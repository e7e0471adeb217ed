"""Errors raised by services, with a stable machine code and a Vietnamese message.

Views turn them into form errors; the API turns them into JSON
({"code", "message", "errors": [{"field", "code", "message"}]}).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FieldError:
    field: str
    code: str
    message: str


class ServiceError(Exception):
    """A business rule refused the operation. Nothing has been written."""

    code = "invalid"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        errors: list[FieldError] | None = None,
    ):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.errors = list(errors or [])
        if field:
            self.errors.append(FieldError(field=field, code=self.code, message=self.message))


class TransitionNotAllowed(ServiceError):
    """The object is not in a state that allows this transition."""

    code = "transition_not_allowed"
    status = 409


class PermissionDenied(ServiceError):
    """The actor may not perform this action on an object they can see."""

    code = "permission_denied"
    status = 403
