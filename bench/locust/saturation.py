"""Saturation runs for bench_load.py (no think time): the public search page, and the hello baseline.
Pick one class on the command line: `locust -f bench/locust/saturation.py SearchOnly`."""
import random

from locust import HttpUser, constant, task

PRODUCTS = ["脐橙", "苹果", "大米", "土豆", "洋芋", "猕猴桃", "茶叶", "香菇", "红薯", "orange", "qicheng", "dami"]


class SearchOnly(HttpUser):
    wait_time = constant(0)

    @task
    def search(self):
        self.client.get("/produce/", params={"q": random.choice(PRODUCTS)}, name="/produce/?q=")


class Hello(HttpUser):
    wait_time = constant(0)

    @task
    def hello(self):
        self.client.get("/", name="hello")
