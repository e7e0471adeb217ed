"""Demo data for Thạnh Phú (Bến Tre, now Vĩnh Long): units and officials.

Every agency code here (``000.00.31.H07``…) is an invented DEMO value: well
formed (QCVN 102:2016 shape) and unique, but not the national code of any real
agency. Names of people are invented too. Administrative units themselves
(province, district, communes) come from the vietnam-provinces package.
"""

from __future__ import annotations

import datetime

from congvu.accounts.constants import Role
from congvu.org.constants import UnitKind

#: One password for every demo account; ``make demo`` prints it.
DEMO_PASSWORD = "congvu-demo-2025"

DISTRICT_ERA_START = datetime.date(2018, 1, 1)
DISTRICT_ERA_END = datetime.date(2025, 6, 30)
NEW_ERA_START = datetime.date(2025, 7, 1)

PROVINCE_ADMIN_CODE = "p:86"
PROVINCE_CODE = "000.00.00.H62"  # demo value
OLD_PROVINCE_ADMIN_CODE = "lp:83"  # tỉnh Bến Tre
OLD_PROVINCE_CODE = "000.00.00.H07"  # demo value
DISTRICT_ADMIN_CODE = "ld:837"  # huyện Thạnh Phú
DISTRICT_CODE = "000.00.31.H07"  # demo value

#: The district's agencies 2018–2025 (kind, full name, ký hiệu). Specialised
#: offices follow Decree 108/2020/NĐ-CP; then the bodies under the district
#: People's Committee, the Fatherland Front and mass organisations, and the
#: district Party Committee's bodies, which all sat in the same tree of the
#: district's document system. No Phòng Dân tộc: Bến Tre had too few
#: ethnic-minority residents for one.
DISTRICT_AGENCIES: list[tuple[str, str, str]] = [
    (UnitKind.OFFICE, "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện", "VP"),
    (UnitKind.OFFICE, "Phòng Nội vụ", "PNV"),
    (UnitKind.OFFICE, "Phòng Tư pháp", "PTP"),
    (UnitKind.OFFICE, "Phòng Tài chính - Kế hoạch", "TCKH"),
    (UnitKind.OFFICE, "Phòng Tài nguyên và Môi trường", "TNMT"),
    (UnitKind.OFFICE, "Phòng Lao động - Thương binh và Xã hội", "LĐTBXH"),
    (UnitKind.OFFICE, "Phòng Văn hóa và Thông tin", "VHTT"),
    (UnitKind.OFFICE, "Phòng Giáo dục và Đào tạo", "GDĐT"),
    (UnitKind.OFFICE, "Phòng Y tế", "PYT"),
    (UnitKind.OFFICE, "Thanh tra huyện", "TTr"),
    (UnitKind.OFFICE, "Phòng Kinh tế và Hạ tầng", "KTHT"),
    (UnitKind.OFFICE, "Phòng Nông nghiệp và Phát triển nông thôn", "NNPTNT"),
    (UnitKind.SUBUNIT, "Bộ phận Tiếp nhận và Trả kết quả", "BPMC"),
    (UnitKind.SUBUNIT, "Ban Tiếp công dân huyện", "BTCD"),
    (UnitKind.SUBUNIT, "Trung tâm Văn hóa, Thể thao và Truyền thanh", "TTVHTT"),
    (UnitKind.SUBUNIT, "Trung tâm Y tế huyện", "TTYT"),
    (UnitKind.SUBUNIT, "Ban Quản lý dự án đầu tư xây dựng huyện", "BQLDA"),
    (UnitKind.SUBUNIT, "Trung tâm Phát triển quỹ đất", "TTPTQĐ"),
    (UnitKind.SUBUNIT, "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên", "GDNN-GDTX"),
    (UnitKind.SUBUNIT, "Chi nhánh Văn phòng Đăng ký đất đai huyện Thạnh Phú", "CNĐKĐĐ"),
    (UnitKind.SUBUNIT, "Ban Chỉ huy Quân sự huyện", "BCHQS"),
    (UnitKind.SUBUNIT, "Ủy ban Mặt trận Tổ quốc Việt Nam huyện", "MTTQ"),
    (UnitKind.SUBUNIT, "Hội Nông dân huyện", "HND"),
    (UnitKind.SUBUNIT, "Hội Liên hiệp Phụ nữ huyện", "HLHPN"),
    (UnitKind.SUBUNIT, "Huyện đoàn (Đoàn TNCS Hồ Chí Minh)", "HĐTN"),
    (UnitKind.SUBUNIT, "Hội Cựu chiến binh huyện", "HCCB"),
    (UnitKind.SUBUNIT, "Liên đoàn Lao động huyện", "LĐLĐ"),
    (UnitKind.SUBUNIT, "Hội Chữ thập đỏ huyện", "HCTĐ"),
    (UnitKind.SUBUNIT, "Văn phòng Huyện ủy", "VPHU"),
    (UnitKind.SUBUNIT, "Ban Tổ chức Huyện ủy", "BTCHU"),
    (UnitKind.SUBUNIT, "Ban Tuyên giáo Huyện ủy", "BTGHU"),
    (UnitKind.SUBUNIT, "Ban Dân vận Huyện ủy", "BDVHU"),
    (UnitKind.SUBUNIT, "Ủy ban Kiểm tra Huyện ủy", "UBKTHU"),
    (UnitKind.SUBUNIT, "Trung tâm Chính trị huyện", "TTCT"),
]


def district_agency_code(index: int) -> str:
    """Level-3 code under the district: 000.01.31.H07 … 000.34.31.H07 (demo values)."""
    return f"000.{index:02d}.31.H07"


def district_commune_code(index: int) -> str:
    """Communes of the district: 000.51.31.H07 … (demo values)."""
    return f"000.{50 + index:02d}.31.H07"


#: The 6 communes that replaced huyện Thạnh Phú on 01/07/2025 (package ward codes).
NEW_COMMUNES: list[int] = [29182, 29191, 29194, 29221, 29224, 29227]


def new_commune_code(index: int) -> str:
    """Level-2 code under the new province: 000.00.41.H62 … (demo values)."""
    return f"000.00.{40 + index:02d}.H62"


#: Internal sub-units of a commune from 01/07/2025 (Decree 150/2025/NĐ-CP).
COMMUNE_SUBUNITS: list[tuple[str, str, str]] = [
    (UnitKind.OFFICE, "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã", "VP"),
    (UnitKind.OFFICE, "Phòng Kinh tế", "PKT"),
    (UnitKind.OFFICE, "Phòng Văn hóa - Xã hội", "VHXH"),
    (UnitKind.SUBUNIT, "Trung tâm Phục vụ hành chính công xã", "TTPVHCC"),
]


def commune_subunit_code(commune_index: int, index: int) -> str:
    return f"000.{index:02d}.{40 + commune_index:02d}.H62"


# Where people sit, as references resolved by the loader:
#   ("unit", admin_code)                  an administrative unit;
#   ("agency", short_name)                a district agency;
#   ("sub", ward_code, short_name)        a sub-unit of a new commune.
DISTRICT = ("unit", DISTRICT_ADMIN_CODE)
PROVINCE = ("unit", PROVINCE_ADMIN_CODE)
XA_THANH_PHU = ("unit", "w:29182")
XA_DAI_DIEN = ("unit", "w:29194")

#: (username, full name, [(unit ref, role, title, era)]); era "current" runs
#: from 01/07/2025, "district" from 2018 to 30/06/2025.
OFFICIALS: list[tuple[str, str, list[tuple[tuple, str, str, str]]]] = [
    ("admin", "Trần Quốc Bảo", [(PROVINCE, Role.SYSTEM_ADMIN, "Quản trị hệ thống", "current")]),
    (
        "chutich.thanhphu",
        "Nguyễn Văn Hùng",
        [
            (XA_THANH_PHU, Role.LEADER_HEAD, "Chủ tịch UBND xã", "current"),
            (DISTRICT, Role.LEADER_DEPUTY, "Phó Chủ tịch UBND huyện", "district"),
        ],
    ),
    (
        "phochutich.thanhphu",
        "Lê Thị Mỹ Linh",
        [(XA_THANH_PHU, Role.LEADER_DEPUTY, "Phó Chủ tịch UBND xã", "current")],
    ),
    (
        "vanthu.thanhphu",
        "Phạm Thị Thu Trang",
        [
            (XA_THANH_PHU, Role.CLERK, "Văn thư", "current"),
            (DISTRICT, Role.CLERK, "Văn thư", "district"),
        ],
    ),
    (
        "chuyenvien.thanhphu",
        "Võ Minh Tâm",
        [
            (("sub", 29182, "PKT"), Role.SPECIALIST, "Chuyên viên Phòng Kinh tế", "current"),
            (("agency", "TCKH"), Role.SPECIALIST, "Chuyên viên", "district"),
        ],
    ),
    (
        "tuphap.thanhphu",
        "Lý Thị Thanh Thảo",
        [
            (
                ("sub", 29182, "VP"),
                Role.SPECIALIST,
                "Công chức Tư pháp - Hộ tịch",
                "current",
            )
        ],
    ),
    (
        "motcua.thanhphu",
        "Huỳnh Thị Kim Ngân",
        [
            (
                ("sub", 29182, "TTPVHCC"),
                Role.ONESTOP_OFFICER,
                "Công chức tiếp nhận và trả kết quả",
                "current",
            ),
            (("agency", "BPMC"), Role.ONESTOP_OFFICER, "Công chức Bộ phận Một cửa", "district"),
        ],
    ),
    (
        "quantri.thanhphu",
        "Trương Công Danh",
        [(XA_THANH_PHU, Role.UNIT_ADMIN, "Quản trị hệ thống thông tin xã", "current")],
    ),
    (
        "chutich.daidien",
        "Nguyễn Thanh Sơn",
        [(XA_DAI_DIEN, Role.LEADER_HEAD, "Chủ tịch UBND xã", "current")],
    ),
    (
        "phochutich.daidien",
        "Đặng Văn Lợi",
        [(XA_DAI_DIEN, Role.LEADER_DEPUTY, "Phó Chủ tịch UBND xã", "current")],
    ),
    (
        "vanthu.daidien",
        "Bùi Thị Hồng Nhung",
        [(XA_DAI_DIEN, Role.CLERK, "Văn thư", "current")],
    ),
    (
        "chuyenvien.daidien",
        "Lâm Văn Phúc",
        [
            (
                ("sub", 29194, "VHXH"),
                Role.SPECIALIST,
                "Chuyên viên Phòng Văn hóa - Xã hội",
                "current",
            )
        ],
    ),
    (
        "motcua.daidien",
        "Cao Thị Bích Tuyền",
        [
            (
                ("sub", 29194, "TTPVHCC"),
                Role.ONESTOP_OFFICER,
                "Công chức tiếp nhận và trả kết quả",
                "current",
            )
        ],
    ),
    (
        "chutich.huyen",
        "Đoàn Văn Thắng",
        [(DISTRICT, Role.LEADER_HEAD, "Chủ tịch UBND huyện", "district")],
    ),
    (
        "quantri.huyen",
        "Mai Hoàng Phong",
        [(DISTRICT, Role.UNIT_ADMIN, "Quản trị mạng", "district")],
    ),
]

#: Chủ tịch → Phó Chủ tịch xã Thạnh Phú, this week.
DELEGATION = ("chutich.thanhphu", "phochutich.thanhphu", XA_THANH_PHU)

CITIZEN_EMAIL = "congdan@example.vn"
CITIZEN_NAME = "Nguyễn Thị Hoa"
# The first online applicant of the demo dossiers: her profile fills the online form.
CITIZEN_PHONE = "0912345678"
CITIZEN_ID_NUMBER = "079190001234"
CITIZEN_ADDRESS = "Ấp An Thuận, xã Thạnh Phú"


def official_email(username: str) -> str:
    return f"{username}@example.vn"
