"""Saturation runs for bench_load.py (no think time): the public search page, and the hello baseline.
Pick one class on the command line: `locust -f bench/locust/saturation.py SearchOnly`.

SearchOnly asks what visitors ask, so after the first request per query the results come from the fragment
cache (core/cache.py). SearchUncached adds a parameter the search does not know, which makes the page render
its results afresh (produce/views_search.py): the figure for the search itself."""
import random

from locust import HttpUser, constant, task

PRODUCTS = ["脐橙", "苹果", "大米", "土豆", "洋芋", "猕猴桃", "茶叶", "香菇", "红薯", "orange", "qicheng", "dami"]


class SearchOnly(HttpUser):
    wait_time = constant(0)

    @task
    def search(self):
        self.client.get("/produce/", params={"q": random.choice(PRODUCTS)}, name="/produce/?q=")


class SearchUncached(HttpUser):
    wait_time = constant(0)

    @task
    def search(self):
        self.client.get("/produce/", params={"q": random.choice(PRODUCTS), "fresh": random.randrange(10**9)},
                        name="/produce/?q=&fresh=")


class Hello(HttpUser):
    wait_time = constant(0)

    @task
    def hello(self):
        self.client.get("/", name="hello")
