"""Every URL × every role: another unit's object is a 404, in scope but read-only is a 403, anonymous users go
to the login page. The test walks the whole URLconf, so a new URL without a row here fails it."""

import datetime

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from centers import api_tokens
from centers.models import Job, JobFile, ReorganisationPlan
from courses.models import ProgramMapping
from reports.models import CenterReport

from .factories import (
    CourseFactory,
    EnrolmentFactory,
    LearnerFactory,
    LecturerFactory,
    ReportFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["center_user", "other_center_user", "board_user", "other_board_user", "central_user", "anonymous"]
OK, LOGIN = "ok", "login"


def expect(center, other_center, board, other_board, central):
    return dict(zip(ROLES, [center, other_center, board, other_board, central, LOGIN], strict=True))


VIEW = expect(OK, 404, OK, 404, OK)  # an object of the center: the center, its board and the center see it
ENTER = expect(OK, 404, 403, 404, 403)  # only the center's own staff write
REVIEW = expect(403, 404, OK, 404, 403)  # only the province's board reviews
PROVINCE = expect(404, 404, OK, 404, OK)  # province pages
PROVINCE_REVIEW = expect(404, 404, OK, 404, 403)
NATIONAL = expect(404, 404, 404, 404, OK)
CENTRAL_ONLY = expect(403, 403, 403, 403, OK)  # the program catalogue: known to all, edited by central staff only
ANY = expect(OK, OK, OK, OK, OK)  # pages filtered by the scope (lists, home)
CENTER_STAFF = expect(OK, OK, 403, 403, 403)  # pages for entering one's own center's data
PUBLIC = {**ANY, "anonymous": OK}  # the login page and "Quên mật khẩu?"
# Accounts (the board's staff are its account managers here, see `objects`): a center's account is managed by its
# province's board, a board's account by the board's managers and by central staff.
MANAGE_CENTER_ACCOUNT = expect(403, 404, OK, 404, 403)
MANAGERS = expect(403, 403, OK, 403, OK)  # pages of the account managers (the other board has none)
# The read API (signed in through the session here; tokens in tests/test_api.py): nobody is sent to a login page,
# an anonymous request is a 401.
API = {**ANY, "anonymous": 401}
API_VIEW = {**VIEW, "anonymous": 401}
API_PROVINCE = {**PROVINCE, "anonymous": 401}
API_NATIONAL = {**NATIONAL, "anonymous": 401}
OWNER = expect(404, 404, OK, 404, 404)  # a background job of the board's staff: theirs alone, even central's 404


def _job(user):
    job = Job.objects.create(
        user=user,
        kind="export",
        label="Xuất Excel",
        state=Job.State.DONE,
        file_name="bao-cao.xlsx",
        content_type="application/octet-stream",
        file_expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    JobFile.objects.create(job=job, content=b"PK")
    return job.pk


@pytest.fixture
def objects(center, province, board_user):
    board_user.staff.manages_accounts = True
    board_user.staff.save()
    course = CourseFactory(center=center, start_date=datetime.date(2026, 10, 5))
    enrolment = EnrolmentFactory(course=course)
    report = ReportFactory(center=center, year=2026, quarter=3, status=CenterReport.Status.SUBMITTED)
    return {
        "course": course.pk,
        "enrolment": enrolment.pk,
        "learner": LearnerFactory(center=center).pk,
        "lecturer": LecturerFactory(center=center).pk,
        "report": report.pk,
        "account": StaffFactory(unit=center, user=UserFactory(email="canbo.tt@example.vn")).user.pk,
        "token": api_tokens.create(board_user, "của Ban")[0].pk,
        "job": _job(board_user),
        "board_account": StaffFactory(unit=province, user=UserFactory(email="canbo.ban@example.vn")).user.pk,
        "program": course.program.pk,
        "mapping": ProgramMapping.objects.order_by("pk").first().pk,
        **{key: value.pk for key, value in certified_class(center).items()},
    }


VERIFY_CODE = "ABCDEFGHJK"


def certified_class(center, learners: int = 1, verify_code: str | None = VERIFY_CODE) -> dict:
    """A class under the 2025 rules with its completion decision and certificates (the certificates' pages); the
    first one's verification code is `verify_code`."""
    from courses.catalogue import REVISION_2025
    from courses.models import Certificate, CertificateRegister, CompletionDecision, Program

    course = CourseFactory(
        center=center,
        program=Program.objects.get(code="N2", valid_from=REVISION_2025),
        start_date=datetime.date(2026, 11, 2),
        end_date=datetime.date(2026, 11, 6),
    )
    enrolments = [EnrolmentFactory(course=course, result="kha") for _ in range(learners)]
    decision = CompletionDecision.objects.create(
        course=course, number="1-QĐ", signed_on=datetime.date(2026, 11, 10), signer="Giám đốc"
    )
    decision.enrolments.set(enrolments)
    register, _ = CertificateRegister.objects.get_or_create(center=center, year=2026)
    first = None
    for enrolment in enrolments:
        register.last_number += 1
        certificate = Certificate.objects.create(
            register=register,
            number=register.last_number,
            enrolment=enrolment,
            decision=decision,
            issued_on=datetime.date(2026, 11, 12),
            code=verify_code if first is None and verify_code else f"X{register.last_number:09d}",
            full_name=enrolment.learner.full_name,
            grade="kha",
        )
        first = first or certificate
    register.save()
    return {"scored_course": course, "certificate": first}


def applied_plan(objects) -> int:
    """An applied reorganisation plan (the same one each time it is asked for)."""
    plan, _ = ReorganisationPlan.objects.get_or_create(
        digest="0" * 64, defaults={"name": "Phương án thử", "effective_date": datetime.date(2025, 7, 1), "content": b""}
    )
    return plan.pk


# name → [(method, args from objects, expectations, POST data)]
CASES = {
    "home": [("get", lambda o: [], ANY, None)],
    "login": [("get", lambda o: [], PUBLIC, None)],
    "accounts:profile": [("get", lambda o: [], ANY, None)],
    "accounts:password_change": [("get", lambda o: [], ANY, None)],
    "accounts:two_factor": [("get", lambda o: [], ANY, None)],
    "accounts:two_factor_verify": [("get", lambda o: [], ANY, None)],
    "accounts:end_other_sessions": [("post", lambda o: [], ANY, {})],
    "accounts:api_token_create": [("post", lambda o: [], ANY, {"name": "tích hợp"})],
    "accounts:api_token_revoke": [("post", lambda o: [o["token"]], ANY, {})],  # only its owner's: others' not found
    "jobs:list": [("get", lambda o: [], ANY, None)],
    "jobs:detail": [("get", lambda o: [o["job"]], OWNER, None)],
    "jobs:status": [("get", lambda o: [o["job"]], OWNER, None)],
    "jobs:download": [("get", lambda o: [o["job"]], OWNER, None)],
    "api:units": [("get", lambda o: [], API, None)],
    "api:unit": [("get", lambda o: ["10-080"], API_VIEW, None), ("get", lambda o: ["10"], API_PROVINCE, None)],
    "api:programs": [("get", lambda o: [], API, None)],
    "api:periods": [("get", lambda o: [], API, None)],
    "api:rollup": [
        ("get", lambda o: ["10-080", "2026"], API_VIEW, None),
        ("get", lambda o: ["10", "2026"], API_PROVINCE, None),
        ("get", lambda o: ["VN", "2026"], API_NATIONAL, None),
    ],
    "api:completeness": [
        ("get", lambda o: ["10", "2026-Q3"], API_PROVINCE, None),
        ("get", lambda o: ["VN", "2026-Q3"], API_NATIONAL, None),
    ],
    "api:courses": [("get", lambda o: [], API, None)],
    "api:schema": [("get", lambda o: [], API, None)],
    "api:docs": [("get", lambda o: [], API, None)],
    "api:certificate": [("get", lambda o: [VERIFY_CODE], API, None)],
    "accounts:password_reset": [("get", lambda o: [], PUBLIC, None)],
    "accounts:password_reset_done": [("get", lambda o: [], PUBLIC, None)],
    "accounts:password_reset_confirm": [("get", lambda o: ["MQ", "bad-token"], PUBLIC, None)],
    "accounts:password_reset_complete": [("get", lambda o: [], PUBLIC, None)],
    "accounts:account_list": [("get", lambda o: [], ANY, None)],
    "accounts:account_create": [("get", lambda o: [], MANAGERS, None)],
    "accounts:account_import": [("get", lambda o: [], MANAGERS, None)],
    "accounts:account_import_template": [("get", lambda o: [], MANAGERS, None)],
    "accounts:account_detail": [
        ("get", lambda o: [o["account"]], VIEW, None),
        ("get", lambda o: [o["board_account"]], PROVINCE, None),
    ],
    "accounts:account_edit": [
        ("get", lambda o: [o["account"]], MANAGE_CENTER_ACCOUNT, None),
        ("get", lambda o: [o["board_account"]], PROVINCE, None),
    ],
    "accounts:account_deactivate": [("post", lambda o: [o["account"]], MANAGE_CENTER_ACCOUNT, {})],
    "accounts:account_reactivate": [("post", lambda o: [o["board_account"]], PROVINCE, {})],
    "accounts:account_unlock": [("post", lambda o: [o["account"]], MANAGE_CENTER_ACCOUNT, {})],
    "accounts:account_send_link": [("post", lambda o: [o["board_account"]], PROVINCE, {})],
    "accounts:account_two_factor_off": [("post", lambda o: [o["account"]], MANAGE_CENTER_ACCOUNT, {})],
    "accounts:account_temporary_password": [("post", lambda o: [o["account"]], MANAGE_CENTER_ACCOUNT, {})],
    "accounts:reorganisation": [("get", lambda o: [], NATIONAL, None), ("post", lambda o: [], NATIONAL, {})],
    "accounts:reorganisation_template": [("get", lambda o: [], NATIONAL, None)],
    "accounts:reorganisation_apply": [("post", lambda o: [], NATIONAL, {"token": "het-han"})],
    "accounts:reorganisation_detail": [("get", lambda o: [applied_plan(o)], NATIONAL, None)],
    "accounts:reorganisation_file": [("get", lambda o: [applied_plan(o)], NATIONAL, None)],
    "accounts:unit_detail": [
        ("get", lambda o: ["10-080"], VIEW, None),
        ("get", lambda o: ["10"], PROVINCE, None),
    ],
    "logout": [("post", lambda o: [], dict.fromkeys(ROLES, LOGIN), None)],  # everyone lands on the login page
    "courses:course_list": [("get", lambda o: [], ANY, None)],
    "courses:course_create": [("get", lambda o: [], CENTER_STAFF, None)],
    "courses:course_detail": [("get", lambda o: [o["course"]], VIEW, None)],
    "courses:course_edit": [("get", lambda o: [o["course"]], ENTER, None)],
    "courses:course_cancel": [("get", lambda o: [o["course"]], ENTER, None)],
    "courses:course_results": [("post", lambda o: [o["course"]], ENTER, {})],
    "courses:course_add_learner": [("post", lambda o: [o["course"]], ENTER, {})],
    "courses:roster_upload": [("get", lambda o: [o["course"]], ENTER, None)],
    "courses:course_history": [("get", lambda o: [o["course"]], VIEW, None)],
    "courses:learner_list": [("get", lambda o: [], ANY, None)],
    "courses:learner_detail": [("get", lambda o: [o["learner"]], VIEW, None)],
    "courses:learner_transfer": [("post", lambda o: [o["learner"]], REVIEW, {"reason": "Chuyển công tác"})],
    "courses:enrolment_remove": [("post", lambda o: [o["enrolment"]], ENTER, {})],
    "courses:import_workbook": [("get", lambda o: [], CENTER_STAFF, None)],
    "courses:import_template": [("get", lambda o: [], ANY, None)],
    "courses:lecturer_list": [("get", lambda o: [], ANY, None)],
    "courses:lecturer_create": [("get", lambda o: [], CENTER_STAFF, None)],
    "courses:lecturer_edit": [("get", lambda o: [o["lecturer"]], ENTER, None)],
    "courses:lecturer_retire": [("post", lambda o: [o["lecturer"]], ENTER, {})],
    "courses:program_list": [("get", lambda o: [], CENTRAL_ONLY, None)],
    "courses:program_create": [("get", lambda o: [], CENTRAL_ONLY, None), ("post", lambda o: [], CENTRAL_ONLY, {})],
    "courses:program_edit": [("get", lambda o: [o["program"]], CENTRAL_ONLY, None)],
    "courses:program_close": [("get", lambda o: [o["program"]], CENTRAL_ONLY, None)],
    "courses:mapping_list": [("get", lambda o: [], CENTRAL_ONLY, None), ("post", lambda o: [], CENTRAL_ONLY, {})],
    "courses:mapping_retire": [("post", lambda o: [o["mapping"]], CENTRAL_ONLY, {"reason": "Thử"})],
    "reports:index": [("get", lambda o: [], ANY, None)],
    "reports:report": [
        ("get", lambda o: ["10-080", "2026-Q3"], VIEW, None),
        ("get", lambda o: ["10", "2026-Q3"], PROVINCE, None),
        ("get", lambda o: ["VN", "2026-Q3"], NATIONAL, None),
    ],
    "reports:save": [("post", lambda o: ["10-080", "2026-Q3"], ENTER, {"achievements": "x"})],
    "reports:approve": [("post", lambda o: ["10-080", "2026-Q3"], REVIEW, {})],
    "reports:return": [("post", lambda o: ["10-080", "2026-Q3"], REVIEW, {"comment": "Bổ sung"})],
    "reports:unlock": [("post", lambda o: ["10-080", "2026-Q3"], REVIEW, {"reason": "Sửa"})],
    "reports:approve_many": [
        ("post", lambda o: ["10", "2026-Q3"], PROVINCE_REVIEW, {"report": lambda o: [o["report"]]})
    ],
    "reports:deadline": [("post", lambda o: ["10", "2026-Q3"], PROVINCE_REVIEW, {"due_on": "10/10/2026"})],
    "reports:history": [("get", lambda o: ["10-080", "2026-Q3"], VIEW, None)],
    "reports:activity": [("get", lambda o: [], ANY, None)],
    "reports:briefing": [
        ("get", lambda o: ["10-080", "2026"], VIEW, None),
        ("get", lambda o: ["10", "2026"], PROVINCE, None),
        ("post", lambda o: ["10", "2026"], PROVINCE_REVIEW, {"text": "Đoạn tổng hợp đã sửa."}),
    ],
    "reports:dashboard_index": [("get", lambda o: [], ANY, None)],
    "reports:dashboard": [
        ("get", lambda o: ["10-080", "2026"], VIEW, None),
        ("get", lambda o: ["10", "2026"], PROVINCE, None),
        ("get", lambda o: ["VN", "2026"], NATIONAL, None),
    ],
    "reports:withdraw": [("post", lambda o: ["10-080", "2026-Q3"], ENTER, {})],
    "reports:help": [("get", lambda o: [], ANY, None)],
    "courses:enrolment_restore": [("post", lambda o: [o["enrolment"]], ENTER, {})],
    "reports:remind": [("post", lambda o: ["10", "2026-Q3"], PROVINCE_REVIEW, {"center": "all"})],
    "reports:export_xlsx": [
        ("get", lambda o: ["10-080", "2026"], VIEW, None),
        ("get", lambda o: ["10", "2026"], PROVINCE, None),
    ],
    "reports:export_docx": [("get", lambda o: ["10", "2026"], PROVINCE, None)],
    "reports:course_certificates": [("get", lambda o: [o["scored_course"]], VIEW, None)],
    "reports:decision_save": [("post", lambda o: [o["scored_course"]], ENTER, {})],
    "reports:certificates_issue": [("post", lambda o: [o["scored_course"]], ENTER, {})],
    "reports:course_certificates_pdf": [("get", lambda o: [o["scored_course"]], VIEW, None)],
    "reports:certificate_pdf": [("get", lambda o: [o["certificate"]], VIEW, None)],
    "reports:certificate_reprint": [("post", lambda o: [o["certificate"]], ENTER, {"reason": "Lỗi in"})],
    "reports:certificate_revoke": [("post", lambda o: [o["certificate"]], ENTER, {"reason": "Cấp nhầm"})],
    "reports:certificates_due": [
        ("get", lambda o: ["10-080"], VIEW, None),
        ("get", lambda o: ["10"], PROVINCE, None),
    ],
    "reports:register": [("get", lambda o: ["10-080", 2026], VIEW, None)],
    "reports:register_xlsx": [("get", lambda o: ["10-080", 2026], VIEW, None)],
    "reports:register_pdf": [("get", lambda o: ["10-080", 2026], VIEW, None)],
    # The public verification of a certificate: no login, for anyone.
    "reports:verify": [("get", lambda o: [], PUBLIC, None)],
    "reports:verify_code": [("get", lambda o: [VERIFY_CODE], PUBLIC, None)],
}


def url_names(patterns=None, namespace=""):
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin has its own matrix below (test_the_admin_shows_nothing_to_anyone_but_a_superuser)
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_in_the_matrix():
    assert url_names() == set(CASES), "add the new URL to CASES with what each role may do"


MATRIX = [(name, index, role) for name, cases in CASES.items() for index in range(len(cases)) for role in ROLES]


@pytest.mark.parametrize(("name", "index", "role"), MATRIX, ids=[f"{n}[{i}]-{r}" for n, i, r in MATRIX])
def test_each_role_gets_what_it_may(request, client, objects, name, index, role):
    method, args, expectations, data = CASES[name][index]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse(name, args=args(objects))
    if method == "post":
        payload = {k: v(objects) if callable(v) else v for k, v in (data or {}).items()}
        response = client.post(url, payload)
    else:
        response = client.get(url)
    expected = expectations[role]
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), response.status_code
    elif expected == OK:
        assert response.status_code in (200, 302, 400), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


# -- The admin --------------------------------------------------------------------------------------------------
# The admin is for superusers only (config/admin.py). Every other role gets the admin's login page on every admin
# URL, GET or POST: the standing roles, and a center's staff whom a superuser marked is_staff with every model
# permission (the account the security review used to move itself to the central unit).
ADMIN_ROLES = [*ROLES, "admin_minded_center_user"]


def admin_urls():
    """The admin's index and, for every registered model, its list, add and change pages."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        # A row that exists where there is one (the objects fixture makes the app's); axes' logs may be empty, and
        # the refusal comes before the row is looked up, so any key shows it.
        row = model._default_manager.order_by("pk").first()
        urls += [
            reverse("admin:{}_{}_changelist".format(*info)),
            reverse("admin:{}_{}_add".format(*info)),
            reverse("admin:{}_{}_change".format(*info), args=[row.pk if row is not None else 1]),
        ]
    return urls


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_the_admin_shows_nothing_to_anyone_but_a_superuser(request, client, objects, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    urls = admin_urls()
    assert reverse("admin:courses_learner_changelist") in urls and reverse("admin:centers_staff_add") in urls
    for url in urls:
        for method in ("get", "post"):
            # An empty POST: the refusal must come before any form is read, so even an invalid one never shows a
            # form with its errors.
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith(reverse("admin:login")), (method, url, response["Location"])
