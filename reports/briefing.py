"""The briefing paragraph, written the way the boards write it after a review meeting (seeds 001 and 004):

"Quý I/2023, các trung tâm chính trị cấp huyện, thành phố, thị xã đã mở 40 lớp với 2.987 lượt học viên,
trong đó bồi dưỡng đối tượng kết nạp Đảng 8 lớp, ..., phối hợp với Trường Chính trị tỉnh mở 11 lớp;
so với cùng kỳ năm 2022 tăng 5 lớp (+14,3%)."
"""

from __future__ import annotations

from typing import NamedTuple

from centers import wording
from centers.compiled import CompiledQuery
from centers.lineage import Boundaries, default_boundaries
from centers.models import Unit
from centers.periods import Period
from courses import rules as teaching_rules
from courses.models import Enrolment

from . import selectors
from .figures import cache, completeness, counting, programs
from .figures.basis import Basis, admitted_statuses, bounds_of, centers_of, default_basis
from .figures.types import FOUR_WORD_RESULTS, RESULTS, Change, Figures, Rollup
from .formatting import vn_int, vn_percent
from .models import Briefing


def subject(rollup: Rollup) -> str:
    """Who opened the classes: a center by its name of the period, the centers as the period calls them
    (centers/wording.py: "các trung tâm chính trị cấp huyện, thành phố" before 1/7/2025, "... xã, phường" after)."""
    unit, period = rollup.unit, rollup.period
    if unit.kind == Unit.Kind.CENTER:
        return unit.name_on(period.end)
    # A period across the reorganisation (năm 2025) speaks of both kinds of centers, each with its days.
    return wording.centers_over(
        period.start,
        period.end,
        lambda start, end: {center.area_kind for center in rollup.centers if center.is_active_between(start, end)},
        nationwide=unit.kind == Unit.Kind.CENTRAL,
    )


def _change(change: Change, unit_word: str) -> str:
    if change.diff == 0:
        return "bằng"
    sign = "+" if change.diff > 0 else "-"
    return f"{change.word} {vn_int(abs(change.diff))} {unit_word} ({sign}{vn_percent(abs(change.ratio))})"


def comparison(rollup: Rollup) -> str:
    """ "so với cùng kỳ năm 2022 tăng 5 lớp (+14,3%) ..." (or why there is nothing to compare)."""
    period = rollup.period
    earlier = "cùng kỳ năm" if period.kind != "Y" else "năm"
    if rollup.no_history:  # founded since: nothing to compare with, not a rise from zero
        return f"chưa có số liệu cùng kỳ năm {period.year - 1} để so sánh"
    classes, enrolments = rollup.change("classes"), rollup.change("enrolments")
    if classes is None:
        return ""
    if classes.previous == 0:
        return f"{earlier} {period.year - 1} chưa có số liệu để so sánh"
    if classes.diff == 0 and enrolments.diff == 0:
        return f"bằng {earlier} {period.year - 1}"
    text = f"so với {earlier} {period.year - 1} "
    if classes.diff == 0:
        text += "số lớp bằng"
    else:
        text += _change(classes, "lớp")
    if enrolments.previous:
        text += ", số lượt học viên " + ("bằng" if enrolments.diff == 0 else _change(enrolments, "lượt"))
    return text


def _basis_note(rollup: Rollup, rate: completeness.ReportingRate | None) -> str:
    """What the figures of a province or the country stand on, when it is not every report: those not yet approved
    (or sent) are left out, and a comparison with a whole year-earlier period would read as a fall."""
    unit, period, basis = rollup.unit, rollup.period, rollup.basis
    if unit.kind == Unit.Kind.CENTER:
        return ""
    notes = [] if basis == Basis.APPROVED else ["số liệu gồm cả báo cáo chưa được phê duyệt"]
    # Today's boundaries adding merged provinces, or the boundaries of the time where today's are the default: say
    # which (a period before the reform, shown as it was by default, says nothing).
    if rollup.predecessors or rollup.bounds.boundaries is not default_boundaries(period.end):
        label = rollup.boundaries_label
        notes.append(label[0].lower() + label[1:])
    statuses = admitted_statuses(basis)
    if statuses is not None:
        rate = rate or completeness.reporting_rate(
            unit=unit, period=period, centers=rollup.centers, bounds=rollup.bounds
        )
        counted = sum(status in statuses for status in rate.statuses.values())
        if counted < rate.expected:
            done = "đã được phê duyệt" if basis == Basis.APPROVED else "đã gửi"
            if period.is_quarter:
                notes.append(f"tính theo báo cáo {done} của {vn_int(counted)}/{vn_int(rate.expected)} trung tâm")
            else:
                notes.append(f"tính theo {vn_int(counted)}/{vn_int(rate.expected)} báo cáo quý {done}")
    return f" ({'; '.join(notes)})" if notes else ""


def figures_paragraph(rollup: Rollup, rate: completeness.ReportingRate | None = None) -> str:
    """The figures of the period in the boards' words; `rate`: the period's reporting rate, when the caller has it."""
    period, total = rollup.period, rollup.total
    who = subject(rollup)
    basis_note = _basis_note(rollup, rate)
    if not rollup.has_data:
        return f"{period.sentence_label}, {who} chưa mở lớp nào{basis_note}."
    parts = [
        f"{program.program.briefing_phrase} {vn_int(program.own_classes)} lớp"
        for program in rollup.by_program.values()
        if program.own_classes
    ]
    if total.co_organised_classes:
        parts.append(f"phối hợp với Trường Chính trị tỉnh mở {vn_int(total.co_organised_classes)} lớp")
    text = (
        f"{period.sentence_label}, {who} đã mở {vn_int(total.classes)} lớp với {vn_int(total.enrolments)} lượt học viên"
    )
    if parts:
        text += ", trong đó " + ", ".join(parts)
    compared = comparison(rollup)
    if compared:
        text += "; " + compared
    text += basis_note + "."
    across = program_comparison(rollup)
    if across:
        text += " " + across
    text += results_sentences(total)
    if total.planned_classes:
        # Only classes of quarters that had a plan count against it: say so when that is not every class opened.
        opened = (
            "Số lớp mở" if total.classes_in_planned_quarters == total.classes else "Số lớp mở trong các quý có kế hoạch"
        )
        text += (
            f" {opened} đạt {vn_percent(total.plan_fulfilment)} kế hoạch "
            f"({vn_int(total.classes_in_planned_quarters)}/{vn_int(total.planned_classes)} lớp)."
        )
    return text


def _shares(results: dict[str, int], finished: int, shown) -> str:
    return ", ".join(
        f"{label.lower()} {vn_percent(results.get(key, 0) / finished)}"
        for key, label in shown
        if key != Enrolment.Result.DROPPED  # a drop-out is not a grade: counted as finished, not listed
    )


def results_sentences(total: Figures) -> str:
    """The grades, and under the 2025 rules what they add (certificates, attendance), as the boards write them.

    Classes before the rules keep four words, classes since are graded on the ten-point scale with xuất sắc: a
    period holding both says which grades come from which, never one distribution of both."""
    finished = total.finished_enrolments
    if not finished:
        return ""
    since = teaching_rules.scored_since()
    scale = f"lớp từ {since:%d/%m/%Y} xếp loại theo thang điểm 10, có loại xuất sắc" if since else ""
    scored, unscored = total.scored_finished, total.unscored_finished
    text = f" Trong {vn_int(finished)} lượt học viên đã có kết quả, "
    if not scored:
        text += "xếp loại " + _shares(total.results, finished, FOUR_WORD_RESULTS)
    elif not unscored:
        text += "xếp loại " + _shares(total.scored_results, scored, RESULTS)
    else:
        text += (
            f"lớp trước {since:%d/%m/%Y} ({vn_int(unscored)} lượt) xếp loại "
            + _shares(total.unscored_results, unscored, FOUR_WORD_RESULTS)
            + f"; {scale} ({vn_int(scored)} lượt): "
            + _shares(total.scored_results, scored, RESULTS)
        )
    text += f"; tỷ lệ hoàn thành {vn_percent(total.completion_rate)}."
    if scored:
        text += " " + scored_sentence(total)
    return text


def scored_sentence(total: Figures) -> str:
    """ "100% học viên đủ điều kiện được cấp giấy chứng nhận, xếp loại khá, giỏi trở lên đạt 85,7%; đã cấp 12 giấy
    chứng nhận (2 giấy cấp quá thời hạn); tham dự 95,0% số tiết, 1 lượt học viên không đủ số tiết để làm bài thu
    hoạch." (the classes under the 2025 rules)."""
    text = (
        f"{vn_percent(total.eligible_rate)} học viên đủ điều kiện được cấp giấy chứng nhận, xếp loại khá, giỏi trở "
        f"lên đạt {vn_percent(total.good_or_better_rate)}"
    )
    if total.certificates_issued:
        text += f"; đã cấp {vn_int(total.certificates_issued)} giấy chứng nhận"
        if total.certificates_late:
            text += f" ({vn_int(total.certificates_late)} giấy cấp quá thời hạn)"
    if total.certificates_pending:
        text += f", còn {vn_int(total.certificates_pending)} học viên đủ điều kiện chưa được cấp"
    if total.attendance_rate is not None:
        text += f"; học viên tham dự {vn_percent(total.attendance_rate)} số tiết"
        if total.below_attendance:
            text += f", {vn_int(total.below_attendance)} lượt học viên không đủ số tiết để làm bài thu hoạch"
    return text + "."


def program_comparison(rollup: Rollup) -> str:
    """The programs of a later catalogue than a year earlier's, compared with their counterparts (ProgramMapping):
    "So với cùng kỳ năm 2025 theo chương trình tương ứng: bồi dưỡng đảng viên mới 5 lớp (cùng kỳ 3 lớp bồi dưỡng
    đảng viên mới), tăng 2 lớp; bồi dưỡng chuyên đề 1 lớp, chưa có chương trình tương ứng cùng kỳ năm trước." """
    compared = programs.across_the_change(rollup)
    if not compared:
        return ""
    earlier = "cùng kỳ năm" if rollup.period.kind != "Y" else "năm"
    parts = []
    for line in compared:
        phrase = f"{line.program.briefing_phrase} {vn_int(line.now.classes)} lớp"
        if line.now.classes != line.now.own_classes:  # the lines above count a program's own classes only
            phrase += " kể cả lớp phối hợp"
        if line.before is None:
            parts.append(f"{phrase}, {programs.NO_COUNTERPART}")
            continue
        change = line.change
        word = "bằng" if change.diff == 0 else f"{change.word} {vn_int(abs(change.diff))} lớp"
        parts.append(f"{phrase} (cùng kỳ {vn_int(line.before.classes)} lớp {line.earlier_phrases}), {word}")
    return f"So với {earlier} {rollup.period.year - 1} theo chương trình tương ứng: " + "; ".join(parts) + "."


def written_points(
    *, unit: Unit, period: Period, basis: str, fields: tuple[str, ...] = selectors.NOTE_FIELDS, bounds=None
) -> dict[str, list[str]]:
    """What the centers wrote (selectors.NOTE_FIELDS), field → a line a point, for the briefing and
    both files: a center's own points; a province's with each center's name; nationally (thousands of points) a
    line a province with how many centers wrote how many points, which the province's own report lists."""
    if unit.kind == Unit.Kind.CENTRAL:
        lines = {name: [] for name in fields}
        for province, counts in selectors.points_by_province(unit=unit, period=period, basis=basis, fields=fields):
            area = _area(province)
            for name, (centers, points) in counts.items():
                if points:
                    lines[name].append(
                        f"- {area[0].upper()}{area[1:]}: {centers} trung tâm nêu {vn_int(points)} ý kiến "
                        f"(chi tiết trong báo cáo của {area})."
                    )
        return lines
    narratives = selectors.narratives(unit=unit, period=period, basis=basis, bounds=bounds)
    return {name: _note_lines(unit, narratives, name) for name in fields}


def _note_lines(unit: Unit, narratives: list[selectors.Narrative], attribute: str) -> list[str]:
    """A line a point. A province's lines name the center that wrote it; the same statement written by several
    centers (the same words, whatever the spacing, case or final full stop) is one line naming them all, in the
    order they first appear."""
    if unit.kind == Unit.Kind.CENTER:
        texts = [getattr(narrative, attribute).strip() for narrative in narratives]
        return [f"- {text}" for text in dict.fromkeys(text for text in texts if text)]
    groups: dict[str, tuple[str, list[str]]] = {}
    for narrative in narratives:
        text = getattr(narrative, attribute).strip()
        if not text:
            continue
        key = " ".join(text.casefold().split()).rstrip(".")
        name = narrative.center.name_on(narrative.period.end)
        names = groups.setdefault(key, (text, []))[1]
        if name not in names:
            names.append(name)
    return [f"- {', '.join(names)}: {text}" for text, names in groups.values()]


def _area(province: Unit) -> str:
    """ "tỉnh Lào Cai", "thành phố Hải Phòng"; a name that already says so ("Thành phố Hồ Chí Minh") as it is."""
    word = "thành phố" if province.area_kind == Unit.AreaKind.CITY else "tỉnh"
    if province.area_name.lower().startswith(f"{word} "):
        return province.area_name
    return f"{word} {province.area_name}"


def generate(
    *,
    unit: Unit,
    period: Period,
    basis: str | None = None,
    rollup: Rollup | None = None,
    rate=None,
    boundaries: Boundaries | None = None,
    bounds=None,
) -> str:
    """The whole briefing: the figures paragraph, then the centers' shortcomings and proposals.

    Cached like the figures it is written from (the period and a year earlier; reports' text is stamped too), and
    keyed on the boundaries (None: the period's default), so that a switch never shows the other view's text."""
    basis = rollup.basis if rollup is not None else basis or default_basis(unit)
    bounds = rollup.bounds if rollup is not None else bounds or bounds_of(unit, boundaries, period)
    return cache.cached(
        "briefing",
        centers=centers_of(unit, bounds),
        years=[period.year - 1, period.year],
        params=(unit.pk, period.key, basis, bounds.key),
        compute=lambda: _generate(unit, period, basis, rollup, rate, bounds),
    )


def _generate(unit: Unit, period: Period, basis: str, rollup: Rollup | None, rate, bounds) -> str:
    rollup = rollup or counting.rollup(unit=unit, period=period, basis=basis, bounds=bounds)
    sections = [figures_paragraph(rollup, rate)]
    points = written_points(
        unit=unit, period=period, basis=basis, fields=("shortcomings", "proposals"), bounds=rollup.bounds
    )
    for heading, attribute in (("Tồn tại, hạn chế:", "shortcomings"), ("Đề xuất, kiến nghị:", "proposals")):
        lines = points[attribute]
        if lines:
            sections.append(heading + "\n" + "\n".join(lines))
    return "\n\n".join(sections)


# The newest saved version of a unit's briefing of a period on a basis, with who saved it: read on every dashboard,
# compiled once (composing the query cost more CPU than running it, centers/compiled.py).
_newest_version = CompiledQuery(
    Briefing,
    lambda unit_id, period_key, basis: Briefing.objects.filter(
        unit_id=unit_id, period_key=period_key, basis=basis
    ).select_related("edited_by")[:1],  # `.first()` in the model's order: the newest
    samples=((-1, "period-a", "basis-a"), (-2, "period-b", "basis-b")),
)


class Current(NamedTuple):
    text: str  # the text in use: the board's edit, or the generated text
    version: Briefing | None  # the newest saved version on this basis, if any
    outdated: bool  # the version is an edit the figures have changed under: the generated text is in use instead


def normalise(text: str) -> str:
    """One line ending: a browser's text area sends CRLF, and the files split the text on blank lines."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def current(
    *,
    unit: Unit,
    period: Period,
    basis: str | None = None,
    rollup: Rollup | None = None,
    rate=None,
    boundaries: Boundaries | None = None,
) -> Current:
    """The briefing in use on a data basis: board staff's edit while the generated text it started from is still
    the generated text; else (no edit, a regenerated version, or an edit the figures or the centers' points have
    changed under since) the generated text, so that no page or file shows figures that are no longer true.

    The board edits the briefing of the period's default boundaries; the other view shows its generated text."""
    basis = rollup.basis if rollup is not None else basis or default_basis(unit)
    bounds = rollup.bounds if rollup is not None else bounds_of(unit, boundaries, period)
    if unit.kind != Unit.Kind.CENTER and bounds.boundaries is not default_boundaries(period.end):
        return Current(
            generate(unit=unit, period=period, basis=basis, rollup=rollup, rate=rate, bounds=bounds), None, False
        )
    found = _newest_version.rows(unit.pk, period.key, str(basis))
    version = found[0] if found else None
    if version is not None and not version.is_generated and not version.based_on:
        return Current(normalise(version.text), version, False)  # saved before the edits kept what they started from
    generated = generate(unit=unit, period=period, basis=basis, rollup=rollup, rate=rate, bounds=bounds)
    if version is None or version.is_generated:
        return Current(generated, version, False)
    if normalise(version.based_on) != generated:
        return Current(generated, version, True)
    return Current(normalise(version.text), version, False)
