"""Messages that the write services (courses/services.py) and the workbook import (courses/importing.py) both
give, written once here so that neither imports the other for them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from centers import wording
from centers.models import Unit


def cccd_elsewhere(holder_center: Unit, province_id: int | None) -> str:
    """The message for a CCCD held by another center: which board hands the record over (the user's own, or the
    one of the province named), never the person's name."""
    province = holder_center.parent
    if province is not None and province.pk == province_id:
        return _(
            "Số CCCD này đã được đăng ký cho một học viên do đơn vị khác quản lý, nên không tạo được học viên mới với "
            "số này. Nếu đúng là cùng một người đã chuyển về trung tâm, đề nghị %(board)s chuyển hồ sơ học viên "
            "về trung tâm (Ban tìm theo số CCCD ở mục Học viên); nếu nhập nhầm số, hãy kiểm tra lại."
        ) % {"board": wording.today().provincial_board}
    return _(
        "Số CCCD này đã được đăng ký cho một học viên do đơn vị khác quản lý (ở %(area)s), nên không tạo được học viên "
        "mới với số này. Nếu đúng là cùng một người đã chuyển về trung tâm, đề nghị %(board)s chuyển hồ sơ học viên "
        "về trung tâm; nếu nhập nhầm số, hãy kiểm tra lại."
    ) % {"area": province.area_name if province else "", "board": province.name if province else ""}
