"""The import preview as plain lines, shared by the command line (the web page renders the same plan)."""

from .importing import ImportPlan


def preview_lines(plan: ImportPlan) -> list[str]:
    s = plan.summary()
    lines = [
        f"Lớp học: {s['new_classes']} lớp mới, {s['existing_classes']} lớp đã có.",
        f"Học viên: {s['new_learners']} người mới, {s['matched_learners']} người đã có trên hệ thống.",
        f"Lượt học viên: {s['new_enrolments']} lượt mới, {s['existing_enrolments']} lượt đã có, "
        f"{s['result_updates']} kết quả cập nhật.",
    ]
    if plan.errors:
        lines.append(f"Lỗi ({len(plan.errors)}):")
        lines += [f"  - {error}" for error in plan.errors]
    elif not plan.changes_anything:
        lines.append("Mọi dòng trong tệp đều đã có trên hệ thống; không có gì để ghi.")
    return lines
