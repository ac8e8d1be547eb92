"""file/archive_files and async_task/get through the client: shapes, spellings, errors, retries."""

import json

import pytest

from shareportal.pds import errors

from .stubs import url


def test_archive_files_sends_the_ids_and_name_with_the_share_token(client, pds):
    pds.post(url("file/archive_files"), status=202, json={"async_task_id": "t1"})
    task_id = client.archive_files(
        file_ids=["a", "b"], name="x.zip", share_id="7JQX1FswpQ8", share_token="tok"
    )
    assert task_id == "t1"
    request = pds.calls[0].request
    assert json.loads(request.body) == {
        "file_ids": ["a", "b"],
        "name": "x.zip",
        "share_id": "7JQX1FswpQ8",
    }
    assert request.headers["x-share-token"] == "tok"


def test_archive_too_large_is_its_own_error_and_is_not_retried(client, pds):
    body = {"code": "ArchiveTooLarge", "message": "too big", "requestId": "r"}
    pds.post(url("file/archive_files"), status=400, json=body)
    with pytest.raises(errors.ArchiveTooLarge):
        client.archive_files(file_ids=["a"], name="x", share_id="7JQX1FswpQ8", share_token="t")
    assert len(pds.calls) == 1


def test_a_task_is_read_in_either_spelling_with_what_was_left_out(client, pds):
    pds.post(
        url("async_task/get"),
        json={
            "async_task_id": "t1",
            "status": "PartialSucceed",
            "url": "http://data.test/z",
            "total_process": "3",
            "consumed_process": 2,
            "err_code": "PartialSucceed",
            "message": "1 left out",
            "skipped_files": [{"file_id": "x", "name": "a.txt", "code": "NotFound.FileContent"}],
        },
    )
    task = client.get_async_task(async_task_id="t1", share_token="tok")
    assert (task.state, task.total_process, task.consumed_process) == ("PartialSucceed", 3, 2)
    assert task.finished and task.error_code == "PartialSucceed"
    assert task.skipped[0].name == "a.txt"
    assert "data.test" not in repr(task)


@pytest.mark.parametrize(
    "answer",
    [
        {"async_task_id": "t1", "state": "Exploded"},
        {"async_task_id": "t1"},
        {"state": "Running"},
        {"async_task_id": "t1", "state": "Running", "skipped_files": "x"},
    ],
)
def test_a_malformed_task_is_a_bad_response(client, pds, answer):
    pds.post(url("async_task/get"), json=answer)
    with pytest.raises(errors.BadResponse):
        client.get_async_task(async_task_id="t1", share_token="tok")
