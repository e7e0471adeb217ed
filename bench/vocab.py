"""Vietnamese vocabulary for generated documents: names, topics, places, issuers.

Patterns follow real trích yếu of a commune/district People's Committee
(Decree 30/2020 Appendix I: "V/v …" for công văn, the type name for the others).
"""

from __future__ import annotations

FAMILY_NAMES = [
    "Nguyễn",
    "Nguyễn",
    "Nguyễn",
    "Trần",
    "Trần",
    "Lê",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Võ",
    "Phan",
    "Trương",
    "Bùi",
    "Đặng",
    "Đỗ",
    "Ngô",
    "Hồ",
    "Dương",
    "Lý",
    "Đoàn",
    "Lâm",
    "Mai",
    "Tô",
    "Châu",
    "Thái",
    "Cao",
    "Hà",
    "La",
    "Kiều",
]
MIDDLE_NAMES = (
    "Văn", "Văn", "Thị", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Quốc", "Hữu", "Thị Kim",
    "Thị Thu", "Công", "Đức", "Tấn", "Thị Mỹ", "Chí", "Trọng", "Phước", "Thị Ngọc",
)  # fmt: skip
GIVEN_NAMES = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiền",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Hương",
    "Khang",
    "Khoa",
    "Lan",
    "Linh",
    "Lộc",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Nghĩa",
    "Ngân",
    "Nhân",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quang",
    "Quân",
    "Sơn",
    "Tâm",
    "Tân",
    "Thảo",
    "Thành",
    "Thắng",
    "Thủy",
    "Tiến",
    "Toàn",
    "Trang",
    "Trí",
    "Trung",
    "Tuấn",
    "Tùng",
    "Uyên",
    "Vân",
    "Việt",
    "Vinh",
    "Xuân",
    "Yến",
    "Đạt",
    "Định",
    "Điền",
    "Đông",
]

ACTIONS = (
    "triển khai thực hiện", "tăng cường công tác", "đẩy mạnh", "tổ chức kiểm tra",
    "báo cáo kết quả", "rà soát, cập nhật", "hướng dẫn thực hiện", "góp ý dự thảo",
    "đôn đốc thực hiện", "tổng kết công tác", "chấn chỉnh công tác", "thành lập Tổ công tác",
    "phân bổ kinh phí", "bố trí vốn",
)  # fmt: skip
TOPICS = (
    "phòng, chống dịch sốt xuất huyết", "phòng chống dịch tả lợn châu Phi",
    "phòng, chống thiên tai và tìm kiếm cứu nạn", "phòng chống hạn hán, xâm nhập mặn",
    "xây dựng nông thôn mới nâng cao", "chuyển đổi số và Đề án 06", "cải cách hành chính",
    "giải quyết thủ tục hành chính trên Cổng dịch vụ công", "cấp giấy chứng nhận quyền sử dụng đất",
    "quản lý, sử dụng đất công", "an toàn vệ sinh thực phẩm", "bảo hiểm y tế hộ gia đình",
    "tuyển chọn và gọi công dân nhập ngũ", "phổ cập giáo dục, xóa mù chữ", "tiêm chủng mở rộng",
    "giảm nghèo bền vững", "chi trả trợ cấp bảo trợ xã hội", "thu ngân sách nhà nước",
    "giải ngân vốn đầu tư công", "sửa chữa đường giao thông nông thôn", "nạo vét kênh thủy lợi nội đồng",
    "phòng cháy, chữa cháy và cứu nạn, cứu hộ", "bảo đảm an ninh trật tự", "tiếp công dân định kỳ",
    "giải quyết khiếu nại, tố cáo", "chuyển đổi cơ cấu cây trồng trên đất lúa", "trồng dừa hữu cơ",
    "nuôi tôm công nghiệp", "sạt lở bờ sông", "vệ sinh môi trường và thu gom rác thải",
    "hiến máu tình nguyện", "khuyến học, khuyến tài", "đền ơn đáp nghĩa", "bầu cử đại biểu Hội đồng nhân dân",
    "kiểm kê đất đai", "điều tra hộ nghèo, hộ cận nghèo", "quản lý trật tự xây dựng",
    "phòng, chống tác hại của thuốc lá", "thi đua, khen thưởng", "đào tạo, bồi dưỡng cán bộ, công chức",
)  # fmt: skip
PERIODS = (
    "6 tháng đầu năm", "quý I", "quý II", "quý III", "quý IV", "tháng 9", "năm",
    "9 tháng đầu năm",
)  # fmt: skip
HAMLETS = (
    "ấp An Thuận", "ấp An Hòa", "ấp Thạnh Hòa", "ấp Giồng Lớn", "ấp Phú Hữu", "ấp Bình Thạnh",
    "ấp Tân Thành", "ấp Mỹ An", "ấp Thạnh Mỹ", "ấp Hòa Lợi", "ấp An Định", "ấp Phước Hậu",
)  # fmt: skip
EXTERNAL_ISSUERS = (
    ("Sở Nông nghiệp và Môi trường tỉnh Vĩnh Long", "SNNMT"),
    ("Sở Tài chính tỉnh Vĩnh Long", "STC"),
    ("Sở Nội vụ tỉnh Vĩnh Long", "SNV"),
    ("Sở Y tế tỉnh Vĩnh Long", "SYT"),
    ("Sở Giáo dục và Đào tạo tỉnh Vĩnh Long", "SGDĐT"),
    ("Công an tỉnh Vĩnh Long", "CAT"),
    ("Bảo hiểm xã hội tỉnh Vĩnh Long", "BHXH"),
    ("Bộ Chỉ huy Quân sự tỉnh Vĩnh Long", "BCH"),
    ("Văn phòng Ủy ban nhân dân tỉnh Vĩnh Long", "VP"),
    ("Ủy ban nhân dân tỉnh Vĩnh Long", "UBND"),
    ("Kho bạc Nhà nước khu vực XX", "KBNN"),
    ("Điện lực Thạnh Phú", "ĐLTP"),
)
SIGNER_TITLES = ("Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Phó Giám đốc", "Chánh Văn phòng")
DEPARTMENT_CODES = ("VP", "KT", "VHXH", "TCKH", "NV", "TP")


def person(rng) -> str:
    """A Vietnamese full name: family, middle and given name."""
    return " ".join((rng.choice(FAMILY_NAMES), rng.choice(MIDDLE_NAMES), rng.choice(GIVEN_NAMES)))
