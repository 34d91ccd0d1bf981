"""Property-based tests (hypothesis): whatever a user or a file sends, the answer is a message, never a crash.

- the workbook reader, on random cell values in an otherwise good template and on arbitrary bytes;
- the class form, the learner form and the report narrative form, posted through the web views.

The database tests share one transaction per test (pytest-django), so every example runs in a savepoint that
is rolled back: each example starts from the same data.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import re
import zipfile

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from courses.models import Course, Enrolment, Learner, Program
from courses.workbook import (
    CLASS_HEADERS,
    CLASS_SHEET,
    LEARNER_HEADERS,
    LEARNER_SHEET,
    CellError,
    ParsedWorkbook,
    read_workbook,
)
from reports.models import CenterReport

from .factories import CourseFactory

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Every message of the app has a Vietnamese word with a diacritic ("không", "Tệp", "dòng"…).
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)

GOOD_CLASS = ["KND-01", "Lớp bồi dưỡng KND-01", "KND", "06/02/2023", "10/02/2023", "Trực tiếp", "", ""]
GOOD_LEARNER = ["KND-01", "Nguyễn Văn An", "17/05/1990", "Nam", "Kinh", "Cán bộ", "Quần chúng", "", None, ""]


@contextlib.contextmanager
def rolled_back():
    """One hypothesis example, undone afterwards (a savepoint in the test's transaction)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def web_client(user) -> Client:
    client = Client(raise_request_exception=False)  # a crash is a 500 response, not an exception in the test
    client.force_login(user)
    return client


# -- strategies ---------------------------------------------------------------------------------------
# Text: any character a browser or openpyxl can carry (no lone surrogates), with Vietnamese, spaces and marks.
any_char = st.characters(exclude_categories=("Cs",))
odd_text = st.one_of(
    st.text(any_char, max_size=40),
    st.text(
        st.sampled_from("Nguyễn Văn Ánh Đỗ Thị Hằng  \t\n\u00a0\u200b\u0301\u202e\ufeff-'.0123456789"), max_size=40
    ),
    st.sampled_from(
        [
            "",
            " ",
            "=1+1",
            '=HYPERLINK("http://evil.example/","Bấm")',
            "+84 912 345 678",
            "@SUM(A1)",
            "#REF!",
            "<script>alert(1)</script>",
            "'; DROP TABLE courses_course; --",
            "Nguyá»…n VÄƒn An",
            "_x0001_",
            "\x00",
            "\U0001f600" * 3,
            "한" * 160,
            "A" * 300,
        ]
    ),
)
# Text for openpyxl cells: it refuses the XML-illegal control characters.
cell_text = odd_text.filter(lambda s: not ILLEGAL_CHARACTERS_RE.search(s))
cell_value = st.one_of(
    st.none(),
    cell_text,
    st.sampled_from(["Nam", "Nữ", "Có", "x", "Không", "Dự bị", "Giỏi", "Khá", "TB", "06/02/2023", "31/02/2023"]),
    st.sampled_from(["001090000001", "12090000001", "1 2 3", "KND", "DVM", "XYZ", "KND-01", "L0001"]),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.integers(),  # very big numbers too
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1)),
    st.times(),
    st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=3000)),
)


@st.composite
def rows_with_changes(draw, good: list, distinct: int, max_rows: int = 3) -> list[list]:
    """Good rows (column `distinct` differs from row to row) with a few cells replaced by random values."""
    rows = []
    for number in range(draw(st.integers(min_value=1, max_value=max_rows))):
        values = list(good)
        values[distinct] = f"{values[distinct]} {number}"
        for index, value in draw(st.lists(st.tuples(st.integers(0, len(good) + 1), cell_value), max_size=3)):
            if index < len(values):
                values[index] = value
            else:
                values.append(value)  # beyond the template's columns
        rows.append(values)
    return rows


def xlsx(classes: list[list], learners: list[list]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, headers, rows in ((CLASS_SHEET, CLASS_HEADERS, classes), (LEARNER_SHEET, LEARNER_HEADERS, learners)):
        ws = book.create_sheet(name)
        ws.append(headers)
        for values in rows:
            ws.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_FILE = xlsx([GOOD_CLASS], [GOOD_LEARNER])


def assert_readable_result(parsed) -> None:
    assert isinstance(parsed, ParsedWorkbook)
    for error in parsed.errors:
        assert isinstance(error, CellError)
        assert error.message.strip()
        assert VIETNAMESE.search(error.message), error.message
        assert error.sheet in ("", CLASS_SHEET, LEARNER_SHEET)
        assert error.row is None or error.row >= 1
        assert VIETNAMESE.search(str(error))


# -- 1. the reader -------------------------------------------------------------------------------------
@SETTINGS
@given(classes=rows_with_changes(GOOD_CLASS, 1), learners=rows_with_changes(GOOD_LEARNER, 1))
def test_random_cell_values_give_messages_never_an_exception(classes, learners):
    parsed = read_workbook(xlsx(classes, learners))

    event("accepted" if parsed.ok else "refused")
    assert_readable_result(parsed)
    if not parsed.ok:
        return
    for learner in parsed.learners:  # what would be written is clean text
        assert learner.full_name and learner.full_name == learner.full_name.strip()
        assert not re.search("[\x00-\x1f\x7f-\x9f]", learner.full_name + learner.workplace + learner.ethnicity)
        assert not learner.full_name.startswith("=")
        assert learner.date_of_birth is None or isinstance(learner.date_of_birth, datetime.date)
        assert learner.national_id is None or re.fullmatch(r"\d{12}", learner.national_id)
    for klass in parsed.classes:
        assert isinstance(klass.start_date, datetime.date) and isinstance(klass.end_date, datetime.date)
        assert klass.start_date <= klass.end_date


@st.composite
def mangled_files(draw) -> bytes:
    """A good file with bytes flipped, cut, inserted or deleted: the zip, or one XML part re-zipped intact."""
    if draw(st.booleans()):
        data = bytearray(GOOD_FILE)
        target = None
    else:
        with zipfile.ZipFile(io.BytesIO(GOOD_FILE)) as archive:
            target = draw(st.sampled_from(archive.namelist()))
            data = bytearray(archive.read(target))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        position = draw(st.integers(min_value=0, max_value=max(0, len(data) - 1)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if action == "flip" and data:
            data[position] ^= draw(st.integers(min_value=1, max_value=255))
        elif action == "cut":
            del data[position:]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif data:
            del data[position : position + draw(st.integers(min_value=1, max_value=64))]
    if target is None:
        return bytes(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(GOOD_FILE)) as source, zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            out.writestr(info, bytes(data) if info.filename == target else source.read(info.filename))
    return buffer.getvalue()


any_bytes = st.one_of(
    st.binary(max_size=2048),
    st.binary(max_size=64).map(lambda tail: b"PK\x03\x04" + tail),
    st.binary(max_size=64).map(lambda tail: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + tail),
    mangled_files(),
)


@SETTINGS
@given(data=any_bytes)
def test_any_bytes_give_a_parsed_workbook_never_an_exception(data):
    parsed = read_workbook(data)
    event("accepted" if parsed.ok else parsed.errors[0].message[:30])
    assert_readable_result(parsed)
    roster = read_workbook(data, roster=True)
    assert_readable_result(roster)


# -- 2. the class form ---------------------------------------------------------------------------------
def day_text(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


date_text = st.one_of(
    st.dates(min_value=datetime.date(2019, 1, 1), max_value=datetime.date(2027, 12, 31)).map(day_text),
    st.dates().map(day_text),
    st.sampled_from(
        ["31/02/2023", "00/00/0000", "01/01/10000", "29/02/2024", "2023-02-06", "6/2/23", "９/２/２０２３"]
    ),
    odd_text,
)
number_text = st.one_of(
    st.integers(min_value=0, max_value=500).map(str),
    st.integers().map(str),
    st.sampled_from(["", "-1", "1e9", "1.5", "１２", "99999999999999999999999999", "NaN", "٣"]),
    odd_text,
)


def choice_text(values) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(list(values)), odd_text)


@st.composite
def posts(draw, good: dict, junk: dict) -> dict:
    """A good form with a few fields (sometimes none, sometimes all) replaced by junk or dropped."""
    post = dict(good)
    for name in draw(st.sets(st.sampled_from(sorted(junk)), max_size=len(junk))):
        if draw(st.integers(0, 9)) == 0:
            post.pop(name, None)  # a field the browser did not send
        else:
            post[name] = draw(junk[name])
    return post


@st.composite
def course_posts(draw, programs: list[str], lecturers: list[str]) -> dict:
    start = draw(st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2025, 12, 31)))
    good = {
        "program": draw(st.sampled_from(programs)),
        "code": draw(st.from_regex(r"[A-Z]{2,4}-[0-9]{2}", fullmatch=True)),
        "title": "Lớp bồi dưỡng kết nạp Đảng",
        "start_date": day_text(start),
        "end_date": day_text(start + datetime.timedelta(days=draw(st.integers(0, 30)))),
        "format": draw(st.sampled_from(Course.Format.values)),
        "location": "Hội trường",
        "planned_size": "40",
        "status": Course.Status.PLANNED,
        "version": "",
    }
    junk = {
        "program": choice_text(programs + ["0", "-1", "999999"]),
        "code": odd_text,
        "title": odd_text,
        "start_date": date_text,
        "end_date": date_text,
        "format": choice_text(Course.Format.values),
        "location": odd_text,
        "planned_size": number_text,
        "status": choice_text(Course.Status.values),
        "version": number_text,
        "co_organised": st.sampled_from(["on", "1", "", "không"]),
        "lecturers": st.lists(choice_text(lecturers), max_size=3),
    }
    return draw(posts(good, junk))


@SETTINGS
@given(data=st.data())
def test_the_class_form_never_crashes_and_writes_only_when_it_redirects(data, center, center_user):
    client = web_client(center_user)
    programs = [str(p.pk) for p in Program.objects.in_force_on(datetime.date(2025, 1, 1))]
    post = data.draw(course_posts(programs, ["1", "999999"]))
    with rolled_back():
        before = Course.objects.count()

        response = client.post(reverse("courses:course_create"), post)

        event(f"status {response.status_code}")
        assert response.status_code in (200, 302, 400), (response.status_code, post)
        created = Course.objects.count() - before
        assert created == (1 if response.status_code == 302 else 0), (response.status_code, post)


# -- 3. the learner form -------------------------------------------------------------------------------
@st.composite
def learner_posts(draw) -> dict:
    good = {
        "full_name": "Nguyễn Văn " + draw(st.sampled_from(["An", "Bình", "Cường", "Dung"])),
        "date_of_birth": day_text(draw(st.dates(datetime.date(1950, 1, 1), datetime.date(2008, 12, 31)))),
        "gender": draw(st.sampled_from(Learner.Gender.values)),
        "ethnicity": "Kinh",
        "party_status": draw(st.sampled_from(Learner.PartyStatus.values)),
        "group": draw(st.sampled_from(Learner.Group.values)),
        "workplace": "UBND xã",
        "national_id": draw(st.one_of(st.just(""), st.from_regex(r"0[0-9]{11}", fullmatch=True))),
    }
    junk = {
        "full_name": odd_text,
        "date_of_birth": date_text,
        "gender": choice_text(Learner.Gender.values),
        "ethnicity": odd_text,
        "party_status": choice_text(Learner.PartyStatus.values),
        "group": choice_text(Learner.Group.values),
        "workplace": odd_text,
        "national_id": st.one_of(number_text, st.from_regex(r"[0-9]{11,13}", fullmatch=True)),
        "allow_same_name": st.sampled_from(["on", "1", ""]),
    }
    return {f"hv-{name}": value for name, value in draw(posts(good, junk)).items()}


@SETTINGS
@given(post=learner_posts())
def test_the_learner_form_never_crashes_and_never_writes_half(post, center, center_user):
    client = web_client(center_user)
    with rolled_back():
        course = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6))
        before = Learner.objects.count(), Enrolment.objects.count()

        response = client.post(reverse("courses:course_add_learner", args=[course.pk]), post)

        event(f"status {response.status_code}")
        assert response.status_code in (200, 302, 400), (response.status_code, post)
        learners = Learner.objects.count() - before[0]
        enrolments = Enrolment.objects.count() - before[1]
        assert (learners, enrolments) in ((0, 0), (1, 1)), (learners, enrolments, post)  # both or neither
        assert (learners == 1) == (response.status_code == 302), (response.status_code, post)


# -- 4. the report narrative form ----------------------------------------------------------------------
huge_text = st.one_of(
    odd_text,
    st.builds(lambda piece, times: piece * times, st.text(any_char, min_size=1, max_size=4), st.integers(1, 30_000)),
    st.sampled_from(["x" * 20_000, "x" * 20_001, "ư" * 20_001, "\x00", "\u202e\u0301" * 500]),
)


NARRATIVE = ("achievements", "shortcomings", "causes", "proposals", "next_tasks")


@st.composite
def narrative_posts(draw, programs: list[int]) -> dict:
    good = {name: "Hoàn thành kế hoạch quý." for name in NARRATIVE} | {"version": "1"}
    good |= {f"plan_{pk}": str(draw(st.integers(0, 20))) for pk in programs}
    junk = dict.fromkeys(NARRATIVE, huge_text) | {"version": st.one_of(st.just(""), number_text)}
    junk |= {f"plan_{pk}": number_text for pk in programs}
    junk["submit"] = st.just("1")
    return draw(posts(good, junk))


@SETTINGS
@given(data=st.data())
def test_the_report_narrative_form_never_crashes(data, center, center_user):
    client = web_client(center_user)
    programs = list(Program.objects.values_list("pk", flat=True))
    post = data.draw(narrative_posts(programs))
    with rolled_back():
        response = client.post(reverse("reports:save", args=["10-080", "2026-Q3"]), post)

        event(f"status {response.status_code}")
        assert response.status_code in (200, 302, 400), (response.status_code, {k: v[:80] for k, v in post.items()})
        report = CenterReport.objects.filter(center=center, year=2026, quarter=3).first()
        if response.status_code != 302 and report is not None:
            assert report.version == 1 and report.achievements == ""  # nothing saved


def test_a_body_over_the_upload_limit_is_a_400(center, center_user):
    client = web_client(center_user)
    response = client.post(reverse("reports:save", args=["10-080", "2026-Q3"]), {"achievements": "x" * (6 * 2**20)})
    assert response.status_code == 400


# -- 5. crashes the properties found (outside courses/workbook.py), kept out of the strategies above -------
BIG_ID = "99999999999999999999999"  # beyond SQLite's 64-bit integers


def test_a_lecturer_id_too_big_for_the_database_is_a_form_error(center, center_user):
    post = {"code": "KND-01", "title": "Lớp", "start_date": "06/02/2025", "end_date": "10/02/2025"}
    response = web_client(center_user).post(reverse("courses:course_create"), post | {"lecturers": [BIG_ID]})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("value", ["abc", "1.5", "\x00"])
def test_a_learner_id_that_is_not_a_number_is_refused(value, center, center_user):
    course = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6))
    response = web_client(center_user).post(reverse("courses:course_add_learner", args=[course.pk]), {"learner": value})
    assert response.status_code in (302, 400, 404)


def test_an_enrolment_id_too_big_for_the_database_is_refused(center, center_user):
    course = CourseFactory(center=center, start_date=datetime.date(2023, 2, 6))
    post = {"kq-TOTAL_FORMS": "1", "kq-INITIAL_FORMS": "0", "kq-0-enrolment": BIG_ID, "kq-0-result": ""}
    response = web_client(center_user).post(reverse("courses:course_results", args=[course.pk]), post)
    assert response.status_code in (302, 400, 404)


@pytest.fixture(autouse=True)
def _quiet_request_logging(caplog):
    """A refused request is logged as a warning by Django; keep the output short."""
    caplog.set_level("ERROR", logger="django.request")
