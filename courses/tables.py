"""The class list's and the class page roster's rows, drawn in Python.

They are the two tables of the load test's most visited pages, with up to 200 rows: drawn by the template, each row
cost some 40 template nodes (the class page spent 58% of its CPU there). Here each row is one format string, every
value escaped as the template escaped it, and the inputs keep the names and ids the results formset reads back
(courses/forms.py); the HTML is the template's, byte for byte (tests/test_drawn_in_python.py, and the pages' tests).
A change to these rows' markup is made here; the rest of both pages stays in their templates."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.template import engines
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from centers.xlsx_guard import thousands

from .forms import LearnerForm
from .models import Course, Enrolment, Learner
from .rules import format_score
from .text import dmy

# The class list's rows as its template drew them (with courses/_status.html), one format string a row.
_COURSE_ROW = (
    '\n    <tr{muted}>\n      <td class="text-nowrap"><a href="{url}">{code}</a></td>\n'
    "      <td>{title}{joint}</td>\n      {center}\n      <td>{program}</td>\n      <td>{start}</td>\n"
    '      <td>{end}</td>\n      <td>{format}</td>\n      <td class="num">{n}</td>\n'
    '      <td><span class="badge {badge}">{status}</span>\n</td>\n    </tr>\n  '
)
_STATUS_BADGES = {
    Course.Status.CANCELLED: "text-bg-secondary",
    Course.Status.FINISHED: "text-bg-success",
    Course.Status.RUNNING: "text-bg-primary",
}


def course_rows(courses, *, with_center: bool) -> str:
    """The rows of a page of the class list (courses with their center, program and n_enrolments)."""
    formats = {value: escape(str(label)) for value, label in Course.Format.choices}
    statuses = {value: escape(str(label)) for value, label in Course.Status.choices}
    joint = ' <span class="badge text-bg-info" title="{}">{}</span>'.format(
        escape(_("Phối hợp với Trường Chính trị tỉnh")), escape(_("phối hợp"))
    )
    url_head, url_tail = _url_parts("courses:course_detail")
    return "".join(
        _COURSE_ROW.format(
            muted=' class="text-muted"' if c.status == Course.Status.CANCELLED else "",
            url=f"{url_head}{c.pk}{url_tail}",
            code=escape(c.code),
            title=escape(c.title),
            joint=joint if c.co_organised else "",
            center=f"<td>{escape(c.center.area_name)}</td>" if with_center else "",
            program=escape(c.program.code),
            start=dmy(c.start_date),
            end=dmy(c.end_date),
            format=formats.get(c.format, escape(str(c.format))),
            n=thousands(c.n_enrolments),  # as intcomma draws a count in Vietnamese, without the locale lookups
            badge=_STATUS_BADGES.get(c.status, "text-bg-light border"),
            status=statuses.get(c.status, escape(str(c.status))),
        )
        for c in courses
    )


@dataclass
class RosterRow:
    enrolment: Enrolment
    html: str  # the row's <tr>, drawn in Python: the markup the template drew, at a fraction of the cost


def _url_parts(name: str) -> tuple[str, str]:
    """The address of a view taking one integer pk, escaped, split where the pk goes (reversed once a page)."""
    sentinel = "987654321987"
    head, tail = escape(reverse(name, args=[int(sentinel)])).split(sentinel)
    return head, tail


def _posted_rows(data) -> dict[int, dict]:
    """The rows of a refused results form by enrolment id, to show what the user typed again (not what is saved)."""
    if data is None:
        return {}
    rows = {}
    total = str(data.get("kq-TOTAL_FORMS", "0"))
    for i in range(min(int(total) if total.isdigit() else 0, 5000)):
        pk = str(data.get(f"kq-{i}-enrolment", ""))
        if pk.isdigit():
            rows[int(pk)] = {
                key: data.get(f"kq-{i}-{key}", "")
                for key in ("result", "certificate_no", "periods_attended", "score", "retake_score", "class_role")
            } | {"dropped": bool(data.get(f"kq-{i}-dropped"))}
    return rows


def _options(choices, chosen_values) -> dict:
    """Every <option> list of a select, one per value chosen (drawn once, not once a row)."""
    return {
        chosen: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, mark_safe(" selected") if value == chosen else "", label) for value, label in choices),
        )
        for chosen in [*chosen_values, None]
    }


# The roster's rows as the template drew them, one format string a row (a class of 200 rows cost 200 template
# loops of some 40 nodes each). Every value is escaped as the template escaped it; the inputs keep the names and
# ids the results formset reads back.
_ROW_HEAD = (
    '\n      <tr data-learner="{learner_pk}">\n        <td class="roster-no">{n}</td>\n'
    '        <td class="roster-name"><a href="{learner_url}">{name}</a></td>\n'
    '        <td data-label="{dob_label}">{dob}</td>\n        '
)
_ROW_SCORED_EDIT = (
    '\n        \n        <td data-label="{attended_label}"><input type="hidden" name="{p}-enrolment" value="{pk}">'
    '<input type="hidden" name="{p}-version" value="{version}">\n'
    '          <label class="visually-hidden" for="id_{p}-periods_attended">{attended_label} – {name}</label>\n'
    '          <input type="text" inputmode="numeric" name="{p}-periods_attended" id="id_{p}-periods_attended"'
    ' value="{attended}" maxlength="20" class="form-control form-control-sm roster-num"></td>\n'
    '        <td data-label="{score_label}"><label class="visually-hidden" for="id_{p}-score">{score_label} – {name}'
    "</label>\n"
    '          <input type="text" inputmode="decimal" name="{p}-score" id="id_{p}-score" value="{score}"'
    ' maxlength="20" placeholder="0–10" class="form-control form-control-sm roster-num"></td>\n'
    '        <td data-label="{retake_label}"><label class="visually-hidden" for="id_{p}-retake_score">{retake_label}'
    " – {name}</label>\n"
    '          <input type="text" inputmode="decimal" name="{p}-retake_score" id="id_{p}-retake_score"'
    ' value="{retake}" maxlength="20" class="form-control form-control-sm roster-num"></td>\n'
    '        <td data-label="{dropped_label}"><input type="checkbox" class="form-check-input" name="{p}-dropped"'
    ' id="id_{p}-dropped"{checked}><label class="visually-hidden" for="id_{p}-dropped">{dropped_label} – {name}'
    "</label></td>\n"
    '        <td data-label="{role_label}"><label class="visually-hidden" for="id_{p}-class_role">{role_label} – {name}'
    "</label>\n"
    '          <select name="{p}-class_role" id="id_{p}-class_role" class="form-select form-select-sm">{role_options}'
    "</select></td>\n"
    '        <td data-label="{grade_label}" data-grade>{grade}</td>\n'
    '        <td class="roster-action"><button type="submit" form="rut" formaction="{remove_url}"'
    ' class="btn btn-sm btn-outline-danger">{remove_label}</button></td>\n        \n        \n      </tr>'
)
_ROW_SCORED_VIEW = (
    '\n        \n        <td data-label="{attended_label}">{saved_attended}</td>\n'
    '        <td data-label="{score_label}">{score_or_dash}</td>\n'
    '        <td data-label="{retake_label}">{retake_or_dash}</td>\n'
    '        <td data-label="{dropped_label}">{dropped_mark}</td>\n'
    '        <td data-label="{role_label}">{role_display}</td>\n'
    '        <td data-label="{grade_label}" data-grade>{grade}</td>\n        \n        \n      </tr>'
)
_ROW_WORDS = (
    '\n        <td data-label="{gender_label}">{gender}</td>\n'
    '        <td data-label="{group_label}">{group}</td>\n'
    '        <td data-label="{cccd_label}">{cccd}</td>\n        '
)
_ROW_WORDS_EDIT = (
    '\n        <td data-label="{result_label}"><input type="hidden" name="{p}-enrolment" value="{pk}"'
    ' id="id_{p}-enrolment"><input type="hidden" name="{p}-version" value="{version}" id="id_{p}-version">\n'
    '          <label class="visually-hidden" for="id_{p}-result">{result_field_label}</label>\n'
    '          <select name="{p}-result" id="id_{p}-result" class="form-select form-select-sm">{options}'
    "</select></td>\n"
    '        <td data-label="{certificate_label}"><label class="visually-hidden" for="id_{p}-certificate_no">'
    "{certificate_label}</label>\n"
    '          <input type="text" name="{p}-certificate_no" id="id_{p}-certificate_no" value="{certificate_no}"'
    ' maxlength="50" class="form-control form-control-sm"></td>\n'
    '        <td class="roster-action"><button type="submit" form="rut" formaction="{remove_url}"'
    ' class="btn btn-sm btn-outline-danger">{remove_label}</button></td>\n        \n        \n      </tr>'
)
_ROW_WORDS_VIEW = (
    '\n        <td data-label="{result_label}">{grade}</td><td data-label="{certificate_label}">{saved_certificate}'
    "</td>\n        \n        \n      </tr>"
)


def _row_labels() -> dict[str, str]:
    """The roster's column labels (as the template translates them), escaped once a page."""
    return {
        key: escape(label)
        for key, label in (
            ("dob_label", _("Ngày sinh")),
            ("gender_label", _("Giới tính")),
            ("group_label", _("Đối tượng")),
            ("cccd_label", _("Số CCCD")),
            ("result_label", _("Kết quả")),
            ("certificate_label", _("Số giấy chứng nhận")),
            ("remove_label", _("Rút khỏi lớp")),
            ("attended_label", _("Số tiết tham dự")),
            ("score_label", _("Điểm bài thu hoạch")),
            ("retake_label", _("Điểm thi lại")),
            ("dropped_label", _("Bỏ học")),
            ("role_label", _("Ban cán sự")),
            ("grade_label", _("Xếp loại")),
        )
    }


def roster_rows(enrolments: list[Enrolment], formset, course=None, posted=None, editable=False) -> list[RosterRow]:
    """The roster's rows, labels and options drawn once: a class of 200 draws 200 rows of plain inputs (named as
    the results formset reads them back) rather than 200 form objects, and no template work inside a row."""

    def labels(choices) -> dict[str, str]:
        return {value: str(label) for value, label in choices}  # translated once, not once a row

    genders, groups, results = (
        labels(Learner.Gender.choices),
        labels(Learner.Group.choices),
        labels(Enrolment.Result.choices),
    )
    scored = course is not None and course.is_scored
    choices = list(labels(formset.form.base_fields["result"].widget.choices).items())
    if not scored:  # xuất sắc exists only under the scored rules
        choices = [(value, label) for value, label in choices if value != Enrolment.Result.OUTSTANDING]
    roles = list(labels(Enrolment.Role.choices).items())
    role_labels = dict(roles)
    options = _options(choices, [value for value, _ in choices])
    role_options = _options(roles, [value for value, _ in roles]) if scored else {}
    if scored:
        body = _ROW_SCORED_EDIT if editable else _ROW_SCORED_VIEW
    else:
        body = _ROW_WORDS + (_ROW_WORDS_EDIT if editable else _ROW_WORDS_VIEW)
    row_format = _ROW_HEAD + body
    for key, label in _row_labels().items():  # the labels written in once, not passed a row
        row_format = row_format.replace("{" + key + "}", label.replace("{", "{{").replace("}", "}}"))
    row_format = row_format.format
    learner_head, learner_tail = _url_parts("courses:learner_detail")
    prefix = formset.prefix
    remove_head, remove_tail = _url_parts("courses:enrolment_remove")
    result_of = _("Kết quả của %(n)s")  # translated once, not once a row
    dash = "—"
    typed = _posted_rows(posted)
    rows = []
    for i, e in enumerate(enrolments):
        learner = e.learner
        shown = typed.get(e.pk)
        if scored:
            if shown is None:
                attended = "" if e.periods_attended is None else str(e.periods_attended)
                score, retake = format_score(e.score), format_score(e.retake_score)
                dropped, role = e.result == Enrolment.Result.DROPPED, e.class_role
            else:
                attended, score, retake = shown["periods_attended"], shown["score"], shown["retake_score"]
                dropped, role = shown["dropped"], shown["class_role"]
            score, retake = escape(score), escape(retake)
            values = {
                "attended": escape(attended),
                "score": score,
                "retake": retake,
                "checked": " checked" if dropped else "",
                "role_options": role_options.get(role, role_options.get(None, "")),
                "saved_attended": dash if e.periods_attended is None else e.periods_attended,
                "score_or_dash": score or dash,
                "retake_or_dash": retake or dash,
                "dropped_mark": "✓" if dropped else dash,
                "role_display": escape(role_labels.get(e.class_role, e.class_role)),
            }
        else:
            result, certificate_no = (
                (e.result, e.certificate_no)
                if shown is None
                else (
                    shown["result"],
                    shown["certificate_no"],
                )
            )
            values = {
                "gender": escape(genders.get(learner.gender, learner.gender)),
                "group": escape(groups.get(learner.group, learner.group)),
                "cccd": escape(learner.masked_national_id),
                "result_field_label": escape(result_of % {"n": learner.full_name}),
                "options": options.get(result, options[None]),
                "certificate_no": escape(certificate_no),
                "saved_certificate": escape(e.certificate_no) or dash,
            }
        html = row_format(
            learner_pk=e.learner_id,
            n=i + 1,
            learner_url=f"{learner_head}{e.learner_id}{learner_tail}",
            name=escape(learner.full_name),
            dob=dmy(learner.date_of_birth),
            p=f"{prefix}-{i}",
            pk=e.pk,
            version=e.version,
            remove_url=f"{remove_head}{e.pk}{remove_tail}",
            grade=escape(results.get(e.result, e.result)) or dash,
            **values,
        )
        rows.append(RosterRow(e, mark_safe(html)))
    return rows


_blank_learner_forms: dict[str, tuple[str, str]] = {}


def blank_learner_form() -> tuple[str, str]:
    """The empty "Tạo học viên mới" form as {% crispy %} draws it: the same on every class page, so drawn once a
    process and language (a bound form, with its errors, is drawn by the page itself). Drawn without the CSRF
    token crispy puts after its leading blank lines: (those lines, the rest), the page puts the request's token
    between them."""
    language = get_language()
    parts = _blank_learner_forms.get(language)
    if parts is None:
        template = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
        html = template.render({"form": LearnerForm(prefix="hv")})
        rest = html.lstrip()
        parts = _blank_learner_forms[language] = (html[: len(html) - len(rest)], mark_safe(rest))
    return parts
