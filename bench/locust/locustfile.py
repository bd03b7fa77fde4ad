"""HarvestLink load scenario: anonymous browsing and search, producers editing listings, buyers booking
meetings, officials viewing dashboards. Accounts are the demo set (`flask demo`, password in core/demo.py).

bench_load.py's saturation runs (search page alone, hello baseline) use bench/locust/saturation.py.
"""
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, task

DEMO_PASSWORD = "harvest-demo-2026"  # the published demo password
PRODUCTS = ["脐橙", "苹果", "大米", "土豆", "洋芋", "猕猴桃", "茶叶", "香菇", "红薯", "orange", "qicheng", "dami"]
REGION_QUERIES = ["赣州", "兴国", "gz", "xingguo", "湖北", "眉县"]
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
OK_STATUSES = (200, 302, 303, 409)  # 409: two simulated users edited or booked the same thing; a correct answer


class _Form(HTMLParser):
    """The first POST form of a page: its action and default values (enough to resubmit it unchanged)."""

    def __init__(self, marker: str = ""):
        super().__init__()
        self.marker, self.action, self.fields, self._in, self._done, self._select = marker, None, {}, False, False, None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self._done and a.get("method", "").lower() == "post":
            self._in, self.action = True, a.get("action", "")
        elif not self._in or not a.get("name"):
            if tag == "option" and self._in and self._select and self._select not in self.fields:
                self.fields[self._select] = a.get("value", "")
            return
        elif tag == "input" and a.get("type") not in ("submit", "file", "checkbox", "radio"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "checkbox" and ("checked" in a or self.marker in a["name"]):
            self.fields.setdefault(a["name"], a.get("value", "y"))
        elif tag == "select":
            self._select = a["name"]

    def handle_endtag(self, tag):
        if tag == "form" and self._in:
            self._in, self._done = False, True
        elif tag == "select":
            self._select = None


def first_form(html: str, marker: str = "") -> _Form:
    form = _Form(marker)
    form.feed(html)
    return form


class _Signed(HttpUser):
    abstract = True
    email = ""

    def on_start(self):
        page = self.client.get("/login", name="/login").text
        token = TOKEN.search(page).group(1)
        self.client.post("/login", data={"email": self.email, "password": DEMO_PASSWORD, "csrf_token": token},
                         name="/login [POST]", allow_redirects=False)

    def links(self, path: str, name: str, pattern: str) -> list[str]:
        return re.findall(pattern, self.client.get(path, name=name).text)


class AnonymousVisitor(HttpUser):
    weight = 6
    wait_time = between(1, 3)

    @task(2)
    def home(self):
        self.client.get("/", name="/")

    @task(6)
    def search(self):
        html = self.client.get("/produce/", params={"q": random.choice(PRODUCTS)}, name="/produce/?q=").text
        ids = re.findall(r'href="/produce/listings/(\d+)"', html)
        if ids:
            self.client.get(f"/produce/listings/{random.choice(ids)}", name="/produce/listings/<id>")

    @task(2)
    def regions(self):
        self.client.get("/regions/search", params={"q": random.choice(REGION_QUERIES)}, name="/regions/search")
        self.client.get("/regions/children", params={"parent": "360000"}, name="/regions/children")

    @task(1)
    def fairs_and_counties(self):
        self.client.get("/fairs/", name="/fairs/")
        self.client.get("/counties/public", name="/counties/public")

    @task(1)
    def login_page(self):
        self.client.get("/login", name="/login")


class ProducerEditor(_Signed):
    weight = 2
    wait_time = between(2, 5)

    def on_start(self):
        self.email = random.choice(["farmer@demo.harvestlink.cn", "coop@demo.harvestlink.cn",
                                    "familyfarm@demo.harvestlink.cn", "enterprise@demo.harvestlink.cn"])
        super().on_start()

    @task(3)
    def my_listings(self):
        self.client.get("/produce/mine", name="/produce/mine")

    @task(2)
    def edit_listing(self):
        ids = self.links("/produce/mine", "/produce/mine", r'href="/produce/listings/(\d+)/edit"')
        if not ids:
            return
        path = f"/produce/listings/{random.choice(ids)}/edit"
        form = first_form(self.client.get(path, name="/produce/listings/<id>/edit").text)
        with self.client.post(path, data=form.fields, name="/produce/listings/<id>/edit [POST]",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code in OK_STATUSES:
                response.success()


class BuyerBooker(_Signed):
    weight = 2
    wait_time = between(2, 5)
    email = "buyer@demo.harvestlink.cn"

    @task(3)
    def supplier_search(self):
        self.client.get("/buyers/suppliers", params={"q": random.choice(PRODUCTS)}, name="/buyers/suppliers?q=")

    @task(1)
    def my_demands(self):
        self.client.get("/buyers/demands", name="/buyers/demands")

    @task(2)
    def book_meeting(self):
        fairs = self.links("/fairs/", "/fairs/", r'href="/fairs/(\d+)"')
        if not fairs:
            return
        fair = random.choice(fairs)
        meets = self.links(f"/fairs/{fair}", "/fairs/<id>", rf'href="(/fairs/{fair}/meet/\d+)"')
        self.client.get("/fairs/schedule", name="/fairs/schedule")
        if not meets:
            return
        path = random.choice(meets)
        form = first_form(self.client.get(path, name="/fairs/<id>/meet/<reg>").text, marker="slots")
        with self.client.post(path, data=form.fields, name="/fairs/<id>/meet/<reg> [POST]",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code in OK_STATUSES:
                response.success()


class OfficialViewer(_Signed):
    weight = 1
    wait_time = between(2, 5)
    email = "official.jiangxi@demo.harvestlink.cn"

    @task(2)
    def counties_dashboard(self):
        self.client.get("/counties/", name="/counties/")

    @task(2)
    def fair_dashboard(self):
        fairs = self.links("/fairs/", "/fairs/", r'href="/fairs/(\d+)"')
        if fairs:
            fair = random.choice(fairs)
            self.client.get(f"/fairs/{fair}/dashboard", name="/fairs/<id>/dashboard")
            self.client.get(f"/fairs/{fair}/stats.json", name="/fairs/<id>/stats.json")

    @task(1)
    def buyer_database(self):
        self.client.get("/buyers/admin", name="/buyers/admin")
