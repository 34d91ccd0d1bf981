"""The briefing paragraph as the boards write it, its edited versions, the command that prints it, and the
reminders sent to centers that have not reported by the deadline."""

import datetime
import io
import itertools

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from centers.models import Staff, Unit, UnitName
from centers.periods import Period
from centers.scoping import unit_key
from courses.models import Enrolment, Learner
from reports import briefing
from reports.figures import counting, maintained
from reports.figures.basis import Basis
from reports.models import Briefing, CenterReport, Deadline, PlanLine

from .factories import (
    CenterFactory,
    CourseFactory,
    ProvinceFactory,
    ReportFactory,
    UserFactory,
    approve,
    central_unit,
    program,
)

pytestmark = pytest.mark.django_db

Q1_2023 = Period.parse("2023-Q1")
LAO_CAI_CITY = "Trung tâm chính trị thành phố Lào Cai"
BAT_XAT = "Trung tâm chính trị huyện Bát Xát"
_codes = itertools.count(1)


# -- helpers ------------------------------------------------------------------------------------------------
def open_classes(center, n, start="06/02/2023", prog="KND", co=False, learners=0, result=""):
    """`n` classes of one program starting on `start`; the first one gets `learners` new learners."""
    start = datetime.datetime.strptime(start, "%d/%m/%Y").date()
    courses = [
        CourseFactory(
            center=center,
            program=program(prog),
            start_date=start,
            end_date=start + datetime.timedelta(days=4),
            co_organised=co,
        )
        for _ in range(n)
    ]
    if learners:
        fill(courses[0], *[result] * learners)
    return courses


def fill(course, *results):
    """One new learner of the class's center per result, written in bulk (a roster of 1.234 is quick)."""
    people = Learner.objects.bulk_create(
        Learner(center=course.center, full_name=f"Học viên {next(_codes)}", name_key="hoc vien", gender="nu")
        for _ in results
    )
    Enrolment.objects.bulk_create(
        Enrolment(course=course, learner=person, result=result) for person, result in zip(people, results, strict=True)
    )
    course.save()  # a bulk write sends no signal: saving the class keeps any figures kept from saves in step


def paragraph(unit, key="2023-Q1", basis=None):
    return briefing.figures_paragraph(counting.rollup(unit=unit, period=Period.parse(key), basis=basis))


def briefing_url(unit, period="2023-Q1"):
    return reverse("reports:briefing", args=[unit_key(unit), period])


def approve_all(*centers, years=(2022, 2023), quarter=1):
    for center in centers:
        for year in years:
            approve(center, year, quarter)


# == the figures paragraph ===================================================================================
@pytest.fixture
def forty_against_35(center, other_center):
    """Lào Cai, 2023-Q1: 40 classes (KND 25, DVM 4, 11 co-organised TCLL) and 1.234 enrolments;
    2022-Q1: 35 classes and 1.000 enrolments. Every quarter approved."""
    open_classes(center, 15, learners=1234)
    open_classes(center, 11, prog="TCLL", co=True)
    open_classes(other_center, 10)
    open_classes(other_center, 4, prog="DVM")
    open_classes(center, 20, start="06/02/2022", learners=1000)
    open_classes(other_center, 15, start="06/02/2022")
    approve_all(center, other_center)


def test_an_increase_in_the_boards_words(forty_against_35, province):
    assert paragraph(province) == (
        "Quý I/2023, các trung tâm chính trị cấp huyện, thành phố đã mở 40 lớp với 1.234 lượt học viên, "
        "trong đó bồi dưỡng đối tượng kết nạp Đảng 25 lớp, bồi dưỡng đảng viên mới 4 lớp, "
        "phối hợp với Trường Chính trị tỉnh mở 11 lớp; "
        "so với cùng kỳ năm 2022 tăng 5 lớp (+14,3%), số lượt học viên tăng 234 lượt (+23,4%)."
    )


def test_programs_without_own_classes_are_left_out(forty_against_35, province):
    text = paragraph(province)
    assert "trung cấp lý luận chính trị" not in text  # TCLL classes are all co-organised: their own line
    assert "bồi dưỡng các chương trình chuyên đề" not in text  # no CD class at all
    assert text.count("phối hợp với Trường Chính trị tỉnh mở 11 lớp") == 1


def test_a_decrease(center):
    open_classes(center, 2, learners=2)
    open_classes(center, 4, start="06/02/2022", learners=4)
    assert paragraph(center) == (
        f"Quý I/2023, {LAO_CAI_CITY} đã mở 2 lớp với 2 lượt học viên, "
        "trong đó bồi dưỡng đối tượng kết nạp Đảng 2 lớp; "
        "so với cùng kỳ năm 2022 giảm 2 lớp (-50,0%), số lượt học viên giảm 2 lượt (-50,0%)."
    )


def test_the_same_as_a_year_earlier(center):
    open_classes(center, 3, prog="DVM", learners=6)
    open_classes(center, 3, start="06/02/2022", learners=6)
    assert paragraph(center) == (
        f"Quý I/2023, {LAO_CAI_CITY} đã mở 3 lớp với 6 lượt học viên, "
        "trong đó bồi dưỡng đảng viên mới 3 lớp; bằng cùng kỳ năm 2022."
    )


def test_as_many_classes_but_more_learners(center):
    open_classes(center, 2, learners=3)
    open_classes(center, 2, start="06/02/2022", learners=2)
    assert paragraph(center).endswith("; so với cùng kỳ năm 2022 số lớp bằng, số lượt học viên tăng 1 lượt (+50,0%).")


def test_a_unit_with_no_classes_at_all(center, other_center, province):
    assert paragraph(center) == f"Quý I/2023, {LAO_CAI_CITY} chưa mở lớp nào."
    assert paragraph(province, basis=Basis.ALL) == (
        "Quý I/2023, các trung tâm chính trị cấp huyện, thành phố chưa mở lớp nào "
        "(số liệu gồm cả báo cáo chưa được phê duyệt)."
    )


def test_a_unit_with_nothing_a_year_earlier(center):
    open_classes(center, 1, learners=2)
    assert paragraph(center) == (
        f"Quý I/2023, {LAO_CAI_CITY} đã mở 1 lớp với 2 lượt học viên, "
        "trong đó bồi dưỡng đối tượng kết nạp Đảng 1 lớp; cùng kỳ năm 2022 chưa có số liệu để so sánh."
    )


def test_results_completion_and_plan(center):
    (course,) = open_classes(center, 1)
    fill(course, "gioi", "kha", "trung_binh", "khong_dat", "")
    last_quarter = ReportFactory(center=center, year=2022, quarter=4)
    PlanLine.objects.create(report=last_quarter, program=program("KND"), planned_classes=2)
    PlanLine.objects.create(report=last_quarter, program=program("DVM"), planned_classes=2)
    text = paragraph(center)
    assert "trong đó bồi dưỡng đối tượng kết nạp Đảng 1 lớp;" in text
    assert "đảng viên mới" not in text  # planned, but no class opened
    assert text.endswith(
        " Trong 4 lượt học viên đã có kết quả, xếp loại giỏi 25,0%, khá 25,0%, trung bình 25,0%, "
        "không đạt 25,0%; tỷ lệ hoàn thành 75,0%. Số lớp mở đạt 25,0% kế hoạch (1/4 lớp)."
    )


def test_a_province_that_asks_for_unapproved_data_is_told_so(center, other_center, province):
    open_classes(center, 3)
    # nothing approved, and the paragraph says on how many centers' reports its figures stand
    assert paragraph(province).endswith("chưa mở lớp nào (tính theo báo cáo đã được phê duyệt của 0/2 trung tâm).")
    text = paragraph(province, basis=Basis.SUBMITTED)
    assert text.endswith(  # a draft is not submitted
        "chưa mở lớp nào (số liệu gồm cả báo cáo chưa được phê duyệt; tính theo báo cáo đã gửi của 0/2 trung tâm)."
    )
    text = paragraph(province, basis=Basis.ALL)
    assert text.startswith("Quý I/2023, các trung tâm chính trị cấp huyện, thành phố đã mở 3 lớp với 0 lượt học viên")
    assert text.endswith("chưa có số liệu để so sánh (số liệu gồm cả báo cáo chưa được phê duyệt).")


def test_a_comparison_on_some_centers_reports_says_on_how_many(center, other_center, province):
    """Six of nine centers approved read as a fall against last year's nine: the paragraph says so."""
    open_classes(center, 3)
    open_classes(other_center, 2)
    open_classes(center, 4, start="06/02/2022")
    open_classes(other_center, 2, start="06/02/2022")
    approve_all(center, other_center, years=(2022,))
    approve_all(center, years=(2023,))
    text = paragraph(province)
    assert "đã mở 3 lớp" in text
    assert text.endswith("giảm 3 lớp (-50,0%) (tính theo báo cáo đã được phê duyệt của 1/2 trung tâm).")
    approve_all(other_center, years=(2023,))
    assert paragraph(province).endswith("so với cùng kỳ năm 2022 giảm 1 lớp (-16,7%).")  # all in: nothing to add
    assert "tính theo" in paragraph(province, "2023")  # the year: 2 of 8 quarterly reports approved
    assert paragraph(province, "2023").endswith("(tính theo 2/8 báo cáo quý đã được phê duyệt).")


@pytest.mark.parametrize(
    ("key", "start", "earlier"),
    [
        ("2023-H1", "6 tháng đầu năm 2023", "so với cùng kỳ năm 2022"),
        ("2023-9M", "9 tháng năm 2023", "so với cùng kỳ năm 2022"),
        ("2023", "Năm 2023", "so với năm 2022"),
    ],
)
def test_longer_periods(center, key, start, earlier):
    open_classes(center, 2, start="06/05/2023", learners=1)
    open_classes(center, 1, start="06/05/2022", learners=1)
    text = paragraph(center, key)
    assert text.startswith(f"{start}, {LAO_CAI_CITY} đã mở 2 lớp với 1 lượt học viên")
    assert text.endswith(f"; {earlier} tăng 1 lớp (+100,0%), số lượt học viên bằng.")


def test_the_national_paragraph(forty_against_35, far_center):
    open_classes(far_center, 2, prog="NQ")
    approve_all(far_center, years=(2023,))
    text = paragraph(central_unit())
    assert text.startswith(
        "Quý I/2023, các trung tâm chính trị cấp huyện trên toàn quốc đã mở 42 lớp với 1.234 lượt học viên"
    )
    assert "học tập, quán triệt nghị quyết, chỉ thị 2 lớp" in text


def test_a_renamed_center_is_named_as_it_was_then(center):
    UnitName.objects.create(
        unit=center,
        name="Trung tâm bồi dưỡng chính trị thị xã Lào Cai",
        valid_from=datetime.date(2000, 1, 1),
        valid_to=datetime.date(2023, 6, 30),
    )
    open_classes(center, 1)
    assert paragraph(center).startswith("Quý I/2023, Trung tâm bồi dưỡng chính trị thị xã Lào Cai đã mở 1 lớp")
    assert paragraph(center, "2023-Q4").startswith(f"Quý IV/2023, {LAO_CAI_CITY} chưa mở lớp nào")


# == shortcomings and proposals ==================================================================================
@pytest.fixture
def written(forty_against_35, center, other_center, province):
    """Both centers' approved 2023-Q1 reports say what went wrong; a third center's draft does too."""
    CenterReport.objects.filter(center=center, year=2023, quarter=1).update(
        shortcomings="Thiếu giảng viên kiêm chức.", proposals="Đề nghị bổ sung kinh phí mở lớp."
    )
    CenterReport.objects.filter(center=other_center, year=2023, quarter=1).update(shortcomings="Hội trường xuống cấp.")
    ReportFactory(center=CenterFactory(parent=province, code="083"), shortcomings="Bản nháp chưa gửi.")


def test_shortcomings_and_proposals_under_their_headings_with_the_center_name(written, province):
    text = briefing.generate(unit=province, period=Q1_2023)
    figures, shortcomings, proposals = text.split("\n\n")
    assert figures == paragraph(province)
    assert shortcomings == (
        f"Tồn tại, hạn chế:\n- {LAO_CAI_CITY}: Thiếu giảng viên kiêm chức.\n- {BAT_XAT}: Hội trường xuống cấp."
    )
    assert proposals == f"Đề xuất, kiến nghị:\n- {LAO_CAI_CITY}: Đề nghị bổ sung kinh phí mở lớp."
    assert "Bản nháp chưa gửi." not in text


def test_a_centers_own_briefing_lists_its_points_without_its_name(written, center):
    text = briefing.generate(unit=center, period=Q1_2023)
    assert text.endswith(
        "Tồn tại, hạn chế:\n- Thiếu giảng viên kiêm chức.\n\nĐề xuất, kiến nghị:\n- Đề nghị bổ sung kinh phí mở lớp."
    )


def test_the_same_point_in_two_quarters_is_written_once(written, center, province):
    approve(center, 2023, 2)
    CenterReport.objects.filter(center=center, year=2023, quarter=2).update(shortcomings="Thiếu giảng viên kiêm chức.")
    text = briefing.generate(unit=province, period=Period.parse("2023-H1"))
    assert text.count("Thiếu giảng viên kiêm chức.") == 1


def test_no_headings_when_nobody_wrote_anything(forty_against_35, province):
    text = briefing.generate(unit=province, period=Q1_2023)
    assert "Tồn tại, hạn chế:" not in text and "Đề xuất, kiến nghị:" not in text


def test_the_national_briefing_counts_the_points_by_province_and_leaves_them_to_its_report(written):
    """Thousands of points nationally: a line a province, never "none" when centers wrote some."""
    text = briefing.generate(unit=central_unit(), period=Q1_2023)
    _, shortcomings, proposals = text.split("\n\n")
    assert shortcomings == (
        "Tồn tại, hạn chế:\n- Tỉnh Lào Cai: 2 trung tâm nêu 2 ý kiến (chi tiết trong báo cáo của tỉnh Lào Cai)."
    )
    assert proposals == (
        "Đề xuất, kiến nghị:\n- Tỉnh Lào Cai: 1 trung tâm nêu 1 ý kiến (chi tiết trong báo cáo của tỉnh Lào Cai)."
    )


def test_the_national_count_takes_a_point_repeated_in_two_quarters_once_and_blank_text_as_none(written, center):
    approve(center, 2023, 2)
    CenterReport.objects.filter(center=center, year=2023, quarter=2).update(
        shortcomings=" Thiếu giảng viên kiêm chức. ", proposals="   "
    )
    text = briefing.generate(unit=central_unit(), period=Period.parse("2023-H1"))
    assert "- Tỉnh Lào Cai: 2 trung tâm nêu 2 ý kiến" in text.split("\n\n")[1]
    assert text.split("\n\n")[2].startswith("Đề xuất, kiến nghị:\n- Tỉnh Lào Cai: 1 trung tâm nêu 1 ý kiến")


# == the board edits the briefing =================================================================================
def test_the_board_sees_the_generated_text_until_it_edits(login, board_user, province, forty_against_35):
    body = login(board_user).get(briefing_url(province)).content.decode()
    assert "Bản tự động, viết từ số liệu hiện có." in body
    assert "tăng 5 lớp (+14,3%)" in body
    assert not Briefing.objects.exists()


def test_the_edited_text_becomes_current(login, board_user, province, forty_against_35):
    edited = paragraph(province).replace("Quý I/2023,", "Trong quý I/2023,") + "\n\nNhận định thêm của Ban."
    response = login(board_user).post(briefing_url(province), {"text": edited}, follow=True)
    body = response.content.decode()
    assert "Đã lưu đoạn tổng hợp; bản này sẽ được dùng khi xuất báo cáo." in body
    assert "Bản đã sửa bởi Nguyễn Thị Hạnh" in body
    text, version, _outdated = briefing.current(unit=province, period=Q1_2023)
    assert text == edited
    assert (version.edited_by, version.is_generated, version.period_key) == (board_user, False, "2023-Q1")
    # Read by a query compiled once: the newest version, loaded as the queryset's `.first()` loads it (who saved
    # it cached with it).
    newest = Briefing.objects.filter(unit=province, period_key="2023-Q1", basis=Basis.APPROVED)
    newest = newest.select_related("edited_by").first()
    assert version.__dict__.keys() == newest.__dict__.keys()
    assert {k: v for k, v in version.__dict__.items() if k != "_state"} == {
        k: v for k, v in newest.__dict__.items() if k != "_state"
    }
    assert version._state.fields_cache["edited_by"].__dict__.keys() == newest.edited_by.__dict__.keys()


def test_an_edit_belongs_to_the_data_basis_it_was_written_on(login, board_user, province, center):
    """Edited on all the data (drafts included), the text must not stand beside the approved figures."""
    open_classes(center, 2)  # entered, not yet approved
    client = login(board_user)
    on_all = briefing_url(province) + "?so_lieu=all"
    edited = briefing.generate(unit=province, period=Q1_2023, basis="all") + " Ban nhận định thêm."
    assert "đã mở 2 lớp" in edited
    response = client.post(on_all, {"text": edited}, follow=True)
    assert response.redirect_chain[-1][0].endswith("?so_lieu=all")  # back on the basis it was edited on
    assert "Số liệu: Tất cả số liệu đã nhập (gồm cả bản nháp)." in response.content.decode()
    assert briefing.current(unit=province, period=Q1_2023, basis="all")[0] == edited
    text, version, _outdated = briefing.current(unit=province, period=Q1_2023)  # the approved figures
    assert version is None and "Ban nhận định thêm." not in text
    assert "chưa mở lớp nào" in text
    body = client.get(briefing_url(province)).content.decode()
    assert "Ban nhận định thêm." not in body and "Số liệu: Chỉ số liệu đã phê duyệt." in body
    assert run("briefing", "--unit", "10", "--period", "2023-Q1", "--basis", "all").strip() == edited.strip()
    assert "Ban nhận định thêm." not in run("briefing", "--unit", "10", "--period", "2023-Q1")


def test_an_empty_edit_is_refused(login, board_user, province, forty_against_35):
    response = login(board_user).post(briefing_url(province), {"text": "   "})
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in response.content.decode()
    assert not Briefing.objects.exists()


def test_regenerating_puts_the_generated_text_back_and_keeps_the_edit(login, board_user, province, center):
    open_classes(center, 2)
    approve_all(center, years=(2023,))
    client = login(board_user)
    client.post(briefing_url(province), {"text": "Bản Ban đã sửa."})
    open_classes(center, 1, start="07/02/2023")  # figures change after the edit
    response = client.post(briefing_url(province), {"regenerate": "1"}, follow=True)
    assert "Đã tạo lại đoạn tổng hợp từ số liệu." in response.content.decode()
    text, version, _outdated = briefing.current(unit=province, period=Q1_2023)
    assert text == briefing.generate(unit=province, period=Q1_2023)
    assert "đã mở 3 lớp" in text
    assert version.is_generated
    versions = list(Briefing.objects.filter(unit=province, period_key="2023-Q1").order_by("pk"))
    assert [(v.text, v.is_generated) for v in versions] == [("Bản Ban đã sửa.", False), (text, True)]


def test_an_edit_the_figures_changed_under_gives_way_to_the_generated_text_and_says_so(
    login, board_user, province, center
):
    """An edit keeps its figures; once a class is added and approved, pages and files must not say the old ones."""
    open_classes(center, 2)
    approve_all(center, years=(2023,))
    client = login(board_user)
    edited = briefing.generate(unit=province, period=Q1_2023) + "\n\nBan đánh giá thêm: đạt yêu cầu."
    client.post(briefing_url(province), {"text": edited})
    assert briefing.current(unit=province, period=Q1_2023) == (edited, Briefing.objects.get(), False)
    dashboard = reverse("reports:dashboard", args=["10", "2023-Q1"])
    assert "data-briefing-outdated" not in client.get(dashboard).content.decode()

    CenterReport.objects.filter(center=center).update(status="draft")  # unlocked to add a class, approved again
    open_classes(center, 1, start="07/02/2023")
    CenterReport.objects.filter(center=center).update(status="approved")

    maintained.figures_changed([(center.pk, 2023)])  # the raw status update above bypasses the signals
    text, version, outdated = briefing.current(unit=province, period=Q1_2023)
    assert outdated and version.text == edited and "đã mở 3 lớp" in text and "Ban đánh giá thêm" not in text
    body = client.get(dashboard).content.decode()
    assert "Số liệu đã thay đổi sau khi Nguyễn Thị Hạnh sửa đoạn tổng hợp lúc" in body
    assert "đã mở 3 lớp" in body and "đã mở 2 lớp" not in body
    page = client.get(briefing_url(province)).content.decode()
    assert "bản đã sửa trước vẫn được lưu" in page and "Ban đánh giá thêm: đạt yêu cầu." in page  # kept, shown apart
    from docx import Document

    response = client.get(reverse("reports:export_docx", args=["10", "2023-Q1"]))
    texts = [p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs]
    assert any("đã mở 3 lớp" in t for t in texts) and not any("Ban đánh giá thêm" in t for t in texts)


def test_an_edit_from_the_browser_keeps_its_sections_in_the_word_report(login, board_user, province, center):
    """A text area sends CRLF line ends: the edit is stored with LF, so the report still finds its sections."""
    open_classes(center, 2)
    approve_all(center, years=(2023,))
    CenterReport.objects.filter(center=center, year=2023).update(shortcomings="Thiếu giảng viên kiêm chức.")

    maintained.figures_changed([(center.pk, 2023)])
    client = login(board_user)
    generated = briefing.generate(unit=province, period=Q1_2023)
    assert "Tồn tại, hạn chế:" in generated
    client.post(briefing_url(province), {"text": generated.replace("\n", "\r\n") + "\r\nBan bổ sung."})
    assert Briefing.objects.get().text == generated + "\nBan bổ sung."
    from docx import Document

    response = client.get(reverse("reports:export_docx", args=["10", "2023-Q1"]))
    texts = [p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs]
    section = texts[texts.index("II. TỒN TẠI, HẠN CHẾ") + 1 : texts.index("III. ĐỀ XUẤT, KIẾN NGHỊ")]
    assert section == ["- Trung tâm chính trị thành phố Lào Cai: Thiếu giảng viên kiêm chức.", "Ban bổ sung."]
    assert not any("Tồn tại, hạn chế:" in t for t in texts)  # split into its section, not left in section I


def test_the_command_prints_the_edited_version_unless_asked_for_the_generated_one(board_user, province, center):
    open_classes(center, 2)
    approve_all(center, years=(2023,))
    Briefing.objects.create(unit=province, period_key="2023-Q1", text="Bản Ban đã sửa.", edited_by=board_user)
    assert run("briefing", "--unit", "10", "--period", "2023-Q1").strip() == "Bản Ban đã sửa."
    generated = run("briefing", "--unit", "10", "--period", "2023-Q1", "--generated")
    assert generated.strip() == briefing.generate(unit=province, period=Q1_2023)


@pytest.mark.parametrize(
    ("user_fixture", "key", "expected"),
    [
        ("central_user", "10", 403),  # sees the province, does not write its briefing
        ("center_user", "10-080", 403),  # its own center's page: read only
        ("center_user", "10", 404),  # a center does not see its province at all (centers/scoping.py)
        ("other_board_user", "10", 404),
        ("board_user", "10-080", 404),  # the board writes the province's briefing, not a center's
    ],
)
def test_only_the_provinces_board_writes_its_briefing(request, login, center, user_fixture, key, expected):
    client = login(request.getfixturevalue(user_fixture))
    address = reverse("reports:briefing", args=[key, "2023-Q1"])
    assert client.post(address, {"text": "Sửa trái phép."}).status_code == expected
    assert client.post(address, {"regenerate": "1"}).status_code == expected
    assert not Briefing.objects.exists()


@pytest.mark.parametrize(("user_fixture", "key"), [("center_user", "10-080"), ("central_user", "10")])
def test_others_read_the_briefing_without_a_form(request, login, center, forty_against_35, user_fixture, key):
    body = login(request.getfixturevalue(user_fixture)).get(reverse("reports:briefing", args=[key, "2023-Q1"]))
    assert body.status_code == 200
    assert "data-briefing" in body.content.decode()
    assert 'name="regenerate"' not in body.content.decode()


# == the briefing command ==========================================================================================
def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_paragraph(forty_against_35, province):
    printed = run("briefing", "--unit", "10", "--period", "2023-Q1")
    assert printed.strip() == paragraph(province)
    assert "tăng 5 lớp (+14,3%)" in printed


def test_the_command_takes_a_basis(center, province):
    open_classes(center, 3)
    assert "chưa mở lớp nào (tính theo báo cáo đã được phê duyệt của 0/1 trung tâm)." in run(
        "briefing", "--unit", "10", "--period", "2023-Q1"
    )
    assert "đã mở 3 lớp" in run("briefing", "--unit", "10", "--period", "2023-Q1", "--basis", "all")
    assert "đã mở 3 lớp" in run("briefing", "--unit", "10-080", "--period", "2023-Q1")


@pytest.mark.parametrize(
    ("unit", "period", "message"),
    [
        ("10", "2023-Q5", "Kỳ báo cáo “2023-Q5” không hợp lệ. Dùng dạng 2023-Q1, 2023-H1, 2023-9M hoặc 2023."),
        ("10", "quy1", "Kỳ báo cáo “quy1” không hợp lệ."),
        ("99", "2023-Q1", "Không có đơn vị mã “99”."),
    ],
)
def test_the_command_fails_clearly(province, unit, period, message):
    with pytest.raises(CommandError) as error:
        run("briefing", "--unit", unit, "--period", period)
    assert str(error.value).startswith(message)


# == reminders =====================================================================================================
@pytest.fixture
def staff_with_email(center_user, other_center_user, far_center_user):
    for user, address in (
        (center_user, "trungtam@laocai.vn"),
        (other_center_user, "batxat@laocai.vn"),
        (far_center_user, "tphatinh@hatinh.vn"),
    ):
        user.email = address
        user.save()


def test_reminders_go_to_the_staff_of_centers_that_have_not_submitted(staff_with_email, center, other_center):
    approve(center, 2023, 1)
    ReportFactory(center=other_center)  # a draft is not a report sent
    printed = run("send_reminders", "--period", "2023-Q1")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["batxat@laocai.vn", "tphatinh@hatinh.vn"]
    reminder = next(m for m in mail.outbox if m.to == ["batxat@laocai.vn"])
    assert reminder.subject == "Nhắc gửi báo cáo quý I/2023"
    assert f"Kính gửi {BAT_XAT}" in reminder.body
    assert "(hạn nộp 05/04/2023)" in reminder.body
    assert "Ban Tuyên giáo Tỉnh ủy Lào Cai" in reminder.body
    assert "Đã gửi 2 thư nhắc cho 2 trung tâm chưa gửi báo cáo." in printed


def test_a_submitted_report_is_not_reminded(staff_with_email, center, other_center, far_center):
    for unit in (center, other_center, far_center):
        ReportFactory(center=unit, status=CenterReport.Status.SUBMITTED, submitted_at=timezone.now())
    run("send_reminders", "--period", "2023-Q1")
    assert mail.outbox == []


def test_no_reminder_before_a_later_deadline_set_by_the_board(staff_with_email, other_province, center):
    Deadline.objects.create(
        province=other_province, year=2023, quarter=1, due_on=timezone.localdate() + datetime.timedelta(days=30)
    )
    run("send_reminders", "--period", "2023-Q1")
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "batxat@laocai.vn",
        "trungtam@laocai.vn",
    ]


def test_reminders_skip_retired_centers_and_inactive_staff(staff_with_email, province, other_center_user, far_center):
    retired = CenterFactory(parent=province, code="086", active_to=datetime.date(2022, 12, 31), email="cu@laocai.vn")
    Staff.objects.create(user=UserFactory(username="cu", email="nguoicu@laocai.vn"), unit=retired)
    other_center_user.is_active = False
    other_center_user.save()
    far_center.email = "ttct@hatinh.vn"
    far_center.save()
    run("send_reminders", "--period", "2023-Q1")
    recipients = sorted(tuple(message.to) for message in mail.outbox)
    assert recipients == [("tphatinh@hatinh.vn", "ttct@hatinh.vn"), ("trungtam@laocai.vn",)]


def test_a_dry_run_sends_nothing(staff_with_email):
    printed = run("send_reminders", "--period", "2023-Q1", "--dry-run")
    assert "Chạy thử: 3 thư sẽ được gửi." in printed
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("period", "message"), [("2023", "Chỉ nhắc báo cáo theo quý"), ("2023-Q9", "Kỳ báo cáo “2023-Q9” không hợp lệ")]
)
def test_reminders_need_a_quarter(period, message):
    with pytest.raises(CommandError) as error:
        run("send_reminders", "--period", period)
    assert str(error.value).startswith(message)


def test_a_province_is_named_once_as_a_province_or_a_city():
    from reports.briefing import _area

    assert _area(ProvinceFactory.build(area_name="Lào Cai")) == "tỉnh Lào Cai"
    assert _area(ProvinceFactory.build(area_name="Hải Phòng", area_kind=Unit.AreaKind.CITY)) == "thành phố Hải Phòng"
    hcm = ProvinceFactory.build(area_name="Thành phố Hồ Chí Minh", area_kind=Unit.AreaKind.CITY)
    assert _area(hcm) == "Thành phố Hồ Chí Minh"  # not "thành phố Thành phố Hồ Chí Minh"
