"""Two-step sign-in with an authenticator app (TOTP, django-otp) and one-time recovery codes.

Optional for everyone; required of central and board staff when settings.TWO_FACTOR_REQUIRED is on. A sign-in with
the password alone leaves the session waiting for the code (centers.middleware.AccountGate lets it open nothing
else). Wrong codes count in the login throttle (django-axes) under "<username>#2fa", so that the password step's
success, which clears the password's failures, does not clear them; lifting a lockout clears both.
"""

from __future__ import annotations

import base64

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import wording
from .models import AccountEvent, Staff

PENDING = "two_factor_pending"  # session: the password was right, the code is still to come
SETUP_REQUIRED = "two_factor_setup_required"  # session: the setting requires two steps of this account
RECOVERY_CODES = 10
DEVICE_NAME = "Ứng dụng xác thực"


def throttle_key(username: str) -> str:
    return f"{username}#2fa"


def is_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_of(user) -> bool:
    if not getattr(settings, "TWO_FACTOR_REQUIRED", False):
        return False
    staff = Staff.objects.select_related("unit").filter(user=user).first()
    return staff is not None and staff.role in (Staff.Role.CENTRAL, Staff.Role.BOARD)


def on_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: a user with two steps waits for the code; one the setting requires them of sets them up."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if is_enabled(user):
        session[PENDING] = True
    elif required_of(user):
        session[SETUP_REQUIRED] = True


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_device(user) -> TOTPDevice:
    """The app's key being set up (not yet confirmed by a code): kept until confirmed, so a reload shows the same QR."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _event(user, kind, by, detail=""):
    staff = Staff.objects.filter(user=user).select_related("unit").first()
    if staff is not None:
        AccountEvent.objects.create(user=user, unit=staff.unit, by=by, kind=kind, detail=detail)


def _new_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()  # the old codes stop working
    device = StaticDevice.objects.create(user=user, name=_("Mã dự phòng"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def enable(request, user, code: str) -> list[str]:
    """Confirm the app by a code it shows: two steps are on; returns the recovery codes (shown once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token((code or "").replace(" ", "")):
        raise ValidationError(_("Mã không đúng. Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_codes(user)
        _event(user, AccountEvent.Kind.TWO_FACTOR_ON, user)
    django_otp.login(request, device)
    request.session.pop(SETUP_REQUIRED, None)
    return codes


def new_recovery_codes(user) -> list[str]:
    with transaction.atomic():
        return _new_codes(user)


def disable(user, by, detail: str = "") -> None:
    """Two steps off: the app's key and the recovery codes are removed (secrets, not records), the change logged."""
    if by.pk == user.pk and required_of(user):
        raise ValidationError(
            _("Tài khoản cán bộ Trung ương và %(board)s bắt buộc đăng nhập hai bước.")
            % {"board": wording.today().provincial_board}
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _event(user, AccountEvent.Kind.TWO_FACTOR_OFF, by, detail)


def is_locked(request, user) -> bool:
    return AxesProxyHandler.is_locked(request, credentials={"username": throttle_key(user.get_username())})


def verify(request, user, code: str):
    """The second step: a code of the app or an unused recovery code. Returns the device, or None (counted as a failed
    sign-in by the login throttle)."""
    code = (code or "").replace(" ", "").strip()
    device = None
    if code:
        for candidate in [
            *TOTPDevice.objects.filter(user=user, confirmed=True),
            *StaticDevice.objects.filter(user=user),
        ]:
            device = django_otp.verify_token(user, candidate.persistent_id, code)
            if device is not None:
                break
    key = throttle_key(user.get_username())
    if device is None:
        user_login_failed.send(sender=__name__, credentials={"username": key}, request=request)
        return None
    axes_reset(username=key)
    django_otp.login(request, device)
    request.session.pop(PENDING, None)
    return device
