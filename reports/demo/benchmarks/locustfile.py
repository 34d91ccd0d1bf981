"""`make loadtest`: signed-in users of the three roles mixing dashboards, lists, class pages, reports, exports.

Reads the accounts and addresses that `manage.py prepare_loadtest` wrote (LOADTEST_PLAN). Loopback only."""

import json
import os
import random
import re

from locust import FastHttpUser, between, tag, task
from pages import CSRF, results_form  # beside this file: locust puts its folder on the path

with open(os.environ.get("LOADTEST_PLAN", "/tmp/llct-loadtest.json"), encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
PASSING = ["gioi", "kha", "trung_binh"]


class Staff(FastHttpUser):
    """FastHttpUser (geventhttpclient): the load generator shares the app's two cores, and python-requests cost it
    several times the CPU a request needs; the app's figures must not pay for the generator's."""

    abstract = True
    wait_time = between(1, 5)  # a click every 3 seconds on average: busy staff, not a script
    role = ""

    def on_start(self):
        page = self.client.get("/dang-nhap/", name="login page")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/dang-nhap/",
            {"username": PLAN["users"][self.role], "password": PLAN["password"], "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/dang-nhap/"},
            name="login",
            allow_redirects=False,  # signed in: a redirect away from the login page (the form again otherwise)
        )
        if response.status_code != 302 or "/dang-nhap/" in (response.headers.get("Location") or ""):
            raise RuntimeError(f"login failed for {self.role}")


class CenterStaff(Staff):
    weight = 5
    role = "center"

    @task(3)
    def class_list(self):
        self.client.get("/lop/", name="class list")

    @task(3)
    def class_page(self):
        self.client.get(f"/lop/{random.choice(PLAN['courses'])}/", name="class page")

    @task(2)
    def own_dashboard(self):
        self.client.get(f"/tong-hop/{PLAN['center']}/{PLAN['quarter']}/", name="center dashboard")

    @task(2)
    def report(self):
        self.client.get(f"/bao-cao/{PLAN['center']}/{PLAN['quarter']}/", name="center report")

    @tag("writes")  # `make loadtest WRITES=1`: the mix is reads and exports; this adds real writes
    @task(2)
    def record_a_result(self):
        """Open a class of the quarter still open and change one learner's result, as the form posts it."""
        if not PLAN["open_courses"]:
            return
        address = f"/lop/{random.choice(PLAN['open_courses'])}/"
        data, results = results_form(self.client.get(address, name="class page (open quarter)").text)
        if not results:
            return
        name = random.choice(results)
        data[name] = random.choice([r for r in PASSING if r != data[name]])
        # As a browser does: post, follow the redirect to the class page, read the message it shows.
        with self.client.post(
            address + "ket-qua/",
            data,
            headers={"Referer": self.host + address},
            name="record results",
            catch_response=True,
        ) as response:
            if "Đã ghi kết quả" in response.text:
                response.success()
            elif "vừa được người khác sửa" in response.text:
                response.success()  # refused rightly: another user saved the row first; counted on its own line
                self.environment.events.request.fire(
                    request_type="POST",
                    name="record results: refused, saved by another user first",
                    response_time=0,
                    response_length=0,
                    exception=None,
                    context={},
                )
            else:  # the status and the page's first alert say why
                alert = re.search(r'class="alert[^"]*"[^>]*>(.*?)<', response.text or "", re.S)
                reason = alert.group(1).strip() if alert else ""
                response.failure(f"results not recorded: HTTP {response.status_code} {reason}".strip())


class BoardStaff(Staff):
    weight = 3
    role = "board"

    @task(4)
    def dashboard(self):
        self.client.get(f"/tong-hop/{PLAN['province']}/{PLAN['quarter']}/", name="province dashboard")

    @tag("writes")  # the quarter the writes go into
    @task(2)
    def current_dashboard(self):
        """The quarter the centers are writing into: its figures change under the board's eyes."""
        self.client.get(
            f"/tong-hop/{PLAN['province']}/{PLAN['current_quarter']}/?so_lieu=all", name="province dashboard (open)"
        )

    @task(2)
    def completeness(self):
        self.client.get(f"/bao-cao/{PLAN['province']}/{PLAN['quarter']}/", name="completeness")

    @task(2)
    def class_list(self):
        self.client.get("/lop/", name="class list")

    @task(1)
    def workbook(self):
        self.client.get(f"/tong-hop/{PLAN['province']}/{PLAN['quarter']}/xuat.xlsx", name="province workbook")

    @task(1)
    def word(self):
        self.client.get(f"/tong-hop/{PLAN['province']}/{PLAN['quarter']}/xuat.docx", name="province word report")


class CentralStaff(Staff):
    weight = 2
    role = "central"

    @task(3)
    def national(self):
        self.client.get(f"/tong-hop/VN/{PLAN['year']}/", name="national dashboard")

    @tag("writes")  # the quarter the writes go into
    @task(1)
    def national_open(self):
        self.client.get(f"/tong-hop/VN/{PLAN['current_quarter']}/?so_lieu=all", name="national dashboard (open)")

    @task(1)
    def province(self):
        self.client.get(f"/tong-hop/{PLAN['province']}/{PLAN['year']}/", name="province dashboard (year)")
