"""Write ``documents.json``: a synthetic corpus of Vietnamese administrative documents.

Deterministic (seeded): ``python tests/search/corpus/generate.py`` rewrites the same
file. The texts are composed from sentence patterns of real văn bản hành chính
(căn cứ, Điều 1…, nơi nhận) so that most documents share the common syllables
(ủy ban, nhân dân, thực hiện, văn bản, năm…) and a query that is a plain AND of
folded syllables matches most of them; topics deliberately sit close together
(several "phòng, chống dịch" or "thi hành án" documents, "nhiễm"/"nhiệm").
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 12
OUT = Path(__file__).with_name("documents.json")

PLACES = ["Thạnh Phú", "Bình Đại", "Mỏ Cày Nam", "Châu Thành", "Giồng Trôm", "Ba Tri", "Chợ Lách"]
SIGNERS = [
    ("Đặng Văn Thành", "Chủ tịch"),
    ("Nguyễn Thị Hồng Nhung", "Phó Chủ tịch"),
    ("Trần Quốc Toản", "Giám đốc"),
    ("Lê Minh Trí", "Phó Giám đốc"),
    ("Phạm Thị Thu Hà", "Chánh Văn phòng"),
    ("Võ Thanh Liêm", "Cục trưởng"),
    ("Huỳnh Ngọc Ánh", "Trưởng phòng"),
    ("Bùi Đức Nghĩa", "Phó Chủ tịch"),
]

# topic: (issuer pattern, notation suffix, subject patterns, topic sentences)
TOPICS = {
    "dat-dai": (
        "Ủy ban nhân dân huyện {p}",
        "QĐ-UBND",
        [
            "Về việc thu hồi đất để thực hiện dự án mở rộng đường giao thông nông thôn xã {p}",
            "Về việc cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân",
            "Về việc phê duyệt phương án bồi thường, hỗ trợ và tái định cư khu dân cư {p}",
            "Về việc điều chỉnh bảng giá đất ở tại nông thôn trên địa bàn huyện {p}",
            "V/v giải quyết đơn tranh chấp ranh giới thửa đất của ông Nguyễn Văn Tám",
        ],
        [
            "Phòng Tài nguyên và Môi trường chủ trì, phối hợp với Ủy ban nhân dân xã rà soát hiện trạng sử dụng đất, đo đạc, lập bản đồ địa chính thửa đất.",
            "Việc thu hồi đất phải được công khai, minh bạch, bảo đảm quyền và lợi ích hợp pháp của người sử dụng đất theo quy định của Luật Đất đai.",
            "Người sử dụng đất có trách nhiệm bàn giao mặt bằng đúng thời hạn sau khi nhận đủ tiền bồi thường, hỗ trợ.",
            "Hồ sơ đề nghị cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất được tiếp nhận tại Bộ phận Một cửa.",
            "Trường hợp có tranh chấp, Ủy ban nhân dân cấp xã tổ chức hòa giải tại cơ sở trong thời hạn 45 ngày.",
        ],
    ),
    "xay-dung": (
        "Sở Xây dựng tỉnh Bến Tre",
        "SXD-QLXD",
        [
            "Về việc cấp giấy phép xây dựng nhà ở riêng lẻ tại đô thị",
            "V/v tăng cường quản lý trật tự xây dựng trên địa bàn tỉnh",
            "Về việc thẩm định báo cáo kinh tế - kỹ thuật công trình trường tiểu học {p}",
            "V/v kiểm tra công tác nghiệm thu hoàn thành công trình nhà văn hóa xã {p}",
        ],
        [
            "Chủ đầu tư chịu trách nhiệm về chất lượng công trình, tổ chức nghiệm thu theo quy định của Luật Xây dựng và Nghị định hướng dẫn thi hành.",
            "Các công trình xây dựng không phép, sai phép phải được phát hiện, lập biên bản và xử lý kịp thời, dứt điểm.",
            "Hồ sơ thiết kế phải được thẩm định trước khi phê duyệt; dự toán xây dựng được xác định theo đơn giá hiện hành.",
            "Đơn vị thi công có trách nhiệm bảo đảm an toàn lao động, vệ sinh môi trường trong suốt quá trình thi công.",
        ],
    ),
    "y-te": (
        "Sở Y tế tỉnh Bến Tre",
        "SYT-NVY",
        [
            "V/v tăng cường công tác phòng, chống dịch sốt xuất huyết trên địa bàn tỉnh",
            "Về việc triển khai chiến dịch tiêm chủng vắc xin sởi - rubella cho trẻ em",
            "V/v giám sát, phát hiện sớm và cách ly ca bệnh truyền nhiễm tại cộng đồng",
            "V/v phòng, chống bệnh tay chân miệng trong trường học và cơ sở giáo dục mầm non",
            "Về việc kiện toàn Ban Chỉ đạo phòng, chống dịch bệnh truyền nhiễm huyện {p}",
        ],
        [
            "Trung tâm Y tế huyện tổ chức giám sát dịch tễ, phát hiện sớm ca bệnh, khoanh vùng và xử lý triệt để ổ dịch, không để dịch lan rộng.",
            "Các trạm y tế xã thực hiện báo cáo ca bệnh truyền nhiễm theo quy định, cập nhật số liệu hằng ngày lên hệ thống giám sát.",
            "Tăng cường truyền thông để người dân chủ động diệt lăng quăng, bọ gậy, vệ sinh môi trường và đến cơ sở y tế khi có triệu chứng.",
            "Bảo đảm đủ thuốc, hóa chất, vật tư y tế phục vụ công tác phòng, chống dịch và thu dung, điều trị người bệnh.",
        ],
    ),
    "giao-duc": (
        "Sở Giáo dục và Đào tạo tỉnh Bến Tre",
        "SGDĐT-GDTrH",
        [
            "V/v hướng dẫn thực hiện nhiệm vụ giáo dục trung học năm học 2026 - 2027",
            "Về việc tổ chức kỳ thi chọn học sinh giỏi cấp tỉnh lớp 12",
            "V/v tuyển sinh vào lớp 10 trung học phổ thông năm học 2026 - 2027",
            "V/v rà soát cơ sở vật chất, thiết bị dạy học chuẩn bị năm học mới",
        ],
        [
            "Các trường trung học xây dựng kế hoạch giáo dục nhà trường theo hướng phát triển phẩm chất, năng lực học sinh.",
            "Hiệu trưởng chịu trách nhiệm tổ chức thực hiện chương trình giáo dục phổ thông, bảo đảm chất lượng dạy và học.",
            "Phòng Giáo dục và Đào tạo tổng hợp số liệu, báo cáo kết quả về Sở trước ngày 15 hằng tháng.",
            "Tăng cường kiểm tra nội bộ, đổi mới phương pháp dạy học và đánh giá học sinh.",
        ],
    ),
    "thi-hanh-an": (
        "Chi cục Thi hành án dân sự huyện {p}",
        "CCTHADS",
        [
            "Về việc thi hành án đối với khoản thu tiền án phí dân sự sơ thẩm",
            "V/v phối hợp cưỡng chế kê biên quyền sử dụng đất để thi hành án",
            "Về việc hoãn thi hành án đối với người phải thi hành án đang điều trị bệnh",
            "V/v báo cáo kết quả thi hành án dân sự 6 tháng đầu năm 2026",
            "Về việc ủy thác thi hành án cho Chi cục Thi hành án dân sự huyện {p}",
        ],
        [
            "Chấp hành viên xác minh điều kiện thi hành án của người phải thi hành án, lập biên bản xác minh theo quy định.",
            "Văn phòng Chi cục Thi hành án dân sự thông báo quyết định thi hành án cho đương sự trong thời hạn 03 ngày làm việc.",
            "Việc cưỡng chế thi hành án được thực hiện khi người phải thi hành án có điều kiện nhưng không tự nguyện thi hành.",
            "Tiền thu được từ việc bán đấu giá tài sản được thanh toán theo thứ tự quy định tại Luật Thi hành án dân sự.",
        ],
    ),
    "van-phong": (
        "Văn phòng Ủy ban nhân dân tỉnh Bến Tre",
        "VP-TH",
        [
            "V/v thông báo kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp giao ban tháng 5",
            "V/v chuẩn bị nội dung phiên họp thường kỳ Ủy ban nhân dân tỉnh tháng 6",
            "Về việc ban hành Quy chế làm việc của Văn phòng Ủy ban nhân dân tỉnh",
            "V/v triển khai sử dụng chữ ký số trong gửi, nhận văn bản điện tử",
        ],
        [
            "Văn phòng Ủy ban nhân dân tỉnh theo dõi, đôn đốc các sở, ban, ngành thực hiện nhiệm vụ được giao, báo cáo kết quả về Chủ tịch.",
            "Văn bản điện tử gửi, nhận qua hệ thống quản lý văn bản phải được ký số theo quy định, bảo đảm giá trị pháp lý như văn bản giấy.",
            "Các đơn vị cử đại diện lãnh đạo dự họp, chuẩn bị ý kiến bằng văn bản gửi trước ba ngày làm việc.",
            "Bộ phận văn thư có trách nhiệm đăng ký, trình, chuyển giao văn bản đến kịp thời, đúng người, đúng việc.",
        ],
    ),
    "tai-chinh": (
        "Sở Tài chính tỉnh Bến Tre",
        "STC-NS",
        [
            "V/v hướng dẫn xây dựng dự toán ngân sách nhà nước năm 2027",
            "Về việc bổ sung kinh phí có mục tiêu cho ngân sách huyện {p}",
            "V/v quyết toán ngân sách xã năm 2025 và công khai tài chính",
            "V/v thực hành tiết kiệm, chống lãng phí trong sử dụng kinh phí thường xuyên",
        ],
        [
            "Các đơn vị dự toán lập dự toán thu, chi ngân sách đúng mẫu biểu, gửi cơ quan tài chính cùng cấp đúng thời hạn.",
            "Kho bạc Nhà nước kiểm soát chi chặt chẽ, bảo đảm các khoản chi đúng chế độ, định mức và trong phạm vi dự toán được giao.",
            "Việc quyết toán ngân sách phải bảo đảm đầy đủ chứng từ, số liệu khớp đúng giữa đơn vị sử dụng ngân sách và Kho bạc.",
            "Thủ trưởng đơn vị chịu trách nhiệm về việc quản lý, sử dụng kinh phí được giao tiết kiệm, hiệu quả.",
        ],
    ),
    "nong-nghiep": (
        "Sở Nông nghiệp và Môi trường tỉnh Bến Tre",
        "SNNMT-TTBVTV",
        [
            "V/v phòng, chống hạn hán, xâm nhập mặn mùa khô năm 2026",
            "Về việc hỗ trợ giống lúa cho hộ nông dân bị thiệt hại do thiên tai",
            "V/v phòng, chống bệnh dịch tả heo châu Phi trên địa bàn tỉnh",
            "V/v hướng dẫn chuyển đổi cơ cấu cây trồng trên đất trồng lúa kém hiệu quả",
        ],
        [
            "Ủy ban nhân dân các xã theo dõi sát diễn biến độ mặn, hướng dẫn nông dân trữ nước ngọt, điều chỉnh lịch thời vụ phù hợp.",
            "Chi cục Chăn nuôi và Thú y tổ chức tiêm phòng, tiêu độc khử trùng chuồng trại, kiểm soát vận chuyển động vật.",
            "Hộ nông dân bị thiệt hại được hỗ trợ theo mức quy định, hồ sơ được niêm yết công khai tại trụ sở ấp.",
            "Khuyến khích liên kết sản xuất, ứng dụng khoa học kỹ thuật để nâng cao giá trị sản phẩm nông nghiệp.",
        ],
    ),
    "ho-tich": (
        "Ủy ban nhân dân xã {p}",
        "UBND-TP",
        [
            "V/v đăng ký khai sinh, đăng ký kết hôn trực tuyến mức độ toàn trình",
            "Về việc cấp bản sao trích lục hộ tịch từ sổ hộ tịch",
            "V/v rà soát, số hóa sổ hộ tịch lưu trữ tại Ủy ban nhân dân xã",
            "V/v xác nhận tình trạng hôn nhân cho công dân cư trú trên địa bàn",
        ],
        [
            "Công chức tư pháp - hộ tịch tiếp nhận hồ sơ, kiểm tra thông tin trên Cơ sở dữ liệu hộ tịch điện tử và Cơ sở dữ liệu quốc gia về dân cư.",
            "Việc đăng ký hộ tịch phải bảo đảm đúng thẩm quyền, đúng thủ tục, thời hạn theo quy định của Luật Hộ tịch.",
            "Sổ hộ tịch được lưu trữ, bảo quản vĩnh viễn; việc số hóa phải bảo đảm chính xác, đầy đủ thông tin.",
            "Người yêu cầu đăng ký hộ tịch nộp hồ sơ trực tiếp tại Bộ phận Một cửa hoặc qua Cổng Dịch vụ công quốc gia.",
        ],
    ),
    "noi-vu": (
        "Sở Nội vụ tỉnh Bến Tre",
        "SNV-CCVC",
        [
            "V/v đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm 2026",
            "Về việc bổ nhiệm lại chức vụ Trưởng phòng Tài chính - Kế hoạch huyện {p}",
            "V/v thực hiện chế độ thôi việc đối với công chức cấp xã dôi dư",
            "V/v báo cáo công tác cải cách hành chính quý II năm 2026",
        ],
        [
            "Việc đánh giá cán bộ, công chức phải căn cứ vào kết quả thực hiện nhiệm vụ được giao, bảo đảm khách quan, công bằng.",
            "Người được bổ nhiệm lại phải đáp ứng tiêu chuẩn, điều kiện của chức vụ và hoàn thành nhiệm vụ trong thời hạn giữ chức vụ.",
            "Các cơ quan, đơn vị tổng hợp danh sách, hồ sơ đề nghị, gửi Sở Nội vụ thẩm định trước khi trình Ủy ban nhân dân tỉnh.",
            "Đẩy mạnh cải cách thủ tục hành chính, nâng cao chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan nhà nước.",
        ],
    ),
}

GENERIC = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Xét đề nghị của Trưởng phòng chuyên môn tại Tờ trình ngày {d} tháng {m} năm 2026.",
    "Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành văn bản này kể từ ngày ký.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị kịp thời phản ánh bằng văn bản để được hướng dẫn, giải quyết.",
    "Giao Văn phòng theo dõi, đôn đốc, tổng hợp kết quả thực hiện, báo cáo Ủy ban nhân dân trước ngày {d} tháng {m} năm 2026.",
    "Các cơ quan, đơn vị nghiêm túc triển khai thực hiện, bảo đảm đúng tiến độ và hiệu quả, không để xảy ra sai sót.",
    "Ủy ban nhân dân các xã, thị trấn có trách nhiệm phối hợp thực hiện nhiệm vụ được giao và báo cáo kết quả định kỳ hằng quý.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước theo phân cấp hiện hành và các nguồn huy động hợp pháp khác.",
    "Công chức được giao nhiệm vụ phải thực hiện đúng quy trình, công khai kết quả giải quyết trên Cổng thông tin điện tử.",
    "Đề nghị các đơn vị quan tâm phối hợp thực hiện, gửi báo cáo về cơ quan chủ trì để tổng hợp, báo cáo cấp có thẩm quyền.",
    "Người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước Chủ tịch Ủy ban nhân dân nếu để chậm trễ, thiếu trách nhiệm.",
]

OPENINGS = [
    "QUYẾT ĐỊNH:",
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh,",
    "Để thực hiện có hiệu quả nhiệm vụ năm 2026,",
]


def _citation(rng: random.Random, doc: dict) -> str:
    subject = doc["subject"]
    for prefix in ("Về việc ", "V/v "):
        subject = subject.removeprefix(prefix)
    verb = rng.choice(["Thực hiện", "Căn cứ", "Tiếp theo", "Triển khai"])
    return (
        f"{verb} Văn bản số {doc['number_notation']} ngày {doc['date'][8:]}/{doc['date'][5:7]}/"
        f"{doc['date'][:4]} của {doc['issuer']} về việc {subject[0].lower()}{subject[1:]}."
    )


def _body(rng: random.Random, doc: dict, signer, cited: list[dict]) -> str:
    topic, subject, issuer, number = (
        doc["topic"],
        doc["subject"],
        doc["issuer"],
        doc["number_notation"],
    )
    own = TOPICS[topic][3]
    others = [s for t, v in TOPICS.items() if t != topic for s in v[3]]
    lines = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        issuer.upper(),
        f"Số: {number}",
        subject,
    ]
    lines += [s.format(d=rng.randint(1, 28), m=rng.randint(1, 12)) for s in rng.sample(GENERIC, 3)]
    # Real texts cite the documents they carry out: their numbers and subjects.
    lines += [_citation(rng, c) for c in cited]
    lines.append(rng.choice(OPENINGS))
    article, size = 1, rng.randint(3200, 9000)
    while sum(len(x) for x in lines) < size:
        picks = rng.sample(own, 2) + rng.sample(others, 1) + rng.sample(GENERIC, 1)
        rng.shuffle(picks)
        text = " ".join(p.format(d=rng.randint(1, 28), m=rng.randint(1, 12)) for p in picks)
        lines.append(f"Điều {article}. {text}")
        article += 1
    lines += [
        "Nơi nhận:",
        "- Như Điều 3;",
        "- Lưu: VT.",
        f"{signer[1].upper()}",
        signer[0],
    ]
    return "\n".join(lines)


def generate() -> list[dict]:
    rng = random.Random(SEED)
    docs = []
    number = 100
    for round_ in range(2):
        for topic, (issuer_p, suffix, subjects, _sentences) in TOPICS.items():
            for subject_p in subjects:
                place = rng.choice(PLACES)
                subject = subject_p.format(p=place)
                if round_ == 1:
                    # The same matter a year apart or for another place: near-duplicates.
                    other = rng.choice([p for p in PLACES if p != place])
                    subject = subject_p.format(p=other).replace("2026 - 2027", "{school}")
                    subject = subject.replace("2026", "2025").format(school="2025 - 2026")
                    if subject == subject_p.format(p=place):
                        subject = f"{subject} trên địa bàn huyện {other}"
                issuer = issuer_p.format(p=rng.choice(PLACES))
                signer = rng.choice(SIGNERS)
                number += rng.randint(1, 37)
                notation = f"{number}/{suffix}"
                year = 2025 if round_ == 1 else 2026
                date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                docs.append(
                    {
                        "number_notation": notation,
                        "subject": subject,
                        "issuer": issuer,
                        "signer": signer[0],
                        "signer_title": signer[1],
                        "date": date,
                        "topic": topic,
                    }
                )
    for doc in docs:
        same = [d for d in docs if d["topic"] == doc["topic"] and d is not doc]
        others = [d for d in docs if d["topic"] != doc["topic"]]
        cited = rng.sample(same, 2) + rng.sample(others, rng.randint(1, 3))
        signer = (doc["signer"], doc.pop("signer_title"))
        doc["body"] = _body(rng, doc, signer, cited)
    return docs


if __name__ == "__main__":
    documents = generate()
    OUT.write_text(json.dumps(documents, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(documents)} documents → {OUT.name}")
