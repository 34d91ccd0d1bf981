"""The program catalogue of the 2022 revision (after the 13th Party Congress), as domain.md lists it.

Loaded by a data migration; kept here so that the demo data, the tests and the import template agree.
"""

import datetime

REVISION_2022 = datetime.date(2021, 1, 1)

# (order, code, official name, phrase the briefing uses)
PROGRAMS = [
    (
        1,
        "KND",
        "Bồi dưỡng nhận thức về Đảng (lớp đối tượng kết nạp Đảng)",
        "bồi dưỡng đối tượng kết nạp Đảng",
    ),
    (2, "DVM", "Bồi dưỡng lý luận chính trị dành cho đảng viên mới", "bồi dưỡng đảng viên mới"),
    (
        3,
        "BTCB",
        "Bồi dưỡng công tác đảng cho bí thư chi bộ và cấp ủy viên ở cơ sở",
        "bồi dưỡng bí thư chi bộ, cấp ủy viên cơ sở",
    ),
    (4, "DT", "Bồi dưỡng công tác đoàn thể (Mặt trận, Đoàn, Hội)", "bồi dưỡng công tác đoàn thể"),
    (
        5,
        "CD",
        "Bồi dưỡng các chương trình chuyên đề (tôn giáo, dân tộc, hội nhập, Chỉ thị 05...)",
        "bồi dưỡng các chương trình chuyên đề",
    ),
    (6, "NVTG", "Bồi dưỡng nghiệp vụ tuyên giáo", "bồi dưỡng nghiệp vụ tuyên giáo"),
    (7, "CNKT", "Bồi dưỡng cập nhật kiến thức", "bồi dưỡng cập nhật kiến thức"),
    (
        8,
        "TCLL",
        "Trung cấp lý luận chính trị - hành chính, phối hợp với Trường Chính trị tỉnh",
        "trung cấp lý luận chính trị - hành chính",
    ),
    (9, "NQ", "Học tập, quán triệt nghị quyết, chỉ thị của Đảng", "học tập, quán triệt nghị quyết, chỉ thị"),
]

# -- the 2025 version: the five groups of the Quy chế bồi dưỡng, giảng dạy (Quyết định 1147-QĐ/BTGDVTW) ----------
# The programs above end the day before; a class offers only the programs in force on its start date.
REVISION_2025 = datetime.date(2025, 12, 1)
REVISION_2022_ENDS = REVISION_2025 - datetime.timedelta(days=1)

# (order, code, official name, phrase the briefing uses, group of the Quy chế)
PROGRAMS_2025 = [
    (11, "N1", "Bồi dưỡng nhận thức về Đảng", "bồi dưỡng nhận thức về Đảng", 1),
    (12, "N2", "Bồi dưỡng đảng viên mới", "bồi dưỡng đảng viên mới", 2),
    (
        13,
        "N3-CTD",
        "Bồi dưỡng chuyên môn, nghiệp vụ: nghiệp vụ công tác đảng cho bí thư chi bộ và cấp ủy viên",
        "bồi dưỡng nghiệp vụ công tác đảng cho bí thư chi bộ, cấp ủy viên",
        3,
    ),
    (
        14,
        "N3-TGDV",
        "Bồi dưỡng chuyên môn, nghiệp vụ: nghiệp vụ tuyên giáo và dân vận",
        "bồi dưỡng nghiệp vụ tuyên giáo và dân vận",
        3,
    ),
    (
        15,
        "N3-MTDT",
        "Bồi dưỡng chuyên môn, nghiệp vụ: lý luận chính trị và nghiệp vụ cho cán bộ Mặt trận và đoàn thể",
        "bồi dưỡng lý luận chính trị, nghiệp vụ cho cán bộ Mặt trận và đoàn thể",
        3,
    ),
    (16, "N4", "Bồi dưỡng chuyên đề", "bồi dưỡng chuyên đề", 4),
    (
        17,
        "N5",
        "Tập huấn kỹ năng, cập nhật kiến thức, lịch sử Đảng địa phương, thông tin thời sự",
        "tập huấn kỹ năng, cập nhật kiến thức, thông tin thời sự",
        5,
    ),
]

# (program of 2022, program of 2025) that continue one another: the comparison with a year earlier follows them.
# Trung cấp lý luận chính trị (TCLL) and học tập nghị quyết (NQ) have no counterpart: the pages say so.
MAPPING_2025 = [
    ("KND", "N1"),
    ("DVM", "N2"),
    ("BTCB", "N3-CTD"),
    ("NVTG", "N3-TGDV"),
    ("DT", "N3-MTDT"),
    ("CD", "N4"),
    ("CNKT", "N5"),
]
