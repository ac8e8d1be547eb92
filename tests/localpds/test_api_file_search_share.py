"""`file/search` through a share token: this drive's extension of the contract.

See docs/pds-api.md#filesearch-through-a-share. Its core is the scope: nothing outside the
shared subtrees is ever returned, whatever the query says.
"""

import pytest
from django.db import connection

from localpds.models import File, ShareLink

from .api_helpers import assert_error, call, drive_of, make_file, make_share, share_token_of

pytestmark = [pytest.mark.urls("localpds.urls"), pytest.mark.django_db]


def search(share: ShareLink, token: str | None = None, **body):
    token = share_token_of(share) if token is None else token
    return call("file/search", {"share_id": share.share_id, **body}, share_token=token)


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def quoted(text: str) -> str:
    """A query value as the portal writes one: single quotes, `\\` and `'` escaped."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def test_a_share_token_searches_its_subtrees_by_name(alice, tree):
    share = make_share(alice, [tree.shared])

    response = search(share, query="name match '.TXT'")

    # secret.txt and other/hidden.txt match too, but are outside the share.
    assert names(response) == ["deep.txt", "top.txt"]
    items = response.json()["items"]
    assert {item["share_id"] for item in items} == {share.share_id}
    assert all("download_url" not in item for item in items)


@pytest.mark.parametrize(
    "query",
    [
        "name = 'secret.txt'",
        "name match 'hidden'",
        "type = 'file' and name match 'secret'",
        "parent_file_id = '{other}'",
        "parent_file_id = '{shared}' and name = 'hidden.txt'",
        "name match '' and name match 'secret'",
        "name match 'secret\\' or \\'1\\'=\\'1'",
        "name match '%' and name match 'x'",
    ],
)
def test_no_query_reaches_outside_the_share(alice, tree, query):
    share = make_share(alice, [tree.shared])
    query = query.format(other=tree.other.file_id, shared=tree.shared.file_id)

    response = search(share, query=query)

    assert response.status_code == 200, response.content
    outside = {tree.secret.file_id, tree.other.file_id, tree.hidden.file_id}
    assert not outside & {item["file_id"] for item in response.json()["items"]}


def test_everything_a_share_search_returns_is_inside_the_share(alice, tree):
    share = make_share(alice, [tree.sub, tree.top])

    response = search(share, query="name match ''")

    assert sorted(names(response)) == ["deep.txt", "sub", "top.txt"]


def test_a_share_of_the_whole_drive_searches_the_whole_drive(alice, tree):
    share = make_share(alice, [], share_all_files=True)

    assert names(search(share, query="name match '.TXT'")) == [
        "deep.txt",
        "hidden.txt",
        "secret.txt",
        "top.txt",
    ]


def test_another_drive_with_the_same_names_is_never_searched(alice, bob, tree):
    make_file(drive_of(bob), "top.txt")
    share = make_share(alice, [tree.shared])

    assert names(search(share, query="name = 'top.txt'")) == ["top.txt"]


def test_root_through_a_share_means_its_top_items(alice, tree):
    share = make_share(alice, [tree.sub, tree.top])

    assert names(search(share, query="parent_file_id = 'root'")) == ["sub", "top.txt"]


def test_each_item_names_the_folders_of_the_share_it_is_in_and_no_folder_above(alice, tree):
    share = make_share(alice, [tree.sub, tree.top])

    items = {item["name"]: item for item in search(share, query="name match ''").json()["items"]}

    # `shared`, above the shared `sub`, stays private: the path starts at the share's top.
    assert items["deep.txt"]["parent_path"] == [{"file_id": tree.sub.file_id, "name": "sub"}]
    assert items["deep.txt"]["parent_file_id"] == tree.sub.file_id
    assert items["sub"]["parent_path"] == []
    assert items["sub"]["parent_file_id"] == "root"
    assert items["top.txt"]["parent_path"] == []


def test_a_deep_item_lists_every_folder_from_the_share_top(alice, tree):
    share = make_share(alice, [tree.shared])

    deep = search(share, query="name = 'deep.txt'").json()["items"][0]

    assert [p["name"] for p in deep["parent_path"]] == ["shared", "sub"]


def test_paging_through_a_share_search_neither_skips_nor_repeats(alice, tree):
    drive = drive_of(alice)
    # Equal names on purpose: ties are broken by file id, across page boundaries too.
    for i in range(23):
        make_file(drive, f"match-{i % 5}.txt", parent=tree.sub)
    make_file(drive, "match-outside.txt", parent=tree.other)
    share = make_share(alice, [tree.shared])
    query = "name match 'match'"

    walked, marker, pages = [], "", 0
    while True:
        body = search(share, query=query, limit=7, **({"marker": marker} if marker else {}))
        data = body.json()
        walked += [(item["name"], item["file_id"]) for item in data["items"]]
        pages += 1
        marker = data["next_marker"]
        if not marker:
            break

    everything = [
        (item["name"], item["file_id"])
        for item in search(share, query=query, limit=100).json()["items"]
    ]
    assert pages == 4
    assert len(walked) == len(set(walked)) == 23
    assert walked == everything == sorted(everything)


def test_a_share_search_counts_its_matches_when_asked(alice, tree):
    share = make_share(alice, [tree.shared])

    response = search(share, query="type = 'file'", return_total_count=True)

    assert response.json()["total_count"] == 3


HOSTILE = [
    "100% sure.txt",
    "1000 sure.txt",
    "a_b.txt",
    "axb.txt",
    "back\\slash.txt",
    "backslash.txt",
    'it\'s "quoted".txt',
    "Café Ünïcode 照片.txt",
    "\u202eevil\u202c.txt",
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("%", ["100% sure.txt"]),
        ("_", ["a_b.txt"]),
        ("\\", ["back\\slash.txt"]),
        ("'s \"q", ['it\'s "quoted".txt']),
        ("照片", ["Café Ünïcode 照片.txt"]),
        ("é Ü", ["Café Ünïcode 照片.txt"]),
        ("\u202eevil", ["\u202eevil\u202c.txt"]),
    ],
)
def test_hostile_names_match_literally(alice, tree, typed, expected):
    drive = drive_of(alice)
    for name in HOSTILE:
        make_file(drive, name, parent=tree.shared)
    share = make_share(alice, [tree.shared])

    assert names(search(share, query=f"name match {quoted(typed)}")) == expected


def test_a_share_search_without_a_query_is_refused(alice, tree):
    share = make_share(alice, [tree.shared])

    assert_error(search(share), 400, "InvalidParameterMissing", field="query")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"query": "name ~ 'x'"}, "InvalidParameter", "query"),
        ({"query": "name match 'x"}, "InvalidParameter", "query"),
        ({"query": "x" * 4097}, "InvalidParameterOutOfRange", "query"),
        ({"query": "name match 'a\x00'"}, "InvalidParameter", "query"),
        ({"query": "name match 'a'", "marker": "forged"}, "InvalidParameter", "marker"),
        ({"query": "name match 'a'", "limit": 101}, "InvalidParameterOutOfRange", "limit"),
        ({"query": "name match 'a'", "order_by": "id_path"}, "InvalidParameter", "order_by"),
    ],
)
def test_bad_input_to_a_share_search_is_a_400_naming_the_field(alice, tree, body, code, field):
    share = make_share(alice, [tree.shared])

    assert_error(search(share, **body), 400, code, field=field)


def test_a_share_search_needs_a_valid_token_for_that_share(alice, tree):
    share = make_share(alice, [tree.shared])
    other = make_share(alice, [tree.other])

    assert_error(search(share, "", query="name match 'a'"), 401, "ShareLinkTokenInvalid")
    wrong = share_token_of(other)
    assert_error(search(share, wrong, query="name match 'a'"), 401, "ShareLinkTokenInvalid")


def test_a_cancelled_share_cannot_be_searched(alice, tree):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)
    ShareLink.objects.filter(pk=share.pk).update(status=ShareLink.Status.DISABLED)

    assert_error(search(share, token, query="name match 'a'"), 401, "ShareLinkTokenInvalid")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_share_scope_is_read_on_an_index_not_by_scanning_the_drive(alice, tree):
    from localpds import selectors
    from localpds.validation import parse_query

    share = make_share(alice, [tree.shared, tree.other])
    files = selectors.share_files_matching(share=share, conditions=parse_query("name match 'a'"))
    sql, params = files.order_by("name", "file_id").query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(row[-1] for row in cursor.fetchall())

    table = File._meta.db_table
    assert f"SCAN {table}" not in plan, plan
    assert "id_path" in plan, plan
