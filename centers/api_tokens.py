"""Personal API tokens: created and revoked by their owner (profile page), and the authentication the read API uses.

A token is `llct_` + 40 random characters; only its SHA-256 is stored, so a leaked database does not leak tokens.
A request authenticated by a token gets the same Scope as its owner's pages (centers/scoping.py): the API reads
through the one scoping mechanism, never its own.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import AccountEvent, ApiToken, Staff

PREFIX = "llct_"
# A token used within this long is not written again on each request (one write per token per interval).
LAST_USED_INTERVAL = datetime.timedelta(minutes=5)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def max_tokens() -> int:
    return getattr(settings, "API_TOKENS_PER_USER", 5)


def create(user, name: str, *, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`: (the row, the secret to show once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Đặt tên gợi nhớ cho mã truy cập, ví dụ “Hệ thống tổng hợp của Ban”.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Tên gợi nhớ dài tối đa 100 ký tự.")})
    if days is not None and not 1 <= days <= 366:
        raise ValidationError({"days": _("Thời hạn từ 1 đến 366 ngày.")})
    if not user.is_active:
        raise ValidationError(_("Tài khoản đã bị khóa, không tạo được mã truy cập."))
    now = timezone.now()
    with transaction.atomic():
        live = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        if sum(1 for token in live if token.is_usable(now)) >= max_tokens():
            raise ValidationError(
                _("Mỗi tài khoản có tối đa %(n)s mã truy cập đang dùng: thu hồi một mã cũ trước.") % {"n": max_tokens()}
            )
        secret = PREFIX + secrets.token_urlsafe(30)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[: len(PREFIX) + 6],
            key_hash=_hash(secret),
            created_at=now,
            expires_at=now + datetime.timedelta(days=days) if days else None,
        )
        _event(user, AccountEvent.Kind.API_TOKEN_CREATED, f"{token.name} ({token.prefix}…)")
    return token, secret


def revoke(user, pk: int) -> ApiToken:
    """Revoke one of the user's own tokens (a token of someone else is not found)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, pk=pk).first()
        if token is None:
            raise ValidationError(_("Không tìm thấy mã truy cập."))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            _event(user, AccountEvent.Kind.API_TOKEN_REVOKED, f"{token.name} ({token.prefix}…)")
    return token


def _event(user, kind, detail: str) -> None:
    staff = Staff.objects.filter(user=user).select_related("unit").first()
    if staff is not None:  # a superuser without a unit has no account log
        AccountEvent.objects.create(user=user, unit=staff.unit, by=user, kind=kind, detail=detail[:255])


def user_for(secret: str):
    """The active owner of a usable token, or None."""
    if not secret or not secret.startswith(PREFIX):
        return None, None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(secret)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None, None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer llct_…` (or `Token llct_…`)."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization không hợp lệ: dùng “Bearer <mã truy cập>”."))
        user, token = user_for(header[1].decode(errors="replace"))
        if user is None:
            raise exceptions.AuthenticationFailed(_("Mã truy cập không đúng, đã hết hạn hoặc đã bị thu hồi."))
        return user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
