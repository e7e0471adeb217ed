"""OpenAPI generation: every operation documents its error responses.

Set as DRF's ``DEFAULT_SCHEMA_CLASS`` so endpoints added later get the
``Error`` component on their 4xx responses without anyone remembering.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import AllowAny

from .errors import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": _("Dữ liệu không hợp lệ (code: invalid hoặc mã nghiệp vụ), lỗi nêu tên trường."),
    "401": _("Chưa đăng nhập hoặc thiếu mã truy cập (code: not_authenticated)."),
    "403": _("Không có quyền (code: permission_denied)."),
    "404": _("Không tìm thấy hoặc nằm ngoài phạm vi được xem (code: not_found)."),
    "409": _("Trạng thái hiện tại không cho phép thao tác (code: transition_not_allowed…)."),
    "415": _("Kiểu nội dung (Content-Type) không được hỗ trợ (code: unsupported_media_type)."),
    "429": _("Quá nhiều yêu cầu (code: throttled); thử lại sau số giây trong tiêu đề Retry-After."),
}


class AutoSchema(openapi.AutoSchema):
    def get_description(self):
        # Docstrings are written for developers, in English; the API reference
        # shows only the Vietnamese text given with @extend_schema(description=…).
        return ""

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        schema.pop("description", None)  # a serializer docstring, see get_description()
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self._error_statuses():
            if status not in responses:
                response = self._get_response_for_code(ErrorSerializer, status, direction=direction)
                response["description"] = str(ERROR_DESCRIPTIONS[status])
                responses[status] = response
        return responses

    def _error_statuses(self) -> list[str]:
        statuses = []
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        if writes or self._get_filter_parameters() or self._has_query_parameters():
            statuses.append("400")
        public = all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if not public:
            statuses += ["401", "403"]
        if "{" in self.path:
            statuses.append("404")
        if writes and "{" in self.path:
            statuses.append("409")
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.append("415")  # a body in a Content-Type the parsers do not read
        if self.view.get_throttles():
            statuses.append("429")
        return statuses

    def _has_query_serializer(self) -> bool:
        return self._filter_serializer() is not None

    def _has_query_parameters(self) -> bool:
        """Whether the operation reads query parameters (a filter serializer or declared ones):
        a bad value in one is answered 400, so the 400 must be documented."""
        if self._has_query_serializer():
            return True
        for parameter in self.get_override_parameters():
            if isinstance(parameter, OpenApiParameter):
                if parameter.location == OpenApiParameter.QUERY:
                    return True
            else:
                return True  # a serializer (class or instance) of query parameters
        return False

    def _filter_serializer(self):
        """Query parameters of list actions come from the view's ``filter_serializer_class``."""
        if getattr(self.view, "action", None) != "list":
            return None
        return getattr(self.view, "filter_serializer_class", None)

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        filters = self._filter_serializer()
        return [filters, *parameters] if filters is not None else parameters


class EmailFieldExtension(OpenApiSerializerFieldExtension):
    """E-mail fields whose model allows blank: "" is a valid value, though not an email format.

    DRF drops ``allow_blank`` from read-only fields, so drf-spectacular cannot
    tell; every read-only e-mail is documented as possibly empty.
    """

    target_class = "rest_framework.fields.EmailField"

    def map_serializer_field(self, auto_schema, direction):
        if self.target.read_only:
            return {
                "oneOf": [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}]
            }
        # Writable: drf-spectacular adds the empty alternative itself when allow_blank.
        return {"type": "string", "format": "email"}


class BlankChoiceFieldExtension(OpenApiSerializerFieldExtension):
    """Read-only choice fields whose model column may be blank or null.

    DRF drops ``allow_blank`` from read-only fields of a ModelSerializer, so the
    generated enum would leave out the "" a row may hold (a step without an
    outcome yet). The model field says what the column can hold.
    """

    target_class = "rest_framework.fields.ChoiceField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        model_field = _model_field(field) if field.read_only else None
        if model_field is not None:
            field.allow_blank = field.allow_blank or bool(getattr(model_field, "blank", False))
            field.allow_null = field.allow_null or bool(getattr(model_field, "null", False))
        return auto_schema._map_serializer_field(field, direction, bypass_extensions=True)


def _model_field(field):
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        return model._meta.get_field(field.source)
    except Exception:  # noqa: BLE001 - a property or method, not a column
        return None
