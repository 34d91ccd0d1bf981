"""Reading a plan workbook: every row turned into a change on the units it names, and every problem by sheet, row
and column, in Vietnamese. Nothing is written here (centers/reorganisation/applying.py writes).

The file goes through the same safety checks as the accounts workbook (`account_workbook.open_workbook`). The units
are read in a few queries (the provinces, then the units of the provinces the plan names), whatever its length.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from ..account_workbook import MAX_SCANNED_ROWS, cell_text, open_workbook
from ..models import ServedCommune, Unit
from ..people import fold
from .sheets import (
    AREA_KINDS,
    CLOSURES,
    COLUMNS,
    DATA_SHEETS,
    MERGERS,
    NEW_UNITS,
    PLAN,
    PLAN_KEYS,
    RENAMES,
    SERVED,
    UNIT_KINDS,
    column_label,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000  # changes in one plan (the 2025 reform: about 700 district centers, 3.300 communes)
COMMUNE_CODE = re.compile(r"^\d{5}$")
ONE_DAY = datetime.timedelta(days=1)


@dataclass
class Problem:
    sheet: str
    row: int  # 0: the file itself, 1: the headings
    column: str  # "B (Mã đơn vị)", a heading, or ""
    message: str

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(_("Trang “%(sheet)s”") % {"sheet": self.sheet})
        if self.row:
            where.append(_("dòng %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("cột %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(kw_only=True)
class Change:
    sheet: str
    row: int
    day: datetime.date  # the first day of the new state
    in_effect: bool = False  # already done (by an earlier plan or by hand): applying skips it

    @property
    def last_day(self) -> datetime.date:
        """The last day of the old state (a closed unit's active_to)."""
        return self.day - ONE_DAY


@dataclass(kw_only=True)
class NewUnit(Change):
    province: Unit
    code: str
    name: str
    kind: str
    center_level: str
    area_name: str
    area_kind: str
    party_committee: str = ""
    email: str = ""
    created: Unit | None = None  # the unit once applied (or the one already in effect)

    # What a NewUnit answers like a Unit, for the rows that name it before it exists.
    @property
    def active_from(self) -> datetime.date:
        return self.day

    @property
    def active_to(self) -> None:
        return None

    @property
    def is_commune_center(self) -> bool:
        return self.kind == Unit.Kind.CENTER and self.center_level == Unit.CenterLevel.COMMUNE

    @property
    def parent(self) -> Unit:
        return self.province


@dataclass(kw_only=True)
class Rename(Change):
    unit: Unit
    name: str


@dataclass(kw_only=True)
class Merger(Change):
    province: Unit
    successor: Unit


@dataclass(kw_only=True)
class Served(Change):
    center: Unit | NewUnit
    kind: str  # ServedCommune.Kind
    name: str
    code: str


@dataclass(kw_only=True)
class Closure(Change):
    unit: Unit | NewUnit
    successor: Unit | NewUnit | None = None


@dataclass
class Plan:
    name: str = ""
    basis: str = ""
    day: datetime.date | None = None
    content: bytes = b""
    digest: str = ""
    renames: list[Rename] = field(default_factory=list)
    mergers: list[Merger] = field(default_factory=list)
    new_units: list[NewUnit] = field(default_factory=list)
    served: list[Served] = field(default_factory=list)
    closures: list[Closure] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return [*self.renames, *self.mergers, *self.new_units, *self.served, *self.closures]

    @property
    def pending(self) -> list[Change]:
        return [change for change in self.changes if not change.in_effect]

    def error_messages(self) -> list[str]:
        return [str(problem) for problem in self.errors]


def unit_label(unit: Unit | NewUnit) -> str:
    if isinstance(unit, NewUnit):
        return _("%(name)s (đơn vị mới của phương án)") % {"name": unit.name}
    return unit.name


# -- cells --------------------------------------------------------------------------------------------------------
def _code(value, width: int = 0) -> str:
    """A code as text; a number Excel stripped of its leading zeros gets them back (`width`)."""
    text = cell_text(value)
    if width and isinstance(value, int | float) and text.isdigit():
        text = text.zfill(width)
    return text


def _date(value) -> datetime.date | None:
    """An Excel date, a serial number or dd/mm/yyyy text; None when empty; ValueError when unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        found = from_excel(value)
        return found.date() if isinstance(found, datetime.datetime) else found
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _content(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read()


# -- the reader -----------------------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, plan: Plan):
        self.plan = plan
        provinces = Unit.objects.provinces().select_related("merged_into").prefetch_related("former_names")
        self.provinces = {u.code: u for u in provinces}
        self.served_now: set[tuple[int, str, datetime.date]] = set()
        self.units: dict[tuple[str, str], Unit] = {}
        self.new: dict[tuple[str, str], NewUnit] = {}
        # Closures and mergers of the plan so far: {unit id or NewUnit id(): last day}
        self.closing: dict[int, datetime.date] = {}

    def error(self, sheet: str, row: int, name: str, message: str) -> None:
        self.plan.errors.append(Problem(sheet, row, column_label(sheet, name), message))

    def load_units(self, codes: set[str]) -> None:
        """The units under the provinces the plan names (one query)."""
        ids = [self.provinces[c].pk for c in codes if c in self.provinces]
        units = Unit.objects.filter(parent_id__in=ids).select_related("parent", "merged_into")
        for unit in units.prefetch_related("former_names"):
            self.units[(unit.parent.code, unit.code)] = unit
        served = ServedCommune.objects.filter(center__parent_id__in=ids)
        self.served_now = set(served.values_list("center_id", "code", "active_from"))

    def day(self, sheet: str, values: dict) -> datetime.date | None:
        try:
            day = _date(values.get("day")) or self.plan.day
        except ValueError:
            self.error(
                sheet,
                values["row"],
                "day",
                _("Ngày “%(value)s” không đọc được: ghi theo dạng dd/mm/yyyy.")
                % {"value": cell_text(values.get("day"))},
            )
            return None
        if day is None:
            self.error(
                sheet,
                values["row"],
                "day",
                _("Chưa có ngày hiệu lực (ở dòng này hoặc ở trang “%(sheet)s”).") % {"sheet": PLAN},
            )
        return day

    def province(self, sheet: str, values: dict, name: str = "province") -> Unit | None:
        code = _code(values.get(name), 2)
        if not code:
            self.error(sheet, values["row"], name, _("Chưa ghi mã tỉnh."))
            return None
        province = self.provinces.get(code)
        if province is None:
            self.error(sheet, values["row"], name, _("Không có tỉnh, thành phố mã “%(code)s”.") % {"code": code})
        return province

    def unit(self, sheet: str, values: dict, province: Unit, name: str = "unit") -> Unit | NewUnit | None:
        """The unit (province code, unit code) names: the province's board when the code is empty, an existing unit
        under it, or one the plan created in an earlier row."""
        value = values.get(name)
        if not cell_text(value):
            return province
        for width in (0, 3, 5):
            code = _code(value, width)
            found = self.units.get((province.code, code)) or self.new.get((province.code, code))
            if found is not None:
                return found
        self.error(
            sheet,
            values["row"],
            name,
            _("Tỉnh “%(province)s” không có đơn vị mã “%(code)s”.")
            % {"province": province.area_name, "code": cell_text(value)},
        )
        return None

    def closed_by(self, unit: Unit | NewUnit) -> datetime.date | None:
        """The unit's last day: in the database, or set by an earlier row of the plan."""
        return self.closing.get(id(unit) if isinstance(unit, NewUnit) else unit.pk, unit.active_to)

    def check_open(self, sheet, row, name, unit, day, what) -> bool:
        """A unit a row acts on, or a successor, must be active on `day` (started before, not closed before)."""
        last = self.closed_by(unit)
        if last is not None and last < day:
            self.error(
                sheet,
                row,
                name,
                _("%(what)s “%(unit)s” đã ngừng hoạt động từ %(last)s, trước ngày %(day)s.")
                % {
                    "what": what,
                    "unit": unit_label(unit),
                    "last": f"{last + ONE_DAY:%d/%m/%Y}",
                    "day": f"{day:%d/%m/%Y}",
                },
            )
            return False
        if unit.active_from > day:
            self.error(
                sheet,
                row,
                name,
                _("%(what)s “%(unit)s” chỉ hoạt động từ %(start)s, sau ngày %(day)s.")
                % {
                    "what": what,
                    "unit": unit_label(unit),
                    "start": f"{unit.active_from:%d/%m/%Y}",
                    "day": f"{day:%d/%m/%Y}",
                },
            )
            return False
        return True

    def check_ends(self, sheet, row, unit, day) -> bool:
        """A rename or a closure on `day` needs the unit to have started before it."""
        if day <= unit.active_from:
            self.error(
                sheet,
                row,
                "day",
                _("Ngày hiệu lực %(day)s không sau ngày “%(unit)s” bắt đầu hoạt động (%(start)s).")
                % {"day": f"{day:%d/%m/%Y}", "unit": unit_label(unit), "start": f"{unit.active_from:%d/%m/%Y}"},
            )
            return False
        return True

    # -- sheets ---------------------------------------------------------------------------------------------------
    def renames(self, rows):
        seen = {}
        for values in rows:
            row, sheet = values["row"], RENAMES
            day, province = self.day(sheet, values), self.province(sheet, values)
            if province is None or day is None:
                continue
            unit = self.unit(sheet, values, province)
            name = cell_text(values.get("name"))
            if not name:
                self.error(sheet, row, "name", _("Chưa ghi tên mới."))
            if unit is None or not name or isinstance(unit, NewUnit):
                continue
            if unit.pk in seen:
                self.error(sheet, row, "unit", _("Đơn vị này đã được đổi tên ở dòng %(row)s.") % {"row": seen[unit.pk]})
                continue
            seen[unit.pk] = row
            in_effect = unit.name == name
            if not in_effect:
                if not self.check_ends(sheet, row, unit, day) or not self.check_open(
                    sheet, row, "unit", unit, day, _("Đơn vị")
                ):
                    continue
                if any(old.valid_to >= day for old in unit.former_names.all()):
                    message = _("Đơn vị đã có tên cũ dùng đến sau ngày %(day)s.") % {"day": f"{day:%d/%m/%Y}"}
                    self.error(sheet, row, "day", message)
                    continue
            self.plan.renames.append(Rename(sheet=sheet, row=row, day=day, unit=unit, name=name, in_effect=in_effect))

    def mergers(self, rows):
        for values in rows:
            row, sheet = values["row"], MERGERS
            day = self.day(sheet, values)
            province = self.province(sheet, values)
            successor = self.province(sheet, values, "successor")
            if None in (day, province, successor):
                continue
            check = cell_text(values.get("check_name"))
            names = {fold(province.area_name), fold(province.name), fold(province.name_on(day - ONE_DAY))}
            names |= {f"tinh {fold(province.area_name)}", f"thanh pho {fold(province.area_name)}"}
            if check and fold(check) not in names:
                self.error(
                    sheet,
                    row,
                    "check_name",
                    _("Tỉnh mã “%(code)s” là “%(name)s”, không phải “%(check)s”: kiểm tra lại mã tỉnh.")
                    % {"code": province.code, "name": province.area_name, "check": check},
                )
                continue
            if successor.pk == province.pk:
                self.error(sheet, row, "successor", _("Tỉnh không thể sáp nhập vào chính nó."))
                continue
            in_effect = province.merged_into_id == successor.pk and province.active_to == day - ONE_DAY
            if not in_effect:
                if province.pk in self.closing or province.active_to is not None:
                    self.error(
                        sheet,
                        row,
                        "province",
                        _("Tỉnh “%(name)s” đã ngừng hoạt động hoặc đã được sáp nhập.") % {"name": province.area_name},
                    )
                    continue
                if not self.check_ends(sheet, row, province, day) or not self.check_open(
                    sheet, row, "successor", successor, day, _("Tỉnh hợp nhất")
                ):
                    continue
                self.closing[province.pk] = day - ONE_DAY
            self.plan.mergers.append(
                Merger(sheet=sheet, row=row, day=day, province=province, successor=successor, in_effect=in_effect)
            )

    def new_units(self, rows):
        kinds = {fold(label): value for label, value in UNIT_KINDS.items()}
        areas = {fold(label): value for label, value in AREA_KINDS.items()}
        for values in rows:
            row, sheet = values["row"], NEW_UNITS
            day, province = self.day(sheet, values), self.province(sheet, values)
            name = cell_text(values.get("name"))
            kind = kinds.get(fold(cell_text(values.get("kind"))))
            area = cell_text(values.get("area_kind"))
            area_kind = areas.get(fold(area))
            bad = False
            if not name:
                self.error(sheet, row, "name", _("Chưa ghi tên đơn vị."))
                bad = True
            if kind is None:
                self.error(
                    sheet,
                    row,
                    "kind",
                    _("Loại đơn vị phải là một trong: %(kinds)s.") % {"kinds": "; ".join(UNIT_KINDS)},
                )
                bad = True
            if area and area_kind is None:
                self.error(sheet, row, "area_kind", _("Loại địa bàn phải là “xã”, “phường” hoặc “đặc khu”."))
                bad = True
            code = _code(values.get("unit"))
            if kind is not None and kind[1] == Unit.CenterLevel.COMMUNE:
                code = _code(values.get("unit"), 5)
                if not COMMUNE_CODE.match(code):
                    self.error(
                        sheet,
                        row,
                        "unit",
                        _(
                            "Mã của trung tâm chính trị xã, phường, đặc khu là mã 5 chữ số của xã, "
                            "phường nơi trung tâm đặt trụ sở (ví dụ 11311), không phải “%(code)s”."
                        )
                        % {"code": code},
                    )
                    bad = True
                elif area_kind is None and not area:
                    self.error(sheet, row, "area_kind", _("Chưa ghi loại địa bàn (xã, phường hoặc đặc khu)."))
                    bad = True
            elif not code:
                self.error(sheet, row, "unit", _("Chưa ghi mã đơn vị."))
                bad = True
            email = cell_text(values.get("email"))
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    self.error(
                        sheet, row, "email", _("Địa chỉ thư điện tử “%(email)s” không hợp lệ.") % {"email": email}
                    )
                    bad = True
            if bad or day is None or province is None:
                continue
            if not self.check_open(sheet, row, "province", province, day, _("Tỉnh")):
                continue
            new = NewUnit(
                sheet=sheet,
                row=row,
                day=day,
                province=province,
                code=code,
                name=name,
                kind=kind[0],
                center_level=kind[1],
                area_name=cell_text(values.get("area_name")) or province.area_name,
                area_kind=area_kind[0] if area_kind else province.area_kind,
                party_committee=cell_text(values.get("party_committee")),
                email=email,
            )
            key = (province.code, code)
            existing = self.units.get(key)
            if key in self.new:
                self.error(
                    sheet,
                    row,
                    "unit",
                    _("Mã “%(code)s” đã dùng cho đơn vị mới ở dòng %(row)s.")
                    % {"code": code, "row": self.new[key].row},
                )
                continue
            if existing is not None:
                same = (existing.name, existing.kind, existing.active_from) == (new.name, new.kind, new.active_from)
                if not same:
                    self.error(
                        sheet,
                        row,
                        "unit",
                        _("Tỉnh “%(province)s” đã có đơn vị mã “%(code)s” (%(name)s).")
                        % {"province": province.area_name, "code": code, "name": existing.name},
                    )
                    continue
                new.in_effect, new.created = True, existing
            self.new[key] = new
            self.plan.new_units.append(new)

    def served(self, rows):
        areas = {fold(label): value for label, value in AREA_KINDS.items()}
        for values in rows:
            row, sheet = values["row"], SERVED
            day, province = self.day(sheet, values), self.province(sheet, values)
            kind = areas.get(fold(cell_text(values.get("kind"))))
            name = cell_text(values.get("name"))
            code = _code(values.get("code"), 5)
            bad = False
            if kind is None:
                self.error(sheet, row, "kind", _("Loại phải là “xã”, “phường” hoặc “đặc khu”."))
                bad = True
            if not name:
                self.error(sheet, row, "name", _("Chưa ghi tên xã, phường, đặc khu."))
                bad = True
            if not COMMUNE_CODE.match(code):
                self.error(
                    sheet,
                    row,
                    "code",
                    _("Mã đơn vị hành chính phải gồm 5 chữ số (ví dụ 11311), không phải “%(code)s”.") % {"code": code},
                )
                bad = True
            if province is None:
                continue
            if not cell_text(values.get("unit")):
                self.error(sheet, row, "unit", _("Chưa ghi mã trung tâm."))
                continue
            center = self.unit(sheet, values, province)
            if center is None or bad or day is None:
                continue
            if not center.is_commune_center:
                self.error(
                    sheet,
                    row,
                    "unit",
                    _("“%(unit)s” không phải trung tâm chính trị xã, phường, đặc khu.") % {"unit": unit_label(center)},
                )
                continue
            if not self.check_open(sheet, row, "unit", center, day, _("Trung tâm")):
                continue
            existing = center.created if isinstance(center, NewUnit) else center
            in_effect = existing is not None and (existing.pk, code, day) in self.served_now
            self.plan.served.append(
                Served(
                    sheet=sheet,
                    row=row,
                    day=day,
                    center=center,
                    kind=kind[1],
                    name=name,
                    code=code,
                    in_effect=in_effect,
                )
            )

    def closures(self, rows):
        seen = {}
        for values in rows:
            row, sheet = values["row"], CLOSURES
            day, province = self.day(sheet, values), self.province(sheet, values)
            if province is None or day is None:
                continue
            if not cell_text(values.get("unit")):
                self.error(
                    sheet,
                    row,
                    "unit",
                    _("Chưa ghi mã đơn vị (một tỉnh sáp nhập vào tỉnh khác: ghi ở trang “%(sheet)s”).")
                    % {"sheet": MERGERS},
                )
                continue
            unit = self.unit(sheet, values, province)
            successor = None
            if cell_text(values.get("successor_province")) or cell_text(values.get("successor")):
                successor_province = self.province(sheet, values, "successor_province")
                if successor_province is None:
                    continue
                successor = self.unit(sheet, values, successor_province, "successor")
                if successor is None:
                    continue
            if unit is None:
                continue
            key = id(unit) if isinstance(unit, NewUnit) else unit.pk
            if key in seen:
                self.error(sheet, row, "unit", _("Đơn vị này đã được đóng ở dòng %(row)s.") % {"row": seen[key]})
                continue
            seen[key] = row
            if successor is unit:
                self.error(sheet, row, "successor", _("Đơn vị kế thừa phải là một đơn vị khác."))
                continue
            in_effect = (
                isinstance(unit, Unit)
                and unit.active_to == day - ONE_DAY
                and unit.merged_into_id == (successor.pk if isinstance(successor, Unit) else None)
            )
            if not in_effect:
                if self.closed_by(unit) is not None:
                    self.error(
                        sheet,
                        row,
                        "unit",
                        _("“%(unit)s” đã ngừng hoạt động từ %(day)s.")
                        % {"unit": unit_label(unit), "day": f"{self.closed_by(unit) + ONE_DAY:%d/%m/%Y}"},
                    )
                    continue
                if not self.check_ends(sheet, row, unit, day):
                    continue
                if successor is not None and not self.check_open(
                    sheet, row, "successor", successor, day, _("Đơn vị kế thừa")
                ):
                    continue
                self.closing[key] = day - ONE_DAY
            self.plan.closures.append(
                Closure(sheet=sheet, row=row, day=day, unit=unit, successor=successor, in_effect=in_effect)
            )


def _sheet_rows(plan: Plan, book, name: str) -> list[dict] | None:
    """The sheet's rows as {field: value, "row": n}, or None when a column is missing (the problem is noted)."""
    sheet = book[name]
    rows = sheet.iter_rows(values_only=True, max_col=40)
    header = [fold(cell_text(value)) for value in next(rows, ())]
    index = {}
    for field_name, heading in COLUMNS[name]:
        if fold(heading) in header:
            index[field_name] = header.index(fold(heading))
        else:
            plan.errors.append(
                Problem(name, 1, heading, _("Thiếu cột “%(column)s”: hãy dùng mẫu tải về.") % {"column": heading})
            )
    if len(index) < len(COLUMNS[name]):
        return None
    found = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_SCANNED_ROWS:
            plan.errors.append(
                Problem(
                    name,
                    number,
                    "",
                    _("Trang dài quá %(n)s dòng: hãy xóa các dòng trống thừa ở cuối.") % {"n": MAX_SCANNED_ROWS},
                )
            )
            return None
        row = {key: values[i] if i < len(values) else None for key, i in index.items()}
        if not any(cell_text(value) for value in row.values()):
            continue
        row["row"] = number
        found.append(row)
    return found


def _plan_sheet(plan: Plan, book) -> None:
    if PLAN not in book.sheetnames:
        plan.errors.append(
            Problem(
                PLAN,
                0,
                "",
                _("Thiếu trang “%(sheet)s” (tên phương án và ngày hiệu lực): hãy dùng mẫu tải về.") % {"sheet": PLAN},
            )
        )
        return
    labels = {fold(label): key for key, label in PLAN_KEYS}
    for number, values in enumerate(book[PLAN].iter_rows(values_only=True, max_col=2, max_row=50), start=1):
        key = labels.get(fold(cell_text(values[0] if values else None)))
        value = values[1] if len(values) > 1 else None
        if key == "day":
            try:
                plan.day = _date(value)
            except ValueError:
                plan.errors.append(
                    Problem(
                        PLAN,
                        number,
                        "B",
                        _("Ngày “%(value)s” không đọc được: ghi theo dạng dd/mm/yyyy.") % {"value": cell_text(value)},
                    )
                )
        elif key:
            setattr(plan, key, cell_text(value)[: 255 if key == "name" else 500])
    if not plan.name:
        plan.errors.append(Problem(PLAN, 0, "", _("Chưa ghi “Tên phương án” (cột A nhãn, cột B nội dung).")))


def read_plan(file) -> Plan:
    """Parse and check a plan workbook (bytes, a path or an uploaded file): `Plan.errors` lists every problem, by
    sheet, row and column; a plan without errors can be previewed and applied."""
    content = _content(file)
    plan = Plan(content=content, digest=hashlib.sha256(content).hexdigest())
    book, problem = open_workbook(content, max_bytes=MAX_BYTES, too_large=_("Tệp lớn quá 5 MB."))
    if problem:
        plan.errors.append(Problem("", 0, "", problem))
        return plan
    try:
        _plan_sheet(plan, book)
        rows = {}
        for name in DATA_SHEETS:
            if name in book.sheetnames:
                found = _sheet_rows(plan, book, name)
                if found is not None:
                    rows[name] = found
    finally:
        book.close()
    if not any(rows.values()):
        plan.errors.append(
            Problem(
                "",
                0,
                "",
                _("Phương án không có thay đổi nào (các trang %(sheets)s đều trống hoặc thiếu).")
                % {"sheets": ", ".join(f"“{s}”" for s in DATA_SHEETS)},
            )
        )
        return plan
    if sum(len(found) for found in rows.values()) > MAX_ROWS:
        plan.errors.append(Problem("", 0, "", _("Một phương án tối đa %(n)s dòng thay đổi.") % {"n": MAX_ROWS}))
        return plan
    reader = _Reader(plan)
    codes = set()
    for name, found in rows.items():
        for row in found:
            for key in ("province", "successor_province", "successor"):
                if name == MERGERS or key != "successor":
                    codes.add(_code(row.get(key), 2))
    reader.load_units(codes)
    reader.renames(rows.get(RENAMES, []))
    reader.mergers(rows.get(MERGERS, []))
    reader.new_units(rows.get(NEW_UNITS, []))
    reader.served(rows.get(SERVED, []))
    reader.closures(rows.get(CLOSURES, []))
    return plan
