"""The portal under gunicorn (one worker, 8 threads) in front of a drive that fails on command.

The drive is `tests/faultydrive.py` in its own process: it stalls, drips, resets, answers 5xx
with Retry-After, 429 and garbage. Each test starts its own portal, so that what one portal
process learnt (its circuit breaker, its retry budget) does not carry over. Deadlines are short
here (PDS_DEADLINE=1.5) to keep the suite fast; one test checks the default.
"""

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests import faultydrive

from ..common.python_process import run_python
from ..conftest import (
    BASE_DIR,
    free_port,
    portal_environment,
    start_gunicorn,
    stop_process,
    wait_until_answering,
)

OPEN = f"/s/{faultydrive.OPEN_SHARE}/"
PASSWORD = f"/s/{faultydrive.PASSWORD_SHARE}/"
NOTICE = "The drive is not answering; this is what it showed"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Drive:
    url: str

    def fault(self, mode: str, **options) -> None:
        """From now on answer every `/v2/` call in `mode` (see tests/faultydrive.py)."""
        answer = requests.post(f"{self.url}/_fault", json={"mode": mode, **options}, timeout=5)
        answer.raise_for_status()

    def calls(self, operation: str = "") -> int:
        """The `/v2/` calls received since the last `fault(..., count=0)`, or of one operation."""
        counts = requests.get(f"{self.url}/_calls", timeout=5).json()
        return counts["by_operation"].get(operation, 0) if operation else counts["total"]


@pytest.fixture(scope="module")
def drive(tmp_path_factory) -> Iterator[Drive]:
    port = free_port()
    log = tmp_path_factory.mktemp("faulty-drive") / "drive.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.faultydrive", "--port", str(port)],
            cwd=BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    stub = Drive(f"http://127.0.0.1:{port}")
    try:
        wait_until_answering(stub.url + "/_calls", process, log, name="The stub drive")
        yield stub
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def portal_data(tmp_path_factory, drive) -> Path:
    """One migrated portal database for the module's portals (sessions live there)."""
    data_dir = tmp_path_factory.mktemp("portal")
    env = portal_environment(data_dir=data_dir, client_secret="s")
    done = run_python("manage.py", "migrate", "--noinput", "-v", "0", env=env)
    assert done.returncode == 0, done.stderr
    return data_dir


@pytest.fixture
def start_portal(drive, portal_data) -> Iterator[Callable[..., str]]:
    """Start a portal in front of the stub drive, its settings overridden; returns its URL."""
    processes: list[subprocess.Popen] = []

    def start(**settings: str) -> str:
        drive.fault("ok", count=0)
        port = free_port()
        log = portal_data / f"web-{port}.log"
        env = portal_environment(data_dir=portal_data, client_secret="s") | {
            "PDS_API_ENDPOINT": drive.url,
            "PDS_CONNECT_TIMEOUT": "1",
            "PDS_DEADLINE": "1.5",
            "PDS_BREAKER_COOLDOWN": "30",
            **settings,
        }
        process = start_gunicorn("shareportal.wsgi:application", port=port, env=env, log=log)
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(base + "/", process, log, name="The portal")
        return base

    yield start
    for process in processes:
        stop_process(process)


def timed(method: str, url: str, **kwargs) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.request(method, url, timeout=30, allow_redirects=False, **kwargs)
    return response, time.monotonic() - started


def test_a_dripping_drive_is_answered_within_the_deadline(start_portal, drive):
    portal = start_portal()
    drive.fault("drip", drip_seconds=0.5)

    response, took = timed("GET", portal + OPEN)

    assert response.status_code == 504
    assert "took too long" in response.text
    assert took < 1.5 + 1
    assert drive.calls() == 1  # running out of time mid-body is not retried


def test_the_calls_of_one_page_share_its_deadline(start_portal, drive):
    portal = start_portal()
    # Each answer in time on its own; a new visitor's landing asks three times.
    drive.fault("slow", drip_seconds=0.9)

    response, took = timed("GET", portal + OPEN)

    assert response.status_code == 504
    assert took < 1.5 + 0.5
    assert drive.calls() == 2  # the facts in 0.9 s, then the token cut off at 1.5 s


def test_with_the_default_deadline_a_drip_is_answered_within_ten_seconds(start_portal, drive):
    portal = start_portal(PDS_DEADLINE="")  # unset: the default
    drive.fault("drip", drip_seconds=2)

    response, took = timed("GET", portal + OPEN)

    assert response.status_code == 504
    assert took < 10


@pytest.mark.parametrize(
    ("mode", "status"),
    [("stall", 504), ("reset", 502), ("garbage", 502), ("500", 502), ("429", 503)],
)
def test_every_fault_of_the_drive_is_answered_quickly(start_portal, drive, mode, status):
    portal = start_portal()
    drive.fault(mode, retry_after=30)

    response, took = timed("GET", portal + OPEN)

    assert response.status_code == status
    assert took < 1.5 + 1
    assert "Traceback" not in response.text
    assert f'href="{OPEN}">Try again</a>' in response.text


def test_a_drive_503_reaches_the_visitor_as_503_with_its_retry_after(start_portal, drive):
    portal = start_portal()
    drive.fault("503", retry_after=30)

    response, took = timed("GET", portal + OPEN)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert took < 1  # not slept out
    assert drive.calls() == 1


def test_during_a_stall_pages_needing_no_drive_answer_at_once(start_portal, drive):
    portal = start_portal()
    drive.fault("stall")

    with ThreadPoolExecutor(max_workers=40) as visitors:
        pages = [visitors.submit(timed, "GET", portal + OPEN) for _ in range(40)]
        time.sleep(0.3)  # the visitors hold or wait for every thread of the portal
        static, static_took = timed("GET", portal + "/static/css/site.css")
        home, home_took = timed("GET", portal + "/")
        answers = [page.result() for page in pages]

    assert static.status_code == home.status_code == 200
    assert static_took < 1
    assert home_took < 1
    # Every visitor has an answer: the drive's slots timed out, the others were turned away.
    assert {response.status_code for response, _ in answers} <= {503, 504}
    assert max(took for _, took in answers) < 1.5 + 2
    turned_away = [r for r, _ in answers if r.status_code == 503]
    assert turned_away and all(int(r.headers["Retry-After"]) >= 1 for r in turned_away)


def test_at_total_failure_the_drive_sees_at_most_1_2_calls_per_visit(start_portal, drive):
    portal = start_portal()
    drive.fault("reset", count=0)

    answers = [timed("GET", portal + OPEN)[0] for _ in range(30)]

    assert drive.calls() <= 1.2 * 30
    assert drive.calls() <= 10  # the breaker opened after five failures
    assert {a.status_code for a in answers} == {502, 503}
    assert answers[-1].status_code == 503
    assert "The drive is not answering" in answers[-1].text


def test_the_password_post_reaches_the_drive_at_most_twice(start_portal, drive):
    portal = start_portal()
    visitor = requests.Session()
    form = visitor.get(portal + PASSWORD, timeout=10)
    token = CSRF.search(form.text).group(1)
    drive.fault("reset", count=0)

    response = visitor.post(
        portal + PASSWORD,
        data={"password": faultydrive.PASSWORD, "csrfmiddlewaretoken": token},
        timeout=10,
        allow_redirects=False,
    )

    assert response.status_code == 502
    assert drive.calls("share_link/get_share_token") == 2
    assert f'href="{PASSWORD}">Try again</a>' in response.text


def test_the_breaker_opens_then_a_probe_closes_it_when_the_drive_is_back(start_portal, drive):
    portal = start_portal(PDS_BREAKER_FAILURES="3", PDS_BREAKER_COOLDOWN="1")
    drive.fault("500", count=0)
    failed = [timed("GET", portal + OPEN)[0].status_code for _ in range(3)]
    refused, took = timed("GET", portal + OPEN)
    calls_while_open = drive.calls()

    drive.fault("ok")
    time.sleep(1.2)
    probe = timed("GET", portal + OPEN)[0]
    after = timed("GET", portal + OPEN)[0]

    assert failed == [502, 502, 502]
    assert refused.status_code == 503
    assert took < 0.5
    assert calls_while_open == 3
    assert probe.status_code == after.status_code == 200
    assert "report.pdf" in after.text


def test_a_stale_listing_is_shown_while_the_drive_fails_but_never_after_a_cancel(
    start_portal, drive
):
    portal = start_portal(PDS_BREAKER_FAILURES="100")
    visitor = requests.Session()
    drive.fault("ok", listing="plans-v1.pdf")
    assert "plans-v1.pdf" in visitor.get(portal + OPEN, timeout=10).text

    drive.fault("reset")
    stale = visitor.get(portal + OPEN, timeout=10)
    drive.fault("ok", listing="plans-v2.pdf")
    fresh = visitor.get(portal + OPEN, timeout=10)
    drive.fault("cancelled")
    cancelled = visitor.get(portal + OPEN, timeout=10)
    drive.fault("reset")
    after_cancel = visitor.get(portal + OPEN, timeout=10)

    assert stale.status_code == 200
    assert NOTICE in stale.text and "plans-v1.pdf" in stale.text
    assert fresh.status_code == 200
    assert NOTICE not in fresh.text and "plans-v2.pdf" in fresh.text
    assert cancelled.status_code == 410
    assert after_cancel.status_code == 502
    assert "plans-v2.pdf" not in after_cancel.text
