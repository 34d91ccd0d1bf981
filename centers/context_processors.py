from . import wording


def scope(request):
    # wording_today: what the app's own messages call the boards today ("Ban Tuyên giáo và Dân vận tỉnh").
    return {"scope": getattr(request, "scope", None), "wording_today": wording.today()}
