from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from centers.periods import Period, PeriodError
from reports import selectors

from .models import Unit


def home_unit(scope) -> Unit | None:
    """The unit whose figures a user's home page shows: their center, their province, or the nation."""
    if scope.unit is not None:
        return scope.unit
    if scope.is_national:
        return Unit.objects.get(kind=Unit.Kind.CENTRAL, parent=None)
    return None


@login_required
def home(request):
    """The landing page for the user's level: what they may see, with the year's figures per unit."""
    scope = request.scope
    unit = home_unit(scope)
    today = timezone.localdate()
    try:
        period = Period.parse(request.GET["ky"]) if request.GET.get("ky") else None
    except PeriodError:
        period = None
    if period is None:
        period = Period(selectors.landing_year(unit, today=today) if unit else today.year, "Y")
    rollup = selectors.rollup(unit=unit, period=period, compare=False) if unit else None
    rows = []
    if rollup is not None:
        if scope.is_national:
            rows = [(province, figures) for province, figures, _ in rollup.by_province()]
        else:
            rows = [(center, rollup.by_center.get(center.pk, selectors.Figures())) for center in rollup.centers]
    return render(
        request,
        "home.html",
        {"period": period, "years": range(today.year, today.year - 6, -1), "rollup": rollup, "rows": rows},
    )
