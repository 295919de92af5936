"""Reads Lionrock's configuration from the environment, so one build runs anywhere.

Everything an operator may change is an environment variable documented in docs/operators/configuration.md.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def env_flag(name: str, *, default: bool) -> bool:
    """A yes/no variable; an unrecognised word is an error rather than a silent default."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from exc


def env_text(name: str, *, default: str) -> str:
    """A line of text (a name shown to users); empty or unset means the default."""
    raw = os.environ.get(name, "").strip()
    return raw or default


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """Where the SQLite database, task queue, uploads and generated secret live."""
    configured = os.environ.get("LIONROCK_DATA_DIR")
    if configured:
        path = Path(configured).expanduser()
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        path = base / "lionrock"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def secret_key(directory: Path) -> str:
    """The configured key, or one generated once and kept beside the data so sessions survive restarts."""
    configured = os.environ.get("LIONROCK_SECRET_KEY")
    if configured:
        return configured
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "none": "django.core.mail.backends.dummy.EmailBackend",
}


@dataclass(frozen=True)
class EmailConfig:
    """How Lionrock sends e-mail (notifications): Django's e-mail backend settings, from the environment."""

    backend: str
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool
    timeout: int
    sender: str
    base_url: str


def email_config() -> EmailConfig:
    """``LIONROCK_EMAIL_BACKEND`` is smtp, console or none; by default smtp when ``LIONROCK_SMTP_HOST`` is
    set, else the console (the demo: e-mails appear in the server's output)."""
    host = os.environ.get("LIONROCK_SMTP_HOST", "").strip()
    choice = os.environ.get("LIONROCK_EMAIL_BACKEND", "").strip().lower() or ("smtp" if host else "console")
    if choice not in EMAIL_BACKENDS:
        raise ValueError(f"LIONROCK_EMAIL_BACKEND={choice!r}: expected one of {', '.join(EMAIL_BACKENDS)}")
    use_ssl = env_flag("LIONROCK_SMTP_SSL", default=False)
    return EmailConfig(
        backend=EMAIL_BACKENDS[choice],
        host=host or "localhost",
        port=env_int("LIONROCK_SMTP_PORT", default=465 if use_ssl else 587),
        user=os.environ.get("LIONROCK_SMTP_USER", ""),
        password=os.environ.get("LIONROCK_SMTP_PASSWORD", ""),
        use_tls=env_flag("LIONROCK_SMTP_STARTTLS", default=not use_ssl),
        use_ssl=use_ssl,
        timeout=env_int("LIONROCK_SMTP_TIMEOUT", default=30),
        sender=os.environ.get("LIONROCK_EMAIL_FROM", "lionrock@localhost"),
        base_url=os.environ.get("LIONROCK_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
    )
