"""One JSON shape for every API error.

``{"code": "<stable code>", "message": "<Vietnamese>", "errors": [{"field", "code", "message"}]}``

Clients branch on ``code`` (stable, English, snake_case); people read
``message``. Field errors name the field by its Vietnamese label, so a client
can show them as they are. DRF ships almost no Vietnamese catalogue, so its
standard field messages are recognised by code and template and replaced by
our own (Vietnamese is the msgid; other languages come from our catalogue);
messages written by our validators and services are kept as they are.
"""

from __future__ import annotations

import contextlib
import math
import re
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from rest_framework import exceptions, fields, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings

from congvu.core.errors import ServiceError
from congvu.core.text import fold

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy("Tên trường (đường dẫn như positions.0.title); null nếu lỗi chung."),
    )
    code = serializers.CharField(help_text=gettext_lazy("Mã lỗi ổn định, ví dụ required."))
    message = serializers.CharField(help_text=gettext_lazy("Thông báo tiếng Việt, nêu tên trường."))


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (schema component ``Error``)."""

    code = serializers.CharField(
        help_text=gettext_lazy("Mã lỗi ổn định cho máy đọc, ví dụ invalid, not_found.")
    )
    message = serializers.CharField(help_text=gettext_lazy("Thông báo cho người đọc."))
    errors = FieldErrorSerializer(many=True)

    class Meta:
        ref_name = "Error"


# Top-level codes and messages of the standard DRF exceptions.
EXCEPTION_MESSAGES: dict[type[Exception], tuple[str, Any]] = {
    exceptions.NotAuthenticated: (
        "not_authenticated",
        gettext_lazy("Bạn cần đăng nhập hoặc gửi mã truy cập (Authorization: Token …)."),
    ),
    exceptions.AuthenticationFailed: (
        "authentication_failed",
        gettext_lazy("Thông tin xác thực không đúng hoặc mã truy cập đã bị thu hồi."),
    ),
    exceptions.PermissionDenied: (
        "permission_denied",
        gettext_lazy("Bạn không có quyền thực hiện thao tác này."),
    ),
    exceptions.NotFound: ("not_found", gettext_lazy("Không tìm thấy.")),
    exceptions.MethodNotAllowed: (
        "method_not_allowed",
        gettext_lazy("Phương thức %(method)s không được hỗ trợ ở địa chỉ này."),
    ),
    exceptions.NotAcceptable: (
        "not_acceptable",
        gettext_lazy("Không thể trả về định dạng được yêu cầu trong tiêu đề Accept."),
    ),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        gettext_lazy("Không hỗ trợ kiểu dữ liệu %(media_type)s; hãy gửi application/json."),
    ),
    exceptions.ParseError: (
        "parse_error",
        gettext_lazy("Không đọc được nội dung yêu cầu: JSON không hợp lệ."),
    ),
    exceptions.Throttled: (
        "throttled",
        gettext_lazy("Quá nhiều yêu cầu. Vui lòng thử lại sau %(wait)s giây."),
    ),
}

# Vietnamese messages for DRF's standard field error codes. A message is
# replaced only when it is DRF's own default for that field and code.
FIELD_MESSAGES: dict[str, Any] = {
    "required": gettext_lazy("Trường này là bắt buộc."),
    "null": gettext_lazy("Trường này không được để trống."),
    "blank": gettext_lazy("Trường này không được để trống."),
    "max_length": gettext_lazy("Không được dài quá %(max_length)s ký tự."),
    "min_length": gettext_lazy("Phải có ít nhất %(min_length)s ký tự."),
    "max_value": gettext_lazy("Phải nhỏ hơn hoặc bằng %(max_value)s."),
    "min_value": gettext_lazy("Phải lớn hơn hoặc bằng %(min_value)s."),
    "invalid_choice": gettext_lazy("“%(input)s” không phải là lựa chọn hợp lệ."),
    "does_not_exist": gettext_lazy("Không có đối tượng nào mang mã %(pk_value)s."),
    "incorrect_type": gettext_lazy("Sai kiểu dữ liệu: cần mã số của đối tượng."),
    "not_a_list": gettext_lazy("Cần một danh sách."),
    "empty": gettext_lazy("Danh sách không được rỗng."),
    "max_string_length": gettext_lazy("Giá trị số quá lớn."),
    "datetime": gettext_lazy("Cần một ngày, không phải một thời điểm."),
    "date": gettext_lazy("Cần một thời điểm, không phải một ngày."),
    "invalid": gettext_lazy("Giá trị không hợp lệ."),
}
INVALID_MESSAGES: list[tuple[type[fields.Field], Any]] = [
    (fields.EmailField, gettext_lazy("Địa chỉ thư điện tử không hợp lệ.")),
    (fields.CharField, gettext_lazy("Phải là một chuỗi ký tự.")),
    (fields.BooleanField, gettext_lazy("Phải là giá trị đúng/sai (true hoặc false).")),
    (fields.IntegerField, gettext_lazy("Phải là một số nguyên.")),
    (fields.FloatField, gettext_lazy("Phải là một số.")),
    (fields.DecimalField, gettext_lazy("Phải là một số.")),
    (fields.DateTimeField, gettext_lazy("Thời điểm không hợp lệ; dùng định dạng ISO 8601.")),
    (fields.DateField, gettext_lazy("Ngày không hợp lệ; dùng định dạng YYYY-MM-DD.")),
    (
        serializers.Serializer,
        gettext_lazy("Dữ liệu không hợp lệ: cần một đối tượng JSON."),
    ),
]


def error_body(code: str, message: str, errors: list[dict] | None = None) -> dict:
    return {"code": code, "message": str(message), "errors": errors or []}


def _template_params(template: str, message: str) -> dict[str, str] | None:
    """Match ``message`` against a DRF message template; return its {placeholders} or None."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = ""
    for i, part in enumerate(parts):
        pattern += re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)"
    match = re.fullmatch(pattern, message, flags=re.DOTALL)
    return match.groupdict() if match else None


def _vietnamese(field: fields.Field | None, code: str, message: str) -> str:
    """Our message for DRF's default ``code`` on ``field``, or ``message`` if it is not DRF's."""
    if field is None:
        if code in ("required", "null", "blank"):
            return str(FIELD_MESSAGES[code])
        return message
    template = field.error_messages.get(code)
    if template is None and code in ("max_length", "min_length", "max_value", "min_value"):
        # DRF builds these validators itself with the field's own limit.
        limit = getattr(field, code, None)
        if limit is not None:
            return str(FIELD_MESSAGES[code]) % {code: limit}
        return message
    if template is None or code not in FIELD_MESSAGES:
        return message
    params = _template_params(str(template), message)
    if params is None:
        return message
    if code == "invalid":
        for kind, text in INVALID_MESSAGES:
            if isinstance(field, kind):
                return str(text)
    return str(FIELD_MESSAGES[code]) % params if params else str(FIELD_MESSAGES[code])


def _resolve(serializer, path: list[str]) -> fields.Field | None:
    """The field at ``path`` (names and list indexes) inside ``serializer``."""
    node = serializer
    for part in path:
        if node is None:
            return None
        if isinstance(node, serializers.ListSerializer | fields.ListField):
            node = node.child
            if part.isdigit():
                continue
        node = getattr(node, "fields", {}).get(part) if hasattr(node, "fields") else None
    return node


def _label(field: fields.Field | None, name: str) -> str:
    label = getattr(field, "label", None)
    return capfirst(str(label)) if label else name


def _named(label: str, message: str) -> str:
    """Prefix the field label unless the message already starts with it."""
    if fold(label) and fold(message).startswith(fold(label)):
        return message
    return f"{label}: {message}"


def _serializers_of(view) -> list:
    """Serializers whose fields may be named in an error raised by ``view``.

    Reads are validated against the query filters, writes against the input.
    """
    found = []
    request = getattr(view, "request", None)
    reading = getattr(request, "method", "GET") in ("GET", "HEAD", "OPTIONS")
    order = ("filter_serializer_class", "input_serializer_class")
    for attr in order if reading else reversed(order):
        cls = getattr(view, attr, None)
        if cls is not None:
            found.append(cls())
    get_serializer = getattr(view, "get_serializer", None)
    if get_serializer is not None:
        # Labels are a nicety: never let them mask the real error.
        with contextlib.suppress(Exception):
            found.append(get_serializer())
    return found


def _field_for(sources: list, path: list[str]) -> fields.Field | None:
    for serializer in sources:
        field = _resolve(serializer, path)
        if field is not None:
            return field
    return None


def _flatten(detail, path: list[str], sources: list, out: list[dict]) -> None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            _flatten(value, [*path, str(key)], sources, out)
        return
    if isinstance(detail, list):
        if detail and all(isinstance(x, dict | list) for x in detail):
            for index, value in enumerate(detail):
                _flatten(value, [*path, str(index)], sources, out)
            return
        for item in detail:
            _flatten(item, path, sources, out)
        return
    code = getattr(detail, "code", None) or "invalid"
    field_path = [p for p in path if p != NON_FIELD]
    if not field_path:
        message = _vietnamese(sources[0] if sources else None, code, str(detail))
        out.append({"field": None, "code": code, "message": message})
        return
    field = _field_for(sources, field_path)
    message = _vietnamese(field, code, str(detail))
    label = _label(field, field_path[-1])
    out.append({"field": ".".join(field_path), "code": code, "message": _named(label, message)})


def _validation_response(exc: exceptions.ValidationError, view) -> Response:
    errors: list[dict] = []
    _flatten(exc.detail, [], _serializers_of(view), errors)
    return Response(error_body("invalid", _("Dữ liệu không hợp lệ."), errors), status=400)


def _service_response(exc: ServiceError, view) -> Response:
    sources = _serializers_of(view)
    errors = []
    for err in exc.errors:
        path = err.field.split(".") if err.field else []
        if path:
            label = _label(_field_for(sources, path), path[-1])
            message = _named(label, err.message)
        else:
            message = err.message
        errors.append({"field": err.field or None, "code": err.code, "message": message})
    return Response(error_body(exc.code, exc.message, errors), status=exc.status)


def _django_validation_as_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    def details(errs):
        return [
            exceptions.ErrorDetail(str(e.message % (e.params or {})), code=e.code or "invalid")
            for e in errs
        ]

    if hasattr(exc, "error_dict"):
        key = {"__all__": NON_FIELD}
        return exceptions.ValidationError(
            {key.get(k, k): details(v) for k, v in exc.error_dict.items()}
        )
    return exceptions.ValidationError(details(exc.error_list))


def exception_handler(exc, context):
    """DRF ``EXCEPTION_HANDLER``: turn any known error into the JSON error shape."""
    view = context.get("view")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = _django_validation_as_drf(exc)

    if isinstance(exc, ServiceError):
        return _service_response(exc, view)
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc, view)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: let Django log it and answer 500

    headers = {}
    status = exc.status_code
    code, message = _code_and_message(exc, context)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # DRF answers 403 when the first authenticator is the session one;
        # a missing credential is a 401 whatever the order.
        status = 401
        headers["WWW-Authenticate"] = 'Token realm="api"'
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(math.ceil(exc.wait))
    return Response(error_body(code, message), status=status, headers=headers)


def _code_and_message(exc: exceptions.APIException, context) -> tuple[str, str]:
    detail = str(exc.detail)
    if isinstance(exc, exceptions.PermissionDenied) and detail.startswith("CSRF Failed"):
        return "csrf_failed", _("Thiếu hoặc sai mã CSRF. Hãy tải lại trang rồi thử lại.")
    for kind, (code, message) in EXCEPTION_MESSAGES.items():
        if isinstance(exc, kind):
            request = context.get("request")
            params = {
                "method": getattr(request, "method", ""),
                "media_type": getattr(request, "content_type", ""),
                "wait": math.ceil(exc.wait) if getattr(exc, "wait", None) is not None else "",
            }
            # A specific message raised on purpose (by our code) says more.
            specific = str(exc.detail) != str(exc.default_detail)
            if specific and kind in (exceptions.PermissionDenied, exceptions.NotFound):
                return _detail_code(exc, code), detail
            # A refusal with a code of its own (token_expired) keeps it and its message.
            if kind is exceptions.AuthenticationFailed and _detail_code(exc, code) != code:
                return _detail_code(exc, code), detail
            return code, str(message) % params if "%(" in str(message) else str(message)
    return _detail_code(exc, exc.default_code), detail


def _detail_code(exc: exceptions.APIException, default: str) -> str:
    return getattr(exc.detail, "code", None) or default


@csrf_exempt
def not_found_view(request, *args, **kwargs):
    """JSON 404 for any address under /api/ that matches no route.

    Exempt from CSRF: it changes nothing, and a POST to an unknown address
    must get the JSON 404 too, not Django's HTML CSRF page.
    """
    return JsonResponse(
        error_body("not_found", _("Không có địa chỉ API này.")),
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
