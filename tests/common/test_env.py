"""common.env: the one `.env` reader and the URLs `make run` gives both processes."""

from common.env import STOCK_PORTAL_URL, following_ports, local_urls, read_dotenv


def test_dotenv_lines_are_read_as_both_settings_read_them(tmp_path):
    path = tmp_path / ".env"
    path.write_text("# a comment\n\nA=1\n B = 'two' \nC=\"x=y\"\nnot a setting\n")
    assert read_dotenv(path) == {"A": "1", "B": "two", "C": "x=y"}
    assert read_dotenv(tmp_path / "missing") == {}


def test_local_urls_follow_the_ports_and_a_wildcard_bind_is_reached_on_loopback():
    urls = local_urls({"HOST": "0.0.0.0", "PORT": "9000", "PDS_PORT": "9001"})
    assert (urls.portal, urls.drive) == ("http://127.0.0.1:9000", "http://127.0.0.1:9001")
    assert local_urls({}).portal == STOCK_PORTAL_URL


def test_only_unset_or_stock_urls_follow_the_ports():
    assert following_ports("", STOCK_PORTAL_URL, "http://h:9") == "http://h:9"
    assert following_ports(STOCK_PORTAL_URL, STOCK_PORTAL_URL, "http://h:9") == "http://h:9"
    assert following_ports("https://p.example/", STOCK_PORTAL_URL, "x") == "https://p.example"
