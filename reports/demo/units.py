"""The five provinces of the seed articles with their district-level units and official codes
(mã đơn vị hành chính as of 2022-2024, before the 2025 reorganisation), the provinces merged into them on 1/7/2025,
and the commune-level centers founded that day."""

from dataclasses import dataclass

# province code: (province area name, area kind, board name, school name,
#                 [(district code, area kind, area name), ...])
PROVINCES = {
    "10": (
        "Lào Cai",
        "tinh",
        "Ban Tuyên giáo Tỉnh ủy Lào Cai",
        "Trường Chính trị tỉnh Lào Cai",
        [
            ("080", "thanh_pho", "thành phố Lào Cai"),
            ("082", "huyen", "huyện Bát Xát"),
            ("083", "huyen", "huyện Mường Khương"),
            ("084", "huyen", "huyện Si Ma Cai"),
            ("085", "huyen", "huyện Bắc Hà"),
            ("086", "huyen", "huyện Bảo Thắng"),
            ("087", "huyen", "huyện Bảo Yên"),
            ("088", "thi_xa", "thị xã Sa Pa"),
            ("089", "huyen", "huyện Văn Bàn"),
        ],
    ),
    "20": (
        "Lạng Sơn",
        "tinh",
        "Ban Tuyên giáo Tỉnh ủy Lạng Sơn",
        "Trường Chính trị Hoàng Văn Thụ tỉnh Lạng Sơn",
        [
            ("178", "thanh_pho", "thành phố Lạng Sơn"),
            ("180", "huyen", "huyện Tràng Định"),
            ("181", "huyen", "huyện Bình Gia"),
            ("182", "huyen", "huyện Văn Lãng"),
            ("183", "huyen", "huyện Cao Lộc"),
            ("184", "huyen", "huyện Văn Quan"),
            ("185", "huyen", "huyện Bắc Sơn"),
            ("186", "huyen", "huyện Hữu Lũng"),
            ("187", "huyen", "huyện Chi Lăng"),
            ("188", "huyen", "huyện Lộc Bình"),
            ("189", "huyen", "huyện Đình Lập"),
        ],
    ),
    "31": (
        "Hải Phòng",
        "thanh_pho_tw",
        "Ban Tuyên giáo Thành ủy Hải Phòng",
        "Trường Chính trị Tô Hiệu thành phố Hải Phòng",
        [
            ("303", "quan", "quận Hồng Bàng"),
            ("304", "quan", "quận Ngô Quyền"),
            ("305", "quan", "quận Lê Chân"),
            ("306", "quan", "quận Hải An"),
            ("307", "quan", "quận Kiến An"),
            ("308", "quan", "quận Đồ Sơn"),
            ("309", "quan", "quận Dương Kinh"),
            ("311", "huyen", "huyện Thủy Nguyên"),
            ("312", "huyen", "huyện An Dương"),
            ("313", "huyen", "huyện An Lão"),
            ("314", "huyen", "huyện Kiến Thụy"),
            ("315", "huyen", "huyện Tiên Lãng"),
            ("316", "huyen", "huyện Vĩnh Bảo"),
            ("317", "huyen", "huyện Cát Hải"),
        ],
    ),
    "79": (
        "Thành phố Hồ Chí Minh",
        "thanh_pho_tw",
        "Ban Tuyên giáo Thành ủy Thành phố Hồ Chí Minh",
        "Trường Cán bộ Thành phố Hồ Chí Minh",
        [
            ("760", "quan", "Quận 1"),
            ("761", "quan", "Quận 12"),
            ("764", "quan", "quận Gò Vấp"),
            ("765", "quan", "quận Bình Thạnh"),
            ("766", "quan", "quận Tân Bình"),
            ("767", "quan", "quận Tân Phú"),
            ("768", "quan", "quận Phú Nhuận"),
            ("769", "thanh_pho_thuoc_tp", "thành phố Thủ Đức"),
            ("770", "quan", "Quận 3"),
            ("771", "quan", "Quận 10"),
            ("772", "quan", "Quận 11"),
            ("773", "quan", "Quận 4"),
            ("774", "quan", "Quận 5"),
            ("775", "quan", "Quận 6"),
            ("776", "quan", "Quận 8"),
            ("777", "quan", "quận Bình Tân"),
            ("778", "quan", "Quận 7"),
            ("783", "huyen", "huyện Củ Chi"),
            ("784", "huyen", "huyện Hóc Môn"),
            ("785", "huyen", "huyện Bình Chánh"),
            ("786", "huyen", "huyện Nhà Bè"),
            ("787", "huyen", "huyện Cần Giờ"),
        ],
    ),
    "42": (
        "Hà Tĩnh",
        "tinh",
        "Ban Tuyên giáo Tỉnh ủy Hà Tĩnh",
        "Trường Chính trị Trần Phú tỉnh Hà Tĩnh",
        [
            ("436", "thanh_pho", "thành phố Hà Tĩnh"),
            ("437", "thi_xa", "thị xã Hồng Lĩnh"),
            ("439", "huyen", "huyện Hương Sơn"),
            ("440", "huyen", "huyện Đức Thọ"),
            ("441", "huyen", "huyện Vũ Quang"),
            ("442", "huyen", "huyện Nghi Xuân"),
            ("443", "huyen", "huyện Can Lộc"),
            ("444", "huyen", "huyện Hương Khê"),
            ("445", "huyen", "huyện Thạch Hà"),
            ("446", "huyen", "huyện Cẩm Xuyên"),
            ("447", "huyen", "huyện Kỳ Anh"),
            ("448", "huyen", "huyện Lộc Hà"),
            ("449", "thi_xa", "thị xã Kỳ Anh"),
        ],
    ),
}


def center_name(area_name: str) -> str:
    return f"Trung tâm chính trị {area_name}"


# -- Since 2025 (../shared/domain.md, "Since 2025") ------------------------------------------------------------------
# The provinces merged into the seed provinces on 1/7/2025 (Nghị quyết 202/2025/QH15), with a few of their district
# centers (real names and codes of 2022-2024). Same shape as PROVINCES, plus the province that took them over.
# (The merged provinces got new official codes in 2025, e.g. Lào Cai 15; the app keeps each unit's own code.)
MERGED_PROVINCES = {
    "15": (
        "Yên Bái",
        "tinh",
        "Ban Tuyên giáo Tỉnh ủy Yên Bái",
        "Trường Chính trị tỉnh Yên Bái",
        [
            ("132", "thanh_pho", "thành phố Yên Bái"),
            ("133", "thi_xa", "thị xã Nghĩa Lộ"),
            ("135", "huyen", "huyện Lục Yên"),
            ("136", "huyen", "huyện Văn Yên"),
            ("141", "huyen", "huyện Yên Bình"),
        ],
        "10",
    ),
    "30": (
        "Hải Dương",
        "tinh",
        "Ban Tuyên giáo Tỉnh ủy Hải Dương",
        "Trường Chính trị tỉnh Hải Dương",
        [
            ("288", "thanh_pho", "thành phố Hải Dương"),
            ("290", "thanh_pho", "thành phố Chí Linh"),
            ("292", "thi_xa", "thị xã Kinh Môn"),
            ("296", "huyen", "huyện Bình Giang"),
            ("297", "huyen", "huyện Gia Lộc"),
        ],
        "31",
    ),
    "74": (
        "Bình Dương",
        "tinh",
        "Ban Tuyên giáo Tỉnh ủy Bình Dương",
        "Trường Chính trị tỉnh Bình Dương",
        [
            ("718", "thanh_pho", "thành phố Thủ Dầu Một"),
            ("721", "thanh_pho", "thành phố Bến Cát"),
            ("724", "thanh_pho", "thành phố Dĩ An"),
            ("725", "thanh_pho", "thành phố Thuận An"),
        ],
        "79",
    ),
    "77": (
        "Bà Rịa - Vũng Tàu",
        "tinh",
        "Ban Tuyên giáo Tỉnh ủy Bà Rịa - Vũng Tàu",
        "Trường Chính trị tỉnh Bà Rịa - Vũng Tàu",
        [
            ("747", "thanh_pho", "thành phố Vũng Tàu"),
            ("748", "thanh_pho", "thành phố Bà Rịa"),
            ("754", "thi_xa", "thị xã Phú Mỹ"),
            ("755", "huyen", "huyện Côn Đảo"),
        ],
        "79",
    ),
}

REFORM_DAY = "01/07/2025"  # Nghị quyết 202/2025/QH15 in force; the district level abolished
BOARDS_RENAMED_DAY = "01/03/2025"  # the provinces' boards merged with the mass-mobilisation boards (Feb-Mar 2025)


def board_renamed(board_name: str) -> str:
    """ "Ban Tuyên giáo Tỉnh ủy X" → "Ban Tuyên giáo và Dân vận Tỉnh ủy X" (Thành ủy for the cities)."""
    return board_name.replace("Ban Tuyên giáo ", "Ban Tuyên giáo và Dân vận ", 1)


def commune_center_name(area_name: str) -> str:
    return f"Trung tâm Chính trị {area_name}"


@dataclass(frozen=True)
class CommuneCenter:
    """A trung tâm chính trị xã, phường, đặc khu founded on 1/7/2025 (Quy định 360-QĐ/TW), where it sits, the
    communes it serves, and the district center(s) whose staff and open work it took over.

    `checked`: name and 5-digit code as published (the commune resolutions of 16/6/2025, e.g. 1673/NQ-UBTVQH15 for
    Lào Cai, 1669/NQ-UBTVQH15 for Hải Phòng). Otherwise the name is a real commune of 2025 where we know one, but the
    code is a plausible demo code: DEMO DATA, not to be taken for the official list."""

    code: str
    kind: str  # "xa" | "phuong" | "dac_khu"
    name: str  # without its kind: "Lê Chân"
    served: tuple[tuple[str, str, str], ...]  # (kind, name, code) besides its own commune
    takes_over: tuple[tuple[str, str], ...] = ()  # (province code, district center code)
    checked: bool = False

    @property
    def area_name(self) -> str:
        return f"{AREA_WORD[self.kind]} {self.name}"


AREA_WORD = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}

# Today's province → its commune-level centers (3-6 each is enough for the demo).
COMMUNE_CENTERS = {
    "10": [
        CommuneCenter("02644", "phuong", "Lào Cai", (("xa", "Cốc San", "02650"),), (("10", "080"),)),
        CommuneCenter("02671", "phuong", "Cam Đường", (("xa", "Hợp Thành", "02680"),), checked=True),
        CommuneCenter(
            "02683", "xa", "Bát Xát", (("xa", "Bản Xèo", "02725"), ("xa", "Mường Hum", "02731")), (("10", "082"),)
        ),
        CommuneCenter(
            "03013", "phuong", "Sa Pa", (("xa", "Tả Van", "03037"), ("xa", "Tả Phìn", "03025")), (("10", "088"),)
        ),
        CommuneCenter("02875", "xa", "Bắc Hà", (("xa", "Bản Liền", "02896"),), (("10", "085"),)),
        CommuneCenter(
            "04249",
            "phuong",
            "Yên Bái",
            (("phuong", "Nam Cường", "04276"), ("phuong", "Văn Phú", "04279")),
            (("15", "132"),),
        ),
    ],
    "31": [
        CommuneCenter("11383", "phuong", "Lê Chân", (("phuong", "An Biên", "11362"),), (("31", "305"),), checked=True),
        CommuneCenter("11311", "phuong", "Hồng Bàng", (("phuong", "Hồng An", "11329"),), (("31", "303"),)),
        CommuneCenter("11560", "phuong", "Thủy Nguyên", (("phuong", "Thiên Hương", "11566"),), (("31", "311"),)),
        CommuneCenter("11920", "dac_khu", "Cát Hải", (), (("31", "317"),)),
        CommuneCenter("10507", "phuong", "Hải Dương", (("phuong", "Thành Đông", "10525"),), (("30", "288"),)),
        CommuneCenter("10546", "phuong", "Chu Văn An", (("phuong", "Chí Linh", "10549"),), (("30", "290"),)),
    ],
    "79": [
        CommuneCenter(
            "26734",
            "phuong",
            "Sài Gòn",
            (("phuong", "Bến Thành", "26743"), ("phuong", "Tân Định", "26737")),
            (("79", "760"),),
        ),
        CommuneCenter("26800", "phuong", "Thủ Đức", (("phuong", "Linh Xuân", "26803"),), (("79", "769"),)),
        CommuneCenter("27496", "xa", "Củ Chi", (("xa", "Tân An Hội", "27499"),), (("79", "783"),)),
        CommuneCenter("25747", "phuong", "Thủ Dầu Một", (("phuong", "Phú Lợi", "25750"),), (("74", "718"),)),
        CommuneCenter("26506", "phuong", "Vũng Tàu", (("phuong", "Tam Thắng", "26509"),), (("77", "747"),)),
        CommuneCenter("26680", "dac_khu", "Côn Đảo", (), (("77", "755"),)),
    ],
    "42": [
        CommuneCenter("18073", "phuong", "Thành Sen", (("phuong", "Trần Phú", "18076"),), (("42", "436"),)),
        CommuneCenter("18115", "phuong", "Bắc Hồng Lĩnh", (("phuong", "Nam Hồng Lĩnh", "18118"),), (("42", "437"),)),
        CommuneCenter("18196", "xa", "Đức Thọ", (("xa", "Đức Đồng", "18199"),), (("42", "440"),)),
        CommuneCenter("18352", "xa", "Can Lộc", (("xa", "Tùng Lộc", "18355"),), (("42", "443"),)),
        CommuneCenter("18562", "phuong", "Sông Trí", (("phuong", "Hải Ninh", "18565"),), (("42", "449"),)),
    ],
    "20": [
        CommuneCenter("05977", "phuong", "Lương Văn Tri", (("phuong", "Đông Kinh", "05980"),), (("20", "178"),)),
        CommuneCenter("06217", "xa", "Hữu Lũng", (("xa", "Vân Nham", "06220"),), (("20", "186"),)),
        CommuneCenter("06253", "xa", "Chi Lăng", (("xa", "Quan Sơn", "06256"),), (("20", "187"),)),
        CommuneCenter("06313", "xa", "Lộc Bình", (("xa", "Na Dương", "06316"),), (("20", "188"),)),
    ],
}
