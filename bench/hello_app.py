"""The baseline for bench_load.py: a minimal Flask app served by the same gunicorn settings."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
