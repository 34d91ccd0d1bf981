"""The open work a reorganisation touches, told by the apps that hold it.

Centers may not import the reports app (the layers: centers ← courses ← reports), yet a plan's preview lists the
reports and drafts of the open quarters of the units that close. The reports app registers a provider here at
startup (`ReportsConfig.ready`); the preview asks every provider.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OpenWork:
    unit_id: int
    label: str  # "quý II/2025: báo cáo đang soạn"


# provider({unit id: its last day}) -> the open work of those units up to their last day
Provider = Callable[[dict[int, datetime.date]], list[OpenWork]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider; registering the same one twice keeps one."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def open_work(closing: dict[int, datetime.date]) -> list[OpenWork]:
    """The open work of the units that close ({unit id: last day}), from every provider."""
    if not closing:
        return []
    found: list[OpenWork] = []
    for provider in _providers:
        found.extend(provider(closing))
    return found
