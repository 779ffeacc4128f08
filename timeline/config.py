"""Settings: defaults < settings file < TIMELINE_DB < command-line flags; validated once."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from timeline.errors import ConfigError

DEFAULT_DB = "timeline.db"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
SETTINGS_FILE = "timeline.toml"


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know besides its own arguments."""

    db_url: str = f"sqlite:///{DEFAULT_DB}"
    max_bytes: int = DEFAULT_MAX_BYTES
    reports_dirs: tuple[Path, ...] = ()
    lexicon_dirs: tuple[Path, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


def to_db_url(value: str) -> str:
    """A path or an SQLAlchemy URL → an SQLAlchemy URL; raises ConfigError when malformed."""
    if "://" not in value:
        if not value.strip():
            raise ConfigError("database: empty path; give a file path or an SQLAlchemy URL")
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    try:
        make_url(value)
    except ArgumentError as exc:
        raise ConfigError(f"database URL {redact_url(value)!r} is malformed: {exc}") from exc
    return value


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***, for messages and report footers."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def require_folder(folder: Path, where: str, given: str | None = None) -> None:
    """Nothing when `folder` is a directory; else ConfigError naming `where`, the folder as `given` and as resolved.

    A folder of reports or lexicon that does not exist would otherwise fall back to the shipped ones
    without a word, and a typo would publish the stock briefing.
    """
    if folder.is_dir():
        return
    state = "is not a folder" if folder.exists() else "not found"
    absolute = folder.absolute()
    shown = f"{given!r} ({absolute})" if given is not None and given != str(absolute) else str(absolute)
    raise ConfigError(f"{where}: folder {shown} {state}")


def load_settings(db: str | None = None, config: Path | None = None) -> Settings:
    """Settings from ./timeline.toml (or `config`), TIMELINE_DB, then `db`; raises ConfigError."""
    settings = Settings(db_url=to_db_url(DEFAULT_DB))
    path = config if config is not None else Path(SETTINGS_FILE)
    if config is not None and not path.is_file():
        raise ConfigError(f"settings file {path}: not found")
    if path.is_file():
        settings = _apply_file(settings, path)
    env_db = os.environ.get("TIMELINE_DB")
    if env_db:
        settings = replace(settings, db_url=to_db_url(env_db))
    if db:
        settings = replace(settings, db_url=to_db_url(db))
    return settings


def _apply_file(settings: Settings, path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"settings file {path}: {exc}") from exc
    section = data.get("timeline", data)
    if not isinstance(section, dict):
        raise ConfigError(f"settings file {path}: [timeline] must be a table")
    base = path.parent
    known = {"db", "max_bytes", "reports", "lexicon"}
    unknown = sorted(set(section) - known - {"timeline"})
    updates: dict[str, object] = {}
    if "db" in section:
        db = str(section["db"])
        # A relative path in the settings file is relative to the file, not to the cwd.
        updates["db_url"] = to_db_url(db if "://" in db else str(base / db))
    if "max_bytes" in section:
        value = section["max_bytes"]
        if not isinstance(value, int) or value <= 0:
            raise ConfigError(f"settings file {path}: max_bytes must be a positive integer")
        updates["max_bytes"] = value
    for key, attr in (("reports", "reports_dirs"), ("lexicon", "lexicon_dirs")):
        if key in section:
            items = section[key]
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list):
                raise ConfigError(f"settings file {path}: {key} must be a folder or a list of folders")
            folders = tuple(base / str(item) for item in items)
            for item, folder in zip(items, folders, strict=True):
                require_folder(folder, f"settings file {path}: {key}", str(item))
            updates[attr] = folders
    if unknown:
        raise ConfigError(f"settings file {path}: unknown setting(s) {', '.join(unknown)}")
    return replace(settings, **updates)  # type: ignore[arg-type]
