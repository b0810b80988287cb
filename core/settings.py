"""Settings read from the environment, so one build runs anywhere.

Everything has a working default for the embedded demo: a SQLite file
``forecourt.sqlite`` in the working directory and a secret generated once and
kept beside it (so sessions and CSRF tokens survive a restart).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from core import languages

DEFAULT_MODULES = ("leads", "customers", "orders", "quicklinks", "reports")
LANGUAGES = languages.CODES  #: the codes of :data:`core.languages.TABLE`


def _secret(path: Path) -> str:
    """Return the install's secret: env first, else a file made once."""
    if value := os.environ.get("FORECOURT_SECRET_KEY"):
        return value
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///forecourt.sqlite"
    secret_key: str = ""
    debug: bool = False
    #: plugins a new dealer gets switched on (those not installed are ignored)
    default_modules: tuple[str, ...] = DEFAULT_MODULES
    session_days: int = 14
    #: failed logins allowed per login name within ``throttle_minutes``
    throttle_attempts: int = 5
    throttle_minutes: int = 15
    #: seconds a notification hook may run before it is abandoned
    hook_timeout: float = 5.0
    #: seconds between two looks for due scheduled jobs in each app process (0: only `forecourt jobs run-due`)
    jobs_interval: float = 60.0
    #: cookies only over HTTPS (set it when the app is served behind TLS)
    secure_cookies: bool = False
    #: PostgreSQL connections each app process (worker) keeps open at most
    db_pool: int = 10
    #: behind pgbouncer in transaction mode: no server-side prepared statements
    db_pgbouncer: bool = False
    #: addresses of reverse proxies whose X-Forwarded-For/-Proto are believed ("" = none, "*" = any)
    trusted_proxies: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> str:
        return self.database_url.split("sqlite:///", 1)[1] or "forecourt.sqlite"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        url = env.get("FORECOURT_DATABASE_URL", "sqlite:///forecourt.sqlite")
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        modules = env.get("FORECOURT_DEFAULT_MODULES")
        return cls(
            database_url=url,
            secret_key=_secret(Path(env.get("FORECOURT_SECRET_FILE", "forecourt.secret"))),
            debug=env.get("FORECOURT_DEBUG", "") == "1",
            hook_timeout=float(env.get("FORECOURT_HOOK_TIMEOUT", "5")),
            jobs_interval=float(env.get("FORECOURT_JOBS_INTERVAL", "60")),
            secure_cookies=env.get("FORECOURT_SECURE_COOKIES", "") == "1",
            db_pool=max(1, int(env.get("FORECOURT_DB_POOL", "10") or "10")),
            db_pgbouncer=env.get("FORECOURT_DB_PGBOUNCER", "") == "1",
            trusted_proxies=env.get("FORECOURT_TRUSTED_PROXIES", "").strip(),
            default_modules=tuple(m for m in modules.split(",") if m)
            if modules is not None
            else DEFAULT_MODULES,
        )
