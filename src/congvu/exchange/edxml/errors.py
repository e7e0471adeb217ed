"""Refusals of an edXML package: a stable machine code and a Vietnamese reason."""

from __future__ import annotations

from django.utils.translation import gettext as _

from congvu.core.errors import ServiceError


class EdXMLError(ServiceError):
    """A package refused. ``code`` is stable (``edxml_malformed``, ``edxml_missing_field:From``…)."""

    status = 422


def malformed(detail: str = "") -> EdXMLError:
    message = _("Gói tin edXML không đúng cấu trúc XML.")
    if detail:
        message = f"{message} ({detail})"
    return EdXMLError(message, code="edxml_malformed", field="package")


def missing(name: str) -> EdXMLError:
    return EdXMLError(
        _("Gói tin edXML thiếu thông tin bắt buộc: %(name)s.") % {"name": name},
        code=f"edxml_missing_field:{name}",
        field="package",
    )


def bad_value(name: str, value: str) -> EdXMLError:
    return EdXMLError(
        _("Giá trị của %(name)s trong gói tin edXML không hợp lệ: “%(value)s”.")
        % {"name": name, "value": value[:80]},
        code=f"edxml_bad_value:{name}",
        field="package",
    )


def bad_agency_code(name: str, value: str) -> EdXMLError:
    return EdXMLError(
        _(
            "Mã định danh cơ quan ở %(name)s không đúng dạng 13 ký tự theo QCVN 102:2016 "
            "(ví dụ 000.00.31.H57): “%(value)s”."
        )
        % {"name": name, "value": value[:40]},
        code="edxml_bad_agency_code",
        field="package",
    )


def too_large(limit: int) -> EdXMLError:
    return EdXMLError(
        _("Gói tin edXML vượt dung lượng cho phép (%(mb)s MB).")
        % {"mb": f"{limit / (1024 * 1024):g}"},
        code="edxml_too_large",
        field="package",
    )


def forbidden_dtd() -> EdXMLError:
    return EdXMLError(
        _("Gói tin edXML có khai báo DTD hoặc thực thể (entity), không được chấp nhận."),
        code="edxml_dtd_forbidden",
        field="package",
    )


def too_deep(limit: int) -> EdXMLError:
    return EdXMLError(
        _("Gói tin edXML lồng nhau quá %(n)s cấp.") % {"n": limit},
        code="edxml_too_deep",
        field="package",
    )


def not_edxml(root: str) -> EdXMLError:
    return EdXMLError(
        _("Tệp nhận được không phải gói tin edXML (phần tử gốc là “%(root)s”).")
        % {"root": root[:60]},
        code="edxml_not_edxml",
        field="package",
    )


def attachment_corrupt(name: str) -> EdXMLError:
    return EdXMLError(
        _("Tệp đính kèm “%(name)s” trong gói tin edXML bị hỏng (không giải mã được Base64).")
        % {"name": name[:120]},
        code="edxml_attachment_corrupt",
        field="package",
    )


def attachment_missing(content_id: str) -> EdXMLError:
    return EdXMLError(
        _("Danh mục (manifest) của gói tin nêu tệp %(cid)s nhưng gói tin không có tệp đó.")
        % {"cid": content_id[:120]},
        code="edxml_attachment_missing",
        field="package",
    )


def signature_invalid(detail: str = "") -> EdXMLError:
    message = _("Chữ ký số của gói tin edXML không hợp lệ: nội dung đã bị thay đổi sau khi ký.")
    if detail:
        message = f"{message} ({detail[:160]})"
    return EdXMLError(message, code="edxml_signature_invalid", field="package")


def signature_untrusted() -> EdXMLError:
    return EdXMLError(
        _("Chứng thư số ký gói tin edXML không thuộc chứng thư gốc tin cậy nào đã cấu hình."),
        code="edxml_signature_untrusted",
        field="package",
    )


def signature_missing() -> EdXMLError:
    return EdXMLError(
        _("Gói tin edXML chưa được ký số."), code="edxml_signature_missing", field="package"
    )
