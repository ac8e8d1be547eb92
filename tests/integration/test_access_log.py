"""The access log of both processes records paths, never query strings: no OAuth code, no
signature of a data URL, reaches it."""

import time

import requests

from ..conftest import (
    free_port,
    portal_environment,
    start_gunicorn,
    stop_process,
    wait_until_answering,
)


def test_the_portals_access_log_never_records_an_oauth_code(tmp_path):
    port = free_port()
    log = tmp_path / "web.log"
    env = portal_environment(data_dir=tmp_path, client_secret="s")
    process = start_gunicorn(
        "shareportal.wsgi:application", port=port, env=env, log=log, access_log=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(base + "/", process, log, name="The portal")
        answer = requests.get(
            f"{base}/dashboard/oauth/callback/",
            params={"code": "c0de-SECRET-4b1d", "state": "st4te-SECRET"},
            timeout=10,
        )
        assert answer.status_code == 400  # no sign-in was started: the state is unknown
        time.sleep(0.5)  # the log line is written after the answer
    finally:
        stop_process(process)

    text = log.read_text()
    assert '"GET /dashboard/oauth/callback/ HTTP/1.1" 400' in text
    assert "SECRET" not in text


def test_the_drives_access_log_never_records_a_data_urls_signature(live_pds, tmp_path):
    port = free_port()
    log = tmp_path / "pds.log"
    process = start_gunicorn(
        "localpds.wsgi:application", port=port, env=live_pds.env, log=log, access_log=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(base + "/v2/", process, log)
        answer = requests.get(
            f"{base}/data/f1/download", params={"e": "1", "s": "5ig-SECRET"}, timeout=10
        )
        assert answer.status_code in (403, 404)
        time.sleep(0.5)
    finally:
        stop_process(process)

    text = log.read_text()
    assert '"GET /data/f1/download HTTP/1.1"' in text
    assert "SECRET" not in text
