"""A person who moves to another district: the board hands the learner's record to the new center.

The new center then enrols them; the classes they attended keep them, with their results, and count where they
were held. Only the board of the province holding the record does it, with a reason kept in the history; bad input
writes nothing and says why in Vietnamese."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from centers.periods import Period
from centers.scoping import Scope
from courses import services
from courses.models import Enrolment, Learner
from reports.figures import counting

from .factories import CenterFactory, CourseFactory, EnrolmentFactory, LearnerFactory
from .test_courses import learner_post
from .test_import import AN_CCCD, assert_refused, klass, learner, xlsx

pytestmark = pytest.mark.django_db

CCCD = "010088001111"


def transfer(
    client, learner, to_center, reason="Chuyển công tác về huyện Bát Xát từ 01/10/2026", version=None, confirm=False
):
    data = {"to_center": to_center.pk if to_center else "", "reason": reason}
    if confirm:
        data["other_province_confirmed"] = "on"
    data["version"] = learner.version if version is None else version
    return client.post(reverse("courses:learner_transfer", args=[learner.pk]), data)


@pytest.fixture
def attended(center):
    """A learner of the center with a result in one of its classes."""
    person = LearnerFactory(center=center, full_name="Hoàng Văn Nam", national_id=CCCD)
    course = CourseFactory(center=center, start_date=datetime.date(2026, 2, 3))
    EnrolmentFactory(course=course, learner=person, result="gioi")
    return person


def test_the_board_hands_a_learner_to_another_center_which_then_enrols_them(
    login, board_user, center, other_center, center_user, other_center_user, province, attended
):
    before = counting.rollup(unit=province, period=Period.parse("2026"), basis="all")
    response = transfer(login(board_user), attended, other_center)
    assert response.status_code == 302 and response["Location"] == reverse("courses:learner_detail", args=[attended.pk])
    attended.refresh_from_db()
    assert attended.center == other_center and attended.version == 2

    page = login(board_user).get(response["Location"]).content.decode()
    assert "Đã chuyển học viên “Hoàng Văn Nam” về Trung tâm chính trị huyện Bát Xát" in page
    assert (
        "Trung tâm quản lý: Trung tâm chính trị thành phố Lào Cai → Trung tâm chính trị huyện Bát Xát "
        "(lý do: Chuyển công tác về huyện Bát Xát từ 01/10/2026)"
    ) in page

    # The new center finds them by CCCD and puts them in its class; creating them again is not needed.
    new_class = CourseFactory(center=other_center, start_date=datetime.date(2026, 10, 5))
    client = login(other_center_user)
    found = client.get(reverse("courses:course_detail", args=[new_class.pk]), {"q": CCCD}).content.decode()
    assert "Hoàng Văn Nam" in found
    added = client.post(reverse("courses:course_add_learner", args=[new_class.pk]), {"learner": attended.pk})
    assert added.status_code == 302 and Enrolment.objects.filter(course=new_class, learner=attended).exists()

    # The old class keeps them with their result, its center still opens their page, and the figures stay put.
    old = Enrolment.objects.get(learner=attended, course__center=center)
    assert old.result == "gioi" and old.removed_at is None
    old_view = login(center_user).get(reverse("courses:learner_detail", args=[attended.pk])).content.decode()
    assert "Học viên nay do Trung tâm chính trị huyện Bát Xát quản lý" in old_view
    assert CCCD not in old_view and f"********{CCCD[-4:]}" in old_view  # as its rosters show it
    assert "Lịch sử thay đổi" not in old_view and "Chuyển công tác" not in old_view
    after = counting.rollup(unit=province, period=Period.parse("2026"), basis="all")
    assert after.total.enrolments == before.total.enrolments + 1  # the new class only
    assert after.by_center[center.pk] == before.by_center[center.pk]
    services.results_record(  # the old center still corrects the result in its class
        scope=Scope.for_user(center_user),
        course=old.course,
        entries=[services.ResultEntry(old.pk, score="7,5", version=old.version)],  # a class of 2026: scored
    )
    assert Enrolment.objects.get(pk=old.pk).result == "kha"
    call_command("check_aggregates", stdout=io.StringIO())


def test_the_new_centers_page_names_the_old_centers_class_without_a_link_it_cannot_open(
    login, board_user, other_center, other_center_user, attended
):
    transfer(login(board_user), attended, other_center)
    page = login(other_center_user).get(reverse("courses:learner_detail", args=[attended.pk])).content.decode()
    old = attended.enrolments.get().course
    assert old.title in page and "(Trung tâm chính trị thành phố Lào Cai)" in page
    assert reverse("courses:course_detail", args=[old.pk]) not in page
    assert "Chuyển hồ sơ học viên" not in page  # a center does not hand records over


@pytest.mark.parametrize(
    ("role", "status"),
    [("center_user", 403), ("far_center_user", 404), ("other_board_user", 404), ("central_user", 403)],
)
def test_only_the_board_holding_the_record_hands_it_over(request, login, role, status, other_center, attended):
    response = transfer(login(request.getfixturevalue(role)), attended, other_center)
    assert response.status_code == status
    attended.refresh_from_db()
    assert attended.center.code == "080" and attended.version == 1 and attended.history.count() == 1


@pytest.mark.parametrize(
    ("target", "reason", "message"),
    [
        ("other", "", "Hãy ghi lý do chuyển"),
        ("other", "x" * 101, "Lý do chuyển dài tối đa 100 ký tự (đang có 101 ký tự)."),
        ("same", "Chuyển công tác", "Hãy chọn một trung tâm chính trị đang hoạt động"),
        ("retired", "Chuyển công tác", "Hãy chọn một trung tâm chính trị đang hoạt động"),
        ("none", "Chuyển công tác", "Hãy chọn một trung tâm chính trị đang hoạt động"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_writes_nothing(
    login, board_user, center, other_center, attended, target, reason, message
):
    if target == "retired":
        other_center.active_to = datetime.date(2025, 6, 30)
        other_center.save()
    to = {"other": other_center, "same": center, "retired": other_center, "none": None}[target]
    response = transfer(login(board_user), attended, to, reason=reason)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    attended.refresh_from_db()
    assert attended.center == center and attended.version == 1 and attended.history.count() == 1


def test_a_transfer_based_on_an_older_version_of_the_learner_is_refused(login, board_user, other_center, attended):
    attended.workplace = "UBND xã Cốc San"
    attended.version = 2
    attended.save()
    response = transfer(login(board_user), attended, other_center, version=1)
    assert response.status_code == 400 and "vừa được người khác sửa" in response.content.decode()
    assert Learner.objects.get(pk=attended.pk).center.code == "080"


def test_a_learner_handed_to_another_province_is_no_longer_the_boards_to_move(
    login, board_user, center, far_center, far_center_user, attended, other_center
):
    client = login(board_user)
    refused = transfer(client, attended, far_center)  # out of the province for good: confirmed, or nothing
    assert refused.status_code == 400
    assert "Trung tâm chính trị thành phố Hà Tĩnh thuộc Hà Tĩnh, ngoài tỉnh" in refused.content.decode()
    assert Learner.objects.get(pk=attended.pk).center == center
    response = transfer(client, attended, far_center, confirm=True)
    page = reverse("courses:learner_detail", args=[attended.pk])
    assert response.status_code == 302 and response["Location"] == page  # still seen: a class of the province
    body = client.get(page).content.decode()
    assert "Trung tâm chính trị thành phố Hà Tĩnh" in body and "Chuyển hồ sơ học viên" not in body
    assert transfer(client, Learner.objects.get(pk=attended.pk), center).status_code == 404
    assert login(far_center_user).get(page).status_code == 200

    # One never enrolled in the province: the board is sent to the search, the page being out of its sight.
    newcomer = LearnerFactory(center=center)
    response = transfer(login(board_user), newcomer, far_center, confirm=True)
    assert response.status_code == 302 and response["Location"] == reverse("courses:learner_list")
    assert login(board_user).get(reverse("courses:learner_detail", args=[newcomer.pk])).status_code == 404


def test_the_choice_lists_the_provinces_own_centers_first_and_only_active_ones(
    login, board_user, center, other_center, far_center, attended
):
    retired = CenterFactory(parent=center.parent, code="083", active_to=datetime.date(2025, 6, 30))
    page = login(board_user).get(reverse("courses:learner_detail", args=[attended.pk])).content.decode()
    form = page[page.index('name="to_center"') : page.index("</select>", page.index('name="to_center"'))]
    assert form.index('<optgroup label="Lào Cai">') < form.index('<optgroup label="Hà Tĩnh">')
    assert f'value="{other_center.pk}"' in form and f'value="{far_center.pk}"' in form
    assert f'value="{retired.pk}"' not in form and f'value="{center.pk}"' not in form


def test_the_board_finds_a_learner_of_its_centers_by_cccd_with_the_number_masked(
    login, board_user, other_board_user, attended
):
    page = login(board_user).get(reverse("courses:learner_list"), {"q": CCCD}).content.decode()
    assert "Hoàng Văn Nam" in page and "Trung tâm chính trị thành phố Lào Cai" in page
    table = page[page.index("<tbody>") :]  # the search box above it holds what was typed
    assert CCCD not in table and CCCD[-4:] in table
    assert reverse("courses:learner_detail", args=[attended.pk]) in page
    other = login(other_board_user).get(reverse("courses:learner_list"), {"q": CCCD}).content.decode()
    assert "Hoàng Văn Nam" not in other and "Không tìm thấy học viên nào." in other


def test_a_cccd_held_in_the_province_points_to_the_boards_transfer(login, other_center_user, other_center, attended):
    course = CourseFactory(center=other_center, start_date=datetime.date(2026, 10, 5))
    body = login(other_center_user).post(
        reverse("courses:course_add_learner", args=[course.pk]), learner_post(**{"hv-national_id": CCCD})
    )
    text = body.content.decode()
    assert (
        "đề nghị Ban Tuyên giáo và Dân vận tỉnh chuyển hồ sơ học viên về trung tâm "
        "(Ban tìm theo số CCCD ở mục Học viên)" in text
    )
    assert "Hoàng Văn Nam" not in text


def test_a_cccd_held_in_another_province_names_that_provinces_board(login, far_center_user, far_center, attended):
    course = CourseFactory(center=far_center, start_date=datetime.date(2026, 10, 5))
    text = (
        login(far_center_user)
        .post(reverse("courses:course_add_learner", args=[course.pk]), learner_post(**{"hv-national_id": CCCD}))
        .content.decode()
    )
    assert "(ở Lào Cai)" in text and "đề nghị Ban Tuyên giáo Tỉnh ủy Lào Cai chuyển hồ sơ học viên" in text
    assert "Hoàng Văn Nam" not in text and not Learner.objects.filter(center=far_center).exists()


def test_an_imported_cccd_held_in_another_province_names_that_provinces_board(far_center, far_center_user, center):
    LearnerFactory(center=center, national_id=AN_CCCD)
    data = xlsx([klass()], [learner(cccd=AN_CCCD)])
    message = assert_refused(far_center, far_center_user, data, "đề nghị Ban Tuyên giáo Tỉnh ủy Lào Cai chuyển hồ sơ")
    assert "số CCCD này đã được đăng ký cho một học viên do đơn vị khác quản lý (ở Lào Cai)" in message


def test_a_learner_loaded_before_the_history_began_shows_both_centers_after_a_transfer(
    login, board_user, center, other_center
):
    loaded = Learner.objects.bulk_create([LearnerFactory.build(center=center, full_name="Lò Văn Páo")])[0]
    assert not loaded.history.exists()
    transfer(login(board_user), loaded, other_center, reason="Chuyển về Bát Xát")
    page = login(board_user).get(reverse("courses:learner_detail", args=[loaded.pk])).content.decode()
    assert "hệ thống · Tạo mới" in page
    assert "Trung tâm quản lý: Trung tâm chính trị thành phố Lào Cai → Trung tâm chính trị huyện Bát Xát" in page
    assert "Không có bản ghi trước" not in page


def test_the_address_of_a_refused_transfer_opened_again_leads_back_to_the_learner(login, board_user, attended):
    response = login(board_user).get(reverse("courses:learner_transfer", args=[attended.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:learner_detail", args=[attended.pk])


def test_the_service_records_who_moved_the_learner_without_a_request(board_user, other_center, attended):
    services.learner_transfer(
        scope=Scope.for_user(board_user),
        learner=attended,
        version=attended.version,
        to_center=other_center,
        reason="Chuyển",
        user=board_user,
    )
    record = attended.history.order_by("-history_id").first()
    assert record.history_user == board_user and record.history_change_reason == "Chuyển"
    assert record.center_id == other_center.pk
