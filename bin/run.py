#!/usr/bin/env python
"""`make run`: start the portal (`web`) and the drive (`pds`) and print the demo.

Both run under gunicorn with gthread workers, as in the Procfile: `web` on $HOST:$PORT, `pds`
(`localpds.wsgi`, its own project and settings) on $HOST:$PDS_PORT. The URLs each process is
told about follow those ports while they are unset or the stock values of .env.example, and
the drive believes the X-Forwarded-For of the portal's address unless LOCALPDS_TRUSTED_PROXIES
is set. The drive's demo is seeded first (`python -m localpds seed_demo`) with the same URLs.
Ctrl-C or SIGTERM stops both; if either dies, the other is stopped too and this exits non-zero.
"""

import ipaddress
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from common.env import (  # noqa: E402 - after the repository is on the path.
    STOCK_DRIVE_URL,
    STOCK_PORTAL_URL,
    following_ports,
    local_urls,
    reachable_host,
    read_dotenv,
)

START_TIMEOUT = 60.0


def environments(host: str, port: str, pds_port: str) -> tuple[dict[str, str], dict[str, str]]:
    """The environments of the web and pds processes.

    Each URL setting keeps its configured value (environment first, then .env) unless that is
    empty or the stock value, in which case it follows HOST, PORT and PDS_PORT. `seed_demo`
    derives the portal's URL the same way, so seeding by hand with the same PORT registers and
    prints the same links.
    """
    configured = read_dotenv(BASE_DIR / ".env") | dict(os.environ)
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    base |= {"HOST": host, "PORT": port, "PDS_PORT": pds_port}
    urls = local_urls(base)

    def follow(name: str, stock: str, derived: str) -> str:
        return following_ports(configured.get(name, ""), stock, derived)

    web = base | {
        "PUBLIC_BASE_URL": follow("PUBLIC_BASE_URL", STOCK_PORTAL_URL, urls.portal),
        "PDS_API_ENDPOINT": follow("PDS_API_ENDPOINT", STOCK_DRIVE_URL, urls.drive),
    }
    pds = base | {
        "LOCALPDS_PORTAL_URL": follow("LOCALPDS_PORTAL_URL", STOCK_PORTAL_URL, urls.portal),
        "LOCALPDS_PUBLIC_URL": follow("LOCALPDS_PUBLIC_URL", STOCK_DRIVE_URL, urls.drive),
        "LOCALPDS_TRUSTED_PROXIES": configured.get("LOCALPDS_TRUSTED_PROXIES")
        or portal_addresses(host),
    }
    return web, pds


def portal_addresses(host: str) -> str:
    """The addresses the portal's calls to the drive come from, for LOCALPDS_TRUSTED_PROXIES.

    Both run on this machine and the portal reaches the drive at `reachable_host(host)`, so its
    calls come from that address (loopback for 127.0.0.1 and 0.0.0.0). Only a program on this
    machine can connect from it: believing its X-Forwarded-For lets the drive's password guard
    count each visitor, and lets nobody elsewhere choose their address, even with the drive's
    port open to the network (HOST=0.0.0.0).
    """
    address = reachable_host(host)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return "127.0.0.1,::1"  # A host name, such as localhost: either loopback.
    return address


def gunicorn(app: str, bind: str, env: dict[str, str]) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        bind,
        "--worker-class",
        "gthread",
        "--workers",
        os.environ.get("WEB_CONCURRENCY", "2"),
        "--threads",
        "8",
        "--access-logfile",
        "-",
        # Two servers (and any test instance) would fight over gunicorn's one default socket.
        "--no-control-socket",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env)  # noqa: S603 - fixed arguments.


def answering(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)  # noqa: S310 - our own http:// URL.
    except urllib.error.HTTPError:
        return True  # Any HTTP answer means it is up.
    except OSError:
        return False
    return True


def exited(processes: dict[str, subprocess.Popen]) -> str:
    """The name of a process that has exited, or "" while all run."""
    return next((name for name, process in processes.items() if process.poll() is not None), "")


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 15
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def print_demo(demo: dict) -> None:
    web = demo["web"]
    print()
    print("shareportal is running.")
    print(f"  Portal:        {web}/")
    print(f"  Drive:         {demo['pds']}/")
    print()
    print(f"Sign in to the dashboard ({web}/dashboard/) with:")
    for name, user in demo["users"].items():
        print(f"  {name:<6} {user['password']:<22} ({user['role']})")
    print()
    print("Demo shares:")
    for key, share in demo["shares"].items():
        extra = f"   password: {share['password']}" if share.get("password") else ""
        if share.get("share_msg"):
            # Opened by its code (home page or /open/), which brings the password along.
            extra = f"   share code: {share['share_msg']}"
        print(f"  {key:<12} {share['url']}{extra}")
    print()
    print("Press Ctrl-C to stop.")
    sys.stdout.flush()


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    pds_port = os.environ.get("PDS_PORT", "8001")
    web_env, pds_env = environments(host, port, pds_port)

    seeded = subprocess.run(
        [sys.executable, "-m", "localpds", "seed_demo", "--json"],
        cwd=BASE_DIR,
        env=pds_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if seeded.returncode != 0:
        print(f"Could not prepare the demo data:\n{seeded.stderr}", file=sys.stderr)
        return 1
    demo = json.loads(seeded.stdout)

    signal.signal(signal.SIGTERM, _terminate)
    processes = {
        "pds": gunicorn("localpds.wsgi:application", f"{host}:{pds_port}", pds_env),
        "web": gunicorn("shareportal.wsgi:application", f"{host}:{port}", web_env),
    }
    url_host = reachable_host(host)
    checks = {"pds": f"http://{url_host}:{pds_port}/v2/", "web": f"http://{url_host}:{port}/"}
    try:
        deadline = time.monotonic() + START_TIMEOUT
        waiting = set(checks)
        while waiting:
            if name := exited(processes):
                status = processes[name].returncode
                print(f"{name} exited while starting (status {status}).", file=sys.stderr)
                return 1
            waiting = {name for name in waiting if not answering(checks[name])}
            if time.monotonic() > deadline:
                print(f"{', '.join(sorted(waiting))} did not answer in {START_TIMEOUT:.0f}s.")
                return 1
            time.sleep(0.2)
        print_demo(demo)
        while not (name := exited(processes)):
            time.sleep(0.5)
        status = processes[name].returncode
        print(f"{name} stopped (status {status}); stopping the rest.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping...")
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
