"""Settings from the environment: the `.env` reader and strict typed helpers.

Both settings modules and `bin/run.py` read the same `.env` beside `manage.py` with the same
rules, so one file can configure both processes (the drive's names start with `LOCALPDS_`).
Real environment variables always win over the file.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The repository: `.env` lives here, beside manage.py.
BASE_DIR = Path(__file__).resolve().parent.parent
DOTENV = BASE_DIR / ".env"


def read_dotenv(path: Path = DOTENV) -> dict[str, str]:
    """KEY=value lines of a `.env` file (blank lines and # comments skipped, quotes stripped)."""
    values: dict[str, str] = {}
    if path.is_file():
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip("'\"")
    return values


def load_dotenv(path: Path = DOTENV) -> None:
    """Put the values of a `.env` file into the environment, without overriding it."""
    for key, value in read_dotenv(path).items():
        os.environ.setdefault(key, value)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# The stock URLs of .env.example: where `make run` serves each process on its default ports.
STOCK_PORTAL_URL = "http://127.0.0.1:8000"
STOCK_DRIVE_URL = "http://127.0.0.1:8001"


@dataclass(frozen=True)
class LocalUrls:
    """Where the two processes of `make run` are reached."""

    portal: str
    drive: str


def reachable_host(host: str) -> str:
    """Where a server bound to `host` is reached: a wildcard bind ("0.0.0.0", "") on loopback."""
    return "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - a bind address.


def local_urls(environ: Mapping[str, str]) -> LocalUrls:
    """The portal on http://HOST:PORT and the drive on http://HOST:PDS_PORT, as `make run`
    binds them (defaults 127.0.0.1, 8000 and 8001)."""
    host = reachable_host(environ.get("HOST", "127.0.0.1"))
    return LocalUrls(
        portal=f"http://{host}:{environ.get('PORT') or '8000'}",
        drive=f"http://{host}:{environ.get('PDS_PORT') or '8001'}",
    )


def following_ports(configured: str, stock: str, derived: str) -> str:
    """A URL setting that follows PORT/PDS_PORT: `derived` while it is unset or still the stock
    value of .env.example, otherwise what was configured."""
    configured = configured.rstrip("/")
    return derived if configured in ("", stock) else configured
