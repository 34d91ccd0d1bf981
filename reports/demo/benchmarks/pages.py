"""Reading the app's pages as the load test's users do (no Django, no locust: the tests import it too)."""

import re

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="(kq-[^"]+)" value="([^"]*)"')
_CERTIFICATE = re.compile(r'name="(kq-\d+-certificate_no)" id="[^"]*" value="([^"]*)"')
_SELECT = re.compile(r'<select name="(kq-\d+-result)"[^>]*>(.*?)</select>', re.S)
_SELECTED = re.compile(r'<option value="(\w*)" selected>')


def results_form(page: str) -> tuple[dict[str, str], list[str]]:
    """What the class page's results form posts as shown (management form, each row's enrolment, version, result
    and certificate number, the CSRF token), and the names of its result fields."""
    data = dict(_HIDDEN.findall(page) + _CERTIFICATE.findall(page))
    results = []
    for name, options in _SELECT.findall(page):
        chosen = _SELECTED.search(options)
        data[name] = chosen.group(1) if chosen else ""
        results.append(name)
    token = CSRF.search(page)
    if token:
        data["csrfmiddlewaretoken"] = token.group(1)
    return data, results
