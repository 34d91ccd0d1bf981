"""Pages of the whole site that no app owns."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (settings.CSRF_FAILURE_VIEW), in Vietnamese: usually a form left open
    past the end of its session, or sent from a page opened before signing in again. Django's own page is in
    English and speaks of cookies and Referer headers; `reason` stays in the server's log."""
    return render(request, "403_csrf.html", status=403)
