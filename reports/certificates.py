"""The certificates' files (a certificate, a whole class, the master register) and the public verification's reads.

The writes (decisions, certificates, reprints) are courses.services'; the drawing is reports/exporters/certificates.py.
Here: which certificates a file holds, read through the user's scope, whether a file is large enough to go through a
background job (centers/jobs.py, as the roster and national exports do), and the rate limit of the public lookups.
"""

from __future__ import annotations

import datetime
import io
import re
import tempfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from centers import jobs
from centers.models import Unit
from centers.scoping import Action, Scope, unit_key
from courses import selectors as course_selectors
from courses.models import Certificate, CertificateRegister, Course
from courses.services import CODE_ALPHABET, CODE_LENGTH

from .exporters.certificates import (
    printed,
    register_line,
    render_certificates,
    render_register_pdf,
    render_register_xlsx,
)
from .exporters.files import XLSX

__all__ = ["register_line"]
PDF = "application/pdf"
JOB_KIND = "certificates"


@dataclass
class CertificateFile:
    filename: str
    content_type: str
    file: IO[bytes]


# -- what is large -------------------------------------------------------------------------------------------------
def inline_limit() -> int:
    """Certificates (or register lines) a request draws itself; more go through a background job."""
    return int(getattr(settings, "CERTIFICATES_INLINE_MAX", 250))


def register_inline_limit() -> int:
    return int(getattr(settings, "CERTIFICATE_REGISTER_INLINE_MAX", 6000))


# -- the certificates ----------------------------------------------------------------------------------------------
def _certificates() -> QuerySet[Certificate]:
    return Certificate.objects.select_related(
        "register__center", "enrolment__course__program", "decision"
    ).prefetch_related("register__center__former_names")


def verify_url_maker(base_url: str):
    """`code -> the public verification address`, on `settings.CERTIFICATE_VERIFY_BASE_URL` when set (the address
    the public knows, printed on paper), else on the host the request came in on."""
    base = (getattr(settings, "CERTIFICATE_VERIFY_BASE_URL", "") or base_url or "").rstrip("/")
    return lambda code: f"{base}{reverse('reports:verify_code', args=[code])}"


def course_certificates_file(*, scope: Scope, course: Course, base_url: str) -> CertificateFile:
    """The whole class's certificates in one PDF (a page each, in register order)."""
    scope.require(Action.VIEW, course.center)
    certificates = list(_certificates().filter(enrolment__course=course).order_by("register__year", "number"))
    target = tempfile.TemporaryFile()  # noqa: SIM115 -- the caller (FileResponse, the job) closes it
    render_certificates(
        printed(certificates, verify_url=verify_url_maker(base_url)), target, title=f"Giấy chứng nhận - {course}"
    )
    target.seek(0)
    return CertificateFile(f"giay-chung-nhan-{course.code}.pdf", PDF, target)


def certificate_file(*, scope: Scope, certificate: Certificate, base_url: str) -> CertificateFile:
    scope.require(Action.VIEW, certificate.register.center)
    cert = _certificates().get(pk=certificate.pk)
    target = io.BytesIO()
    render_certificates(printed([cert], verify_url=verify_url_maker(base_url)), target, title=str(cert))
    target.seek(0)
    return CertificateFile(f"giay-chung-nhan-{cert.register.year}-{cert.number}.pdf", PDF, target)


# -- the master register -------------------------------------------------------------------------------------------
def register_size(center: Unit, year: int) -> int:
    register = CertificateRegister.objects.filter(center=center, year=year).first()
    return register.certificates.count() if register else 0


def register_file(*, scope: Scope, center: Unit, year: int, fmt: str) -> CertificateFile:
    """The center's register of a year, as a workbook or a printable PDF with numbered pages."""
    scope.require(Action.VIEW, center)
    rows = course_selectors.register_rows(center, year)
    name = center.name_on(datetime.date(year, 12, 31))
    target = tempfile.TemporaryFile()  # noqa: SIM115 -- the caller closes it
    if fmt == "pdf":
        render_register_pdf(list(rows), target, center_name=name, year=year)
        content_type = PDF
    else:
        render_register_xlsx(rows, target, center_name=name, year=year)
        content_type = XLSX
    target.seek(0)
    return CertificateFile(f"so-goc-{unit_key(center)}-{year}.{fmt}", content_type, target)


# -- background jobs (registered in ReportsConfig.ready) ------------------------------------------------------------
def certificates_job(job, progress) -> jobs.Output:
    """A whole class's PDF or a register, for the job's owner in their own scope."""
    params = job.params
    scope = Scope.for_user(job.user)
    progress(10, _("Đang chuẩn bị giấy chứng nhận…"))
    if params["what"] == "course":
        course = scope.get_object(Course.objects.select_related("center"), pk=params["course"])
        made = course_certificates_file(scope=scope, course=course, base_url=params.get("base_url", ""))
    else:
        center = scope.get_unit(params["center"])
        made = register_file(scope=scope, center=center, year=int(params["year"]), fmt=params["fmt"])
    progress(90, _("Đang lưu tệp…"))
    return jobs.Output(made.filename, made.content_type, made.file)


# -- the public verification ---------------------------------------------------------------------------------------
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


def normalise_code(text: str) -> str:
    """A code as typed: anything but ASCII letters and digits dropped (spaces, dashes, a slash), upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()[:64]


def find_certificate(code: str) -> Certificate | None:
    """The certificate with this code, or None (a malformed code is not looked up: same answer as unknown)."""
    code = normalise_code(code)
    if not CODE_PATTERN.match(code):
        return None
    return (
        Certificate.objects.select_related("register__center", "enrolment__course__program").filter(code=code).first()
    )


def lookup_limit() -> tuple[int, int]:
    """(lookups, seconds) a client address may make: `settings.CERTIFICATE_LOOKUP_LIMIT`, 30 a minute by default."""
    limit = getattr(settings, "CERTIFICATE_LOOKUP_LIMIT", (30, 60))
    return int(limit[0]), int(limit[1])


def lookup_allowed(address: str) -> bool:
    """Count a lookup from `address` in the current window (the default cache); False once over the limit."""
    allowed, seconds = lookup_limit()
    key = f"verify-lookups:{address}"
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=seconds)
        return True
    return count <= allowed
