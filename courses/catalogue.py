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
