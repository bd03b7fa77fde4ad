"""The database stops double booking: 20 buyers race for a producer's last free slot and exactly one wins,
with real threads against the app and with a real gunicorn running several workers."""
import os
import re
import socket
import subprocess
import sys
import threading
import time as clock
from datetime import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from fairs_support import count
from helpers import TEST_PASSWORD, login
from sqlalchemy.exc import IntegrityError

from core.db import db
from fairs import meetings, services, suggestions
from fairs.models import Meeting, MeetingSeat

RACERS = 20
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def last_slot_race(make_fair, make_producer, make_buyer):
    """A fair with a single slot, one producer and 20 approved buyers, each a published pair with it."""
    fair, official = make_fair(day_start=time(9, 0), day_end=time(9, 30), slot_minutes=30)
    producer, _profile, listings = make_producer()
    p_reg = services.register(producer, fair, listing_ids=[listings[0].id])
    services.decide(official, p_reg, True)
    buyers = []
    for i in range(RACERS):
        user, _org, demands = make_buyer(name=f"采购商{i:02d}", email=f"racer{i}@example.com")
        reg = services.register(user, fair, demand_ids=[demands[0].id])
        services.decide(official, reg, True)
        suggestions.add_pair(official, fair, listings[0].id, demands[0].id)
        buyers.append(user)
    suggestions.publish(official, fair)
    slot = meetings.grid_of(fair).slots()
    assert len(slot) == 1
    return {"fair": fair, "p_reg": p_reg, "buyers": buyers, "slot": slot[0].isoformat()}


def _confirmed(fair_id):
    db.session.expire_all()
    return count(Meeting, Meeting.fair_id == fair_id, Meeting.status == "confirmed")


@pytest.mark.concurrency
def test_twenty_threads_race_for_the_last_slot(app, last_slot_race):
    race = last_slot_race
    clients = []
    for user in race["buyers"]:
        client = app.test_client()
        assert login(client, user).status_code == 302
        clients.append(client)
    barrier = threading.Barrier(RACERS)
    statuses = []
    url = f"/fairs/{race['fair'].id}/meet/{race['p_reg'].id}"

    def book(client):
        barrier.wait()
        response = client.post(url, data={"book-slot": race["slot"]})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=book, args=(c,)) for c in clients]
    db.session.commit()  # hold no lock of our own while they race
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(statuses) == RACERS
    assert sorted(statuses).count(302) == 1, statuses
    assert all(s in (302, 409) for s in statuses), statuses
    assert _confirmed(race["fair"].id) == 1
    assert count(MeetingSeat) == 2


def test_the_unique_keys_refuse_a_second_seat_even_without_the_code(app, last_slot_race):
    race = last_slot_race
    buyers = race["buyers"]
    meetings.book(buyers[0], race["fair"], race["p_reg"].id, race["slot"])
    seat = db.session.scalars(sa.select(MeetingSeat).where(MeetingSeat.registration_id == race["p_reg"].id)).one()
    other = db.session.scalars(sa.select(Meeting)).one()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.insert(MeetingSeat).values(
            meeting_id=other.id, fair_id=seat.fair_id, registration_id=seat.registration_id,
            slot_start=seat.slot_start, day=seat.day, day_ordinal=seat.day_ordinal + 1))
    db.session.rollback()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(app, tmp_path):
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=str(db.engine.url.render_as_string(hide_password=False)),
               SECRET_KEY="gunicorn-race-secret-key-0123456789abcdef", APP_ENV="development",
               UPLOAD_FOLDER=str(tmp_path))
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}", "--log-level",
         "warning", "wsgi:app"], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                clock.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start: " + process.stderr.read1().decode(errors="replace"))
        yield base
    finally:
        process.terminate()
        process.wait(20)


def _signed_in(base, email):
    session = requests.Session()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(base + "/login").text).group(1)
    response = session.post(base + "/login", data={"email": email, "password": TEST_PASSWORD, "csrf_token": token},
                            allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    return session


@pytest.mark.concurrency
@pytest.mark.slow
def test_twenty_requests_race_through_gunicorn_workers(gunicorn, last_slot_race):
    race = last_slot_race
    url = f"{gunicorn}/fairs/{race['fair'].id}/meet/{race['p_reg'].id}"
    emails, fair_id = [user.email for user in race["buyers"]], race["fair"].id
    db.session.commit()  # SQLite: our own open transaction would hold the write lock the workers need
    prepared = []
    for email in emails:
        session = _signed_in(gunicorn, email)
        token = re.search(r'name="book-csrf_token"[^>]*value="([^"]+)"', session.get(url).text).group(1)
        prepared.append((session, token))
    barrier = threading.Barrier(RACERS)
    statuses = []

    def book(session, token):
        barrier.wait()
        response = session.post(url, data={"book-slot": race["slot"], "book-csrf_token": token},
                                allow_redirects=False, timeout=60)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=book, args=p) for p in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(statuses).count(302) == 1, statuses
    assert all(s in (302, 409) for s in statuses), statuses
    assert _confirmed(fair_id) == 1
