"""The read API (#26): personal tokens, the pages' scope, the dashboard's figures, pagination, throttling, schema."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from centers import api_tokens
from centers.models import AccountEvent, ApiToken, Staff, Unit, UnitName
from courses.models import Enrolment
from reports.figures import counting

from .factories import CenterFactory, CourseFactory, EnrolmentFactory, ReportFactory

pytestmark = pytest.mark.django_db


def bearer(client, user, name="tích hợp"):
    _, secret = api_tokens.create(user, name)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture
def api(client):
    client.defaults["HTTP_ACCEPT"] = "application/json"
    return client


@pytest.fixture
def classes(center, other_center, far_center):
    """Lào Cai: 2 classes at center (3 + 1 enrolments), 1 at other_center; Hà Tĩnh: 1 class."""
    first = CourseFactory(center=center, code="LC-1")
    EnrolmentFactory.create_batch(2, course=first, result=Enrolment.Result.EXCELLENT)
    EnrolmentFactory(course=first, result=Enrolment.Result.GOOD)
    EnrolmentFactory(course=CourseFactory(center=center, code="LC-2"))
    EnrolmentFactory(course=CourseFactory(center=other_center, code="LC-3"))
    EnrolmentFactory(course=CourseFactory(center=far_center, code="HT-1"))


# -- tokens --------------------------------------------------------------------------------------------------------
def test_a_token_is_shown_once_kept_as_a_hash_and_its_creation_logged(login, center_user):
    client = login(center_user)
    response = client.post(reverse("accounts:api_token_create"), {"name": "Hệ thống của Ban", "days": "30"})
    assert response.status_code == 200
    secret = response.content.decode().split("data-secret>")[1].split("<")[0]
    assert secret.startswith("llct_") and len(secret) > 40
    token = ApiToken.objects.get(user=center_user)
    assert secret not in (token.key_hash, token.prefix) and secret.startswith(token.prefix)
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    assert AccountEvent.objects.filter(user=center_user, kind=AccountEvent.Kind.API_TOKEN_CREATED).count() == 1
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Hệ thống của Ban" in page and token.prefix in page and secret not in page


def test_a_token_without_a_name_is_refused_in_vietnamese_and_nothing_is_written(login, center_user):
    response = login(center_user).post(reverse("accounts:api_token_create"), {"name": "  "}, follow=True)
    assert "Đặt tên gợi nhớ" in response.content.decode() or "bắt buộc" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_at_most_five_live_tokens(center_user, settings):
    for n in range(5):
        api_tokens.create(center_user, f"mã {n}")
    with pytest.raises(Exception, match="tối đa 5 mã"):
        api_tokens.create(center_user, "mã thứ sáu")
    api_tokens.revoke(center_user, ApiToken.objects.first().pk)
    api_tokens.create(center_user, "mã thay thế")
    assert ApiToken.objects.filter(user=center_user, revoked_at__isnull=True).count() == 5


def test_a_revoked_expired_or_deactivated_token_reads_nothing(api, center_user, login):
    token, secret = api_tokens.create(center_user, "tích hợp")
    api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert api.get(reverse("api:units")).status_code == 200
    login(center_user).post(reverse("accounts:api_token_revoke", args=[token.pk]))
    api.logout()
    response = api.get(reverse("api:units"))
    assert response.status_code == 401
    assert "đã bị thu hồi" in response.json()["detail"]

    token, secret = api_tokens.create(center_user, "hết hạn", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert api.get(reverse("api:units")).status_code == 401

    token, secret = api_tokens.create(center_user, "khóa tài khoản")
    center_user.is_active = False
    center_user.save()
    api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert api.get(reverse("api:units")).status_code == 401


def test_someone_elses_token_cannot_be_revoked(login, center_user, board_user):
    token, _ = api_tokens.create(board_user, "của Ban")
    response = login(center_user).post(reverse("accounts:api_token_revoke", args=[token.pk]), follow=True)
    assert "Không tìm thấy mã truy cập" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_without_a_token_the_api_answers_401_and_a_wrong_one_says_why(api):
    assert api.get(reverse("api:units")).status_code in (401, 403)
    api.defaults["HTTP_AUTHORIZATION"] = "Bearer llct_khong-dung"
    response = api.get(reverse("api:units"))
    assert response.status_code == 401
    assert response.json()["detail"] == "Mã truy cập không đúng, đã hết hạn hoặc đã bị thu hồi."


def test_a_temporary_password_must_be_changed_before_the_api_opens(api, center_user):
    Staff.objects.filter(user=center_user).update(must_change_password=True)
    response = bearer(api, center_user).get(reverse("api:units"))
    assert response.status_code == 403
    assert "Đổi mật khẩu tạm thời" in response.json()["detail"]


# -- scope: a token never reads outside its owner's scope ----------------------------------------------------------
def keys(response):
    assert response.status_code == 200, response.content
    return sorted(row["key"] for row in response.json()["results"])


def test_units_are_those_the_owner_may_see(api, center_user, board_user, central_user, classes, far_center):
    assert keys(bearer(api, center_user).get(reverse("api:units"))) == ["10-080"]
    assert keys(bearer(api, board_user).get(reverse("api:units"))) == ["10", "10-080", "10-082"]
    assert keys(bearer(api, central_user).get(reverse("api:units"))) == ["10", "10-080", "10-082", "42", "42-436", "VN"]


MATRIX = [
    # (user fixture, url name, args, expected status)
    ("center_user", "api:unit", ["10-080"], 200),
    ("center_user", "api:unit", ["10-082"], 404),
    ("center_user", "api:unit", ["10"], 404),
    ("center_user", "api:rollup", ["10-080", "2023"], 200),
    ("center_user", "api:rollup", ["10-082", "2023"], 404),
    ("center_user", "api:rollup", ["10", "2023"], 404),
    ("center_user", "api:rollup", ["VN", "2023"], 404),
    ("center_user", "api:completeness", ["10", "2023-Q1"], 404),
    ("center_user", "api:completeness", ["10-080", "2023-Q1"], 404),
    ("board_user", "api:unit", ["10-082"], 200),
    ("board_user", "api:unit", ["42-436"], 404),
    ("board_user", "api:rollup", ["10", "2023"], 200),
    ("board_user", "api:rollup", ["42", "2023"], 404),
    ("board_user", "api:rollup", ["VN", "2023"], 404),
    ("board_user", "api:completeness", ["10", "2023-Q1"], 200),
    ("board_user", "api:completeness", ["42", "2023-Q1"], 404),
    ("central_user", "api:rollup", ["VN", "2023"], 200),
    ("central_user", "api:rollup", ["42-436", "2023-Q1"], 200),
    ("central_user", "api:completeness", ["VN", "2023-Q1"], 200),
    ("central_user", "api:completeness", ["VN", "2023"], 400),
    ("central_user", "api:rollup", ["VN", "2023-Q5"], 400),
]


@pytest.mark.parametrize(("who", "name", "args", "status"), MATRIX)
def test_the_scope_matrix(api, request, classes, who, name, args, status):
    user = request.getfixturevalue(who)
    response = bearer(api, user).get(reverse(name, args=args))
    assert response.status_code == status, response.content


def test_classes_are_those_in_scope_with_their_enrolments_and_results_never_a_cccd(api, center_user, classes):
    response = bearer(api, center_user).get(reverse("api:courses"))
    rows = {row["code"]: row for row in response.json()["results"]}
    assert sorted(rows) == ["LC-1", "LC-2"]
    assert rows["LC-1"]["enrolments"] == 3 and rows["LC-1"]["results"] == {"gioi": 2, "kha": 1}
    assert rows["LC-1"]["center"] == {"key": "10-080", "name": rows["LC-1"]["center"]["name"]}
    assert "cccd" not in response.content.decode().lower()
    # another center of the province, asked for by key: outside the scope
    assert api.get(reverse("api:courses"), {"trung_tam": "10-082"}).status_code == 404


def test_classes_filter_by_center_and_period_and_refuse_bad_values(api, board_user, classes):
    api = bearer(api, board_user)
    assert sorted(r["code"] for r in api.get(reverse("api:courses"), {"trung_tam": "10-082"}).json()["results"]) == [
        "LC-3"
    ]
    assert api.get(reverse("api:courses"), {"ky": "2024"}).json()["count"] == 0
    response = api.get(reverse("api:courses"), {"ky": "2023-Q9"})
    assert response.status_code == 400 and "không hợp lệ" in response.json()["period"][0]
    response = api.get(reverse("api:courses"), {"chuong_trinh": "KHONGCO"})
    assert response.status_code == 400 and response.json()["chuong_trinh"] == ["Không có chương trình mã này."]


# -- figures: the same as the dashboard ------------------------------------------------------------------------------
def test_a_rollup_is_the_dashboards_figures(api, board_user, province, classes):
    data = bearer(api, board_user).get(reverse("api:rollup", args=["10", "2023-Q1"]), {"so_lieu": "all"}).json()
    expected = counting.rollup(unit=province, period=data_period("2023-Q1"), basis=data["basis"])
    assert data["total"]["classes"] == expected.total.classes == 3
    assert data["total"]["enrolments"] == expected.total.enrolments == 5
    assert data["total"]["results"]["gioi"] == 2
    assert data["period"] == {"key": "2023-Q1", "label": "quý I/2023", "start": "2023-01-01", "end": "2023-03-31"}
    parts = {part["unit"]["key"]: part["figures"]["classes"] for part in data["parts"]}
    assert parts == {"10-080": 2, "10-082": 1}
    assert data["changes"]["classes"] == {"current": 3.0, "previous": 0.0, "diff": 3.0, "ratio": None}


def data_period(key):
    from centers.periods import Period

    return Period.parse(key)


def test_the_national_rollup_lists_provinces_and_completeness_counts_reports(api, central_user, classes, center):
    ReportFactory(center=center, year=2023, quarter=1, status="submitted")
    api = bearer(api, central_user)
    data = api.get(reverse("api:rollup", args=["VN", "2023"]), {"so_lieu": "all"}).json()
    assert {p["unit"]["key"]: p["figures"]["enrolments"] for p in data["parts"]} == {"10": 5, "42": 1}
    table = api.get(reverse("api:completeness", args=["VN", "2023-Q1"])).json()
    assert (table["expected"], table["reported"]) == (3, 1)
    assert {row["unit"]["key"]: (row["expected"], row["reported"]) for row in table["rows"]} == {
        "10": (2, 1),
        "42": (1, 0),
    }


def test_units_carry_their_history_and_lineage(api, central_user, province, other_province):
    UnitName.objects.create(
        unit=province, name="Ban Tuyên giáo Tỉnh ủy Lào Cai (cũ)", valid_from="2000-01-01", valid_to="2025-02-28"
    )
    Unit.objects.filter(pk=other_province.pk).update(active_to=datetime.date(2025, 6, 30), merged_into=province)
    data = bearer(api, central_user).get(reverse("api:unit", args=["10"])).json()
    assert data["former_names"] == [
        {"name": "Ban Tuyên giáo Tỉnh ủy Lào Cai (cũ)", "valid_from": "2000-01-01", "valid_to": "2025-02-28"}
    ]
    assert [p["key"] for p in data["predecessors"]] == ["42"]
    merged = api.get(reverse("api:unit", args=["42"])).json()
    assert merged["merged_into"]["key"] == "10" and merged["active_to"] == "2025-06-30"
    active = api.get(reverse("api:units"), {"kind": "province", "active_on": "2026-01-01"}).json()
    assert [row["key"] for row in active["results"]] == ["10"]
    assert api.get(reverse("api:units"), {"active_on": "01/01/2026"}).status_code == 400


def test_periods_and_programs(api, center_user):
    api = bearer(api, center_user)
    periods = api.get(reverse("api:periods"), {"year": "2026"}).json()
    assert [p["key"] for p in periods] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
        "2026-H1",
        "2026-H2",
        "2026-9M",
        "2026",
    ]
    assert api.get(reverse("api:periods"), {"year": "năm"}).status_code == 400
    programs = api.get(reverse("api:programs")).json()["results"]
    assert programs and {"code", "name", "valid_from", "valid_to"} <= set(programs[0])


# -- pages, fixed queries, throttle, schema ------------------------------------------------------------------------
def test_lists_are_paginated_with_a_fixed_number_of_queries(api, board_user, province, django_assert_max_num_queries):
    for n in range(30):
        center = CenterFactory(parent=province, code=f"{100 + n}")
        CourseFactory.create_batch(2, center=center)
    api = bearer(api, board_user)
    with django_assert_max_num_queries(8):
        units = api.get(reverse("api:units"), {"page_size": 20}).json()
    assert units["count"] == 31 and len(units["results"]) == 20 and units["next"]
    with django_assert_max_num_queries(8):
        courses = api.get(reverse("api:courses")).json()
    assert courses["count"] == 60 and len(courses["results"]) == 50


def test_each_account_is_throttled(api, center_user, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_THROTTLE_RATE = "3/minute"
    api = bearer(api, center_user)
    statuses = [api.get(reverse("api:units")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    cache.clear()


def test_the_schema_and_docs_are_served_without_a_cdn(api, center_user):
    schema = api.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code in (401, 403)
    api = bearer(api, center_user)
    schema = api.get(reverse("api:schema") + "?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/tong-hop/{key}/{period}/" in paths and "/api/v1/lop/" in paths
    docs = api.get(reverse("api:docs"), HTTP_ACCEPT="text/html").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs


def test_a_rollup_names_units_as_they_were_named_in_the_period(api, central_user, province, classes):
    UnitName.objects.create(
        unit=province, name="Ban Tuyên giáo Tỉnh ủy Lào Cai", valid_from="2000-01-01", valid_to="2025-02-28"
    )
    Unit.objects.filter(pk=province.pk).update(name="Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai")
    api = bearer(api, central_user)
    names = {
        p["unit"]["key"]: p["unit"]["name"] for p in api.get(reverse("api:rollup", args=["VN", "2023"])).json()["parts"]
    }
    assert names["10"] == "Ban Tuyên giáo Tỉnh ủy Lào Cai"
    data = api.get(reverse("api:rollup", args=["10", "2026"])).json()
    assert data["unit"]["name"] == "Ban Tuyên giáo và Dân vận Tỉnh ủy Lào Cai"
    assert "maTruyCap" in api.get(reverse("api:schema") + "?format=json").json()["components"]["securitySchemes"]


# -- classes under the 2025 rules --------------------------------------------------------------------------------------
def test_a_rollup_carries_the_scored_classes_figures_and_a_certificate_is_checked_by_its_code(
    api, center_user, board_user, center
):
    import datetime
    from decimal import Decimal

    from centers.scoping import Scope
    from courses import services
    from courses.models import Certificate, Course

    course = CourseFactory(center=center, code="N2-1", start_date=datetime.date(2026, 11, 2), periods=40)
    for score, name in (("9.5", "Lò Văn Xuất"), ("7.5", "Hà Thị Khá"), ("4.0", "Vàng A Trượt")):
        EnrolmentFactory(
            course=course,
            learner__full_name=name,
            learner__center=center,
            learner__national_id=None,
            periods_attended=40,
            score=Decimal(score),
            result={"9.5": "xuat_sac", "7.5": "kha", "4.0": "khong_dat"}[score],
        )
    Course.objects.filter(pk=course.pk).update(end_date=datetime.date(2026, 11, 6))
    scope = Scope.for_user(center_user)
    services.decision_record(
        scope=scope, course=course, number="3-QĐ/TTCT", signed_on=datetime.date(2026, 11, 10), signer="Giám đốc"
    )
    services.certificates_issue(scope=scope, course=course, issued_on=datetime.date(2026, 11, 30))

    total = bearer(api, board_user).get(reverse("api:rollup", args=["10", "2026-Q4"]), {"so_lieu": "all"}).json()
    total = total["total"]
    assert (total["scored_classes"], total["eligible"], total["certificates_issued"]) == (1, 2, 2)
    assert total["certificates_late"] == 2  # due 25/11/2026
    assert total["scored_results"]["xuat_sac"] == 1 and total["good_or_better_rate"] == pytest.approx(2 / 3)

    certificate = Certificate.objects.get(full_name="Lò Văn Xuất")
    found = api.get(reverse("api:certificate", args=[certificate.code])).json()
    assert found["full_name"] == "Lò Văn Xuất" and found["grade"] == "Xuất sắc" and found["valid"] is True
    assert found["course_code"] == "N2-1" and "national_id" not in found and "date_of_birth" not in found
    assert api.get(reverse("api:certificate", args=["KHONGCOMA1"])).status_code == 404
    assert api.get(reverse("api:certificate", args=["<x>"])).status_code == 404
