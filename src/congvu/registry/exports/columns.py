"""The Appendix IV columns of the three registers, in order (regulations §1.6)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

INCOMING = "den"
OUTGOING = "di"
TRACKING = "theo-doi"

KINDS = (INCOMING, OUTGOING, TRACKING)

TITLES = {
    INCOMING: _("Sổ đăng ký văn bản đến"),
    OUTGOING: _("Sổ đăng ký văn bản đi"),
    TRACKING: _("Sổ theo dõi giải quyết văn bản đến"),
}

COLUMNS = {
    INCOMING: [
        _("Ngày đến"),
        _("Số đến"),
        _("Tác giả"),
        _("Số, ký hiệu"),
        _("Ngày tháng văn bản"),
        _("Tên loại và trích yếu nội dung"),
        _("Đơn vị hoặc người nhận"),
        _("Ngày chuyển"),
        _("Ký nhận"),
        _("Ghi chú"),
    ],
    OUTGOING: [
        _("Số, ký hiệu văn bản"),
        _("Ngày tháng văn bản"),
        _("Tên loại và trích yếu nội dung"),
        _("Người ký"),
        _("Nơi nhận văn bản"),
        _("Đơn vị, người nhận bản lưu"),
        _("Số lượng bản"),
        _("Ngày chuyển"),
        _("Ký nhận"),
        _("Ghi chú"),
    ],
    TRACKING: [
        _("Số đến"),
        _("Tên loại, số, ký hiệu, ngày tháng, cơ quan ban hành"),
        _("Đơn vị hoặc người nhận"),
        _("Thời hạn giải quyết"),
        _("Tiến độ giải quyết"),
        _("Số, ký hiệu văn bản trả lời"),
        _("Ghi chú"),
    ],
}

#: Relative widths (Excel characters; the PDF uses them as proportions).
WIDTHS = {
    INCOMING: [13, 7, 22, 17, 13, 38, 22, 13, 10, 12],
    OUTGOING: [17, 13, 40, 18, 28, 18, 8, 13, 10, 12],
    TRACKING: [8, 44, 26, 13, 24, 18, 16],
}
