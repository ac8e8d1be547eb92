"""bin/run.py hands each process the URLs that follow PORT and PDS_PORT."""

import importlib.util
from pathlib import Path

import pytest

from common.env import STOCK_DRIVE_URL, STOCK_PORTAL_URL

RUN = Path(__file__).resolve().parent.parent.parent / "bin" / "run.py"


@pytest.fixture
def run_script():
    spec = importlib.util.spec_from_file_location("run_script", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def stock_urls(monkeypatch):
    for name, stock in [
        ("PUBLIC_BASE_URL", STOCK_PORTAL_URL),
        ("LOCALPDS_PORTAL_URL", STOCK_PORTAL_URL),
        ("PDS_API_ENDPOINT", STOCK_DRIVE_URL),
        ("LOCALPDS_PUBLIC_URL", STOCK_DRIVE_URL),
    ]:
        monkeypatch.setenv(name, stock)


def test_stock_urls_follow_the_ports_for_both_processes(run_script, stock_urls):
    web, pds = run_script.environments("127.0.0.1", "9000", "9001")
    assert web["PUBLIC_BASE_URL"] == pds["LOCALPDS_PORTAL_URL"] == "http://127.0.0.1:9000"
    assert web["PDS_API_ENDPOINT"] == pds["LOCALPDS_PUBLIC_URL"] == "http://127.0.0.1:9001"
    assert pds["PORT"] == "9000"


def test_configured_urls_are_kept(run_script, stock_urls, monkeypatch):
    monkeypatch.setenv("LOCALPDS_PORTAL_URL", "https://portal.example")
    _, pds = run_script.environments("127.0.0.1", "9000", "9001")
    assert pds["LOCALPDS_PORTAL_URL"] == "https://portal.example"


@pytest.mark.parametrize(
    ("host", "trusted"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("0.0.0.0", "127.0.0.1"),
        ("192.0.2.10", "192.0.2.10"),
        ("localhost", "127.0.0.1,::1"),
    ],
)
def test_the_drive_believes_the_portals_own_address_for_the_visitors(
    run_script, monkeypatch, host, trusted
):
    # The portal forwards each visitor's address; the drive counts password guesses by it.
    monkeypatch.delenv("LOCALPDS_TRUSTED_PROXIES", raising=False)
    web, pds = run_script.environments(host, "9000", "9001")
    assert pds["LOCALPDS_TRUSTED_PROXIES"] == trusted
    assert "LOCALPDS_TRUSTED_PROXIES" not in web


def test_configured_trusted_proxies_of_the_drive_are_kept(run_script, monkeypatch):
    monkeypatch.setenv("LOCALPDS_TRUSTED_PROXIES", "10.0.0.0/8")
    _, pds = run_script.environments("127.0.0.1", "9000", "9001")
    assert pds["LOCALPDS_TRUSTED_PROXIES"] == "10.0.0.0/8"
