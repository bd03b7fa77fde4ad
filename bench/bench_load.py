"""Load benchmark: HarvestLink under gunicorn (4 workers, loopback) with locust, against a hello-world baseline.

    python bench/bench_load.py                 # SQLite, 100 users, 5 minutes
    python bench/bench_load.py --quick 30s     # a short run
    python bench/bench_load.py --database-url postgresql://postgres@127.0.0.1:5432/postgres \
        --redis-url redis://127.0.0.1:6379/14  # then PostgreSQL + Redis (a fresh database is created)

Each database: a fresh schema (`flask db upgrade`), the demo set, the mixed scenario of bench/locust/locustfile.py
(throughput, p50/p95/p99 per endpoint, failures), then saturation runs of the search page alone: as visitors ask
(results from the fragment cache after the first request per query) and with the results rendered afresh every
time; finally the hello app (bench/hello_app.py) under the same gunicorn settings. Prints the ratio search / hello
(goal >= 0.25) for both,
counts failed requests and "database is locked" in the server logs. Bounded: loopback only, every run stops
by itself (locust --run-time, process timeouts). Never gates CI.
"""
import argparse
import contextlib
import csv
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "bench" / "locust" / "locustfile.py"
SATURATION = ROOT / "bench" / "locust" / "saturation.py"
sys.path.insert(0, str(ROOT / "tests"))
from livesrv import flask, free_port, server_env  # noqa: E402  (the test harness's helpers, reused)

MIXED = ["AnonymousVisitor", "ProducerEditor", "BuyerBooker", "OfficialViewer"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-time", default="5m", help="mixed scenario duration per database (locust syntax)")
    parser.add_argument("--quick", metavar="TIME", help="shorthand for a short run, e.g. 30s")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--saturation-time", default=None, help="search/hello saturation runs (default run-time/5)")
    parser.add_argument("--database-url", help="also run on this PostgreSQL server (a fresh database is made)")
    parser.add_argument("--redis-url", help="REDIS_URL for the PostgreSQL run")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.run_time = args.quick
    args.saturation_time = args.saturation_time or _fraction(args.run_time, 5)
    return args


def _seconds(text: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([smh])", text)) or int(text)


def _fraction(text: str, parts: int) -> str:
    return f"{max(10, _seconds(text) // parts)}s"


@contextlib.contextmanager
def postgres_database(server_url: str):
    import sqlalchemy as sa

    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", server_url)
    name = f"hl_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict, workers: int, log_dir: Path, label: str):
    port = free_port()
    err = open(log_dir / f"{label}.gunicorn.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen([str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                                "--timeout", "60", app_spec], cwd=ROOT, env=env, stdout=err, stderr=err)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        err.close()


def _wait_until_up(base: str, process) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited early; see the log in the output directory")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not come up")


def locust(base: str, classes: list[str], run_time: str, users: int, spawn_rate: float, prefix: Path,
           locustfile: Path = LOCUSTFILE) -> list[dict]:
    command = [str(BIN / "locust"), "-f", str(locustfile), "--headless", "--host", base, "-u", str(users),
               "-r", str(spawn_rate), "--run-time", run_time, "--stop-timeout", "10", "--csv", str(prefix),
               "--only-summary", "--loglevel", "WARNING", *classes]
    subprocess.run(command, cwd=ROOT, check=False, timeout=_seconds(run_time) + 120,
                   stdout=subprocess.DEVNULL, stderr=open(f"{prefix}.locust.log", "w"))  # noqa: SIM115
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def report(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':42} {'requests':>8} {'fails':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        print(f"{(row['Type'] + ' ' + name)[:42]:42} {row['Request Count']:>8} {row['Failure Count']:>5} "
              f"{float(row['Requests/s']):7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}")


def _aggregate(rows):
    return next(r for r in rows if r["Name"] == "Aggregated")


def run_database(label: str, database_url: str, args, out: Path, redis_url: str | None) -> dict:
    extra = {"REDIS_URL": redis_url} if redis_url else {}
    # The test harness's environment: a fresh instance folder, a fixed secret, fast password hashing (the
    # scenario signs in once per simulated user; production hashing would only measure argon2).
    env = server_env(out / label, database_url, **extra)
    flask(env, "db", "upgrade")
    flask(env, "demo")
    with gunicorn("wsgi:app", env, args.workers, out, label) as base:
        mixed = locust(base, MIXED, args.run_time, args.users, args.spawn_rate, out / f"{label}-mixed")
        search = locust(base, ["SearchOnly"], args.saturation_time, args.users, args.spawn_rate,
                        out / f"{label}-search", SATURATION)
        uncached = locust(base, ["SearchUncached"], args.saturation_time, args.users, args.spawn_rate,
                          out / f"{label}-search-uncached", SATURATION)
    report(f"== {label}: mixed scenario, {args.users} users, {args.run_time}", mixed)
    report(f"== {label}: search page saturated ({args.saturation_time})", search)
    report(f"== {label}: search page saturated, results rendered afresh ({args.saturation_time})", uncached)
    log = (out / f"{label}.gunicorn.log").read_text(errors="replace")
    failures = sum(int(_aggregate(rows)["Failure Count"]) for rows in (mixed, search, uncached))
    return {"failures": failures,
            "locked": log.count("database is locked"), "errors": log.count('"level": "ERROR"'),
            "search_rps": float(_aggregate(search)["Requests/s"]),
            "uncached_rps": float(_aggregate(uncached)["Requests/s"])}


def run_hello(args, out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "bench")}
    with gunicorn("hello_app:app", env, args.workers, out, "hello") as base:
        rows = locust(base, ["Hello"], args.saturation_time, args.users, args.spawn_rate, out / "hello", SATURATION)
    report(f"== hello app saturated ({args.saturation_time})", rows)
    return float(_aggregate(rows)["Requests/s"])


def main() -> int:
    args = parse_args()
    print(f"machine: {platform.platform()}, python {platform.python_version()}, {os.cpu_count()} CPUs; "
          f"gunicorn {args.workers} sync workers on 127.0.0.1; locust on the same machine (shares the CPUs)")
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix="load-", dir=ROOT / "bench" / "out"))
    results = {}
    if not args.skip_sqlite:
        results["sqlite"] = run_database("sqlite", f"sqlite:///{out / 'bench.db'}", args, out, None)
    if args.database_url:
        with postgres_database(args.database_url) as url:
            results["postgresql"] = run_database("postgresql", url, args, out, args.redis_url)
    hello = run_hello(args, out)
    print("\n== summary (logs and CSVs in", out, ")")
    ok = True
    for label, result in results.items():
        ratio = result["search_rps"] / hello if hello else 0.0
        uncached_ratio = result["uncached_rps"] / hello if hello else 0.0
        print(f"{label:10} failed requests {result['failures']}, 'database is locked' {result['locked']}, "
              f"ERROR log lines {result['errors']}, search {result['search_rps']:.1f} req/s, hello {hello:.1f} "
              f"req/s, ratio {ratio:.2f} (goal >= 0.25); results rendered afresh {result['uncached_rps']:.1f} "
              f"req/s, ratio {uncached_ratio:.2f}")
        ok = ok and result["failures"] == 0 and result["locked"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
