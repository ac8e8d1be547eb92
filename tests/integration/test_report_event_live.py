"""share_link/report_event under concurrency, against the real drive under gunicorn."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

LIMIT = 7
THREADS = 12
CALLS = 36


def test_parallel_previews_never_pass_the_limit_nor_lose_a_count(live_pds):
    open_share = live_pds.post(
        "share_link/get", {"share_id": live_pds.demo["shares"]["open"]["share_id"]}, user="alice"
    ).json()
    created = live_pds.post(
        "share_link/create",
        {
            "drive_id": open_share["drive_id"],
            "file_id_list": open_share["file_id_list"],
            "preview_limit": LIMIT,
        },
        user="alice",
    )
    share_id = created.json()["share_id"]
    token = live_pds.post("share_link/get_share_token", {"share_id": share_id}).json()[
        "share_token"
    ]
    body = {"event_type": "share_link", "share_link": {"share_id": share_id, "sub_type": "preview"}}

    def report(_: int) -> tuple[int, str]:
        answer = requests.post(
            f"{live_pds.url}/v2/share_link/report_event",
            json=body,
            headers={"x-share-token": token},
            timeout=30,
        )
        return answer.status_code, answer.json().get("code", "")

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = Counter(pool.map(report, range(CALLS)))

    assert outcomes == {(200, ""): LIMIT, (403, "ShareLink.PreviewLimitExceeded"): CALLS - LIMIT}
    facts = live_pds.post("share_link/get_by_anonymous", {"share_id": share_id}).json()
    assert (facts["preview_count"], facts["preview_limit"]) == (LIMIT, LIMIT)
