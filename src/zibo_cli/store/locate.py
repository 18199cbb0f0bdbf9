"""Which goals file a command uses: --file, $ZIBO_FILE, ./goals.toml, the user's file, the bundled one."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

BUNDLED_RESOURCE = "data/goals.toml"


class Location(NamedTuple):
    path: Path
    origin: str  # "--file", "ZIBO_FILE", "./goals.toml", "user data file", "bundled dataset"

    @property
    def read_only(self) -> bool:
        return self.origin == "bundled dataset"


def user_data_file(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", str(Path.home()))) / ".local" / "share")
    return Path(base) / "zibo" / "goals.toml"


def cache_dir(env: Mapping[str, str]) -> Path:
    """Where the cache lives (store/cache.py): `$XDG_CACHE_HOME/zibo`, else `~/.cache/zibo`; never beside a file."""
    base = env.get("XDG_CACHE_HOME") or ""
    return Path(base if os.path.isabs(base) else Path(env.get("HOME") or str(Path.home())) / ".cache") / "zibo"


# Below this a file is parsed as fast as its database is opened (150 KB: 0.121 s, 0.118 s cached).
SMALLEST_CACHED = 256 * 1024


class Cache(NamedTuple):
    """Where the cache is, used from which size: apart from store/cache.py, so small files never load SQLite."""

    folder: Path
    smallest: int = 0


def cache_for(env: Mapping[str, str]) -> Cache | None:
    """The cache a command should use, or None when ZIBO_NO_CACHE is set (to anything but 0 or empty)."""
    if env.get("ZIBO_NO_CACHE", "") not in ("", "0"):
        return None
    smallest = env.get("ZIBO_CACHE_MIN_BYTES", "")
    return Cache(cache_dir(env), int(smallest) if smallest.isdigit() else SMALLEST_CACHED)


def bundled_file() -> Path:
    """The dataset shipped in the wheel; in a source checkout (editable install) the repository's own goals.toml."""
    packaged = Path(__file__).resolve().parents[1] / BUNDLED_RESOURCE  # the wheel installs it as a plain file
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "goals.toml"


def locate(explicit: str | None, env: Mapping[str, str], cwd: Path) -> Location:
    if explicit:
        return Location(Path(explicit), "--file")
    if env.get("ZIBO_FILE"):
        return Location(Path(env["ZIBO_FILE"]), "ZIBO_FILE")
    # A dangling symlink still counts: it must fail loudly, not silently fall through to another file.
    local = cwd / "goals.toml"
    if local.exists() or local.is_symlink():
        return Location(local, "./goals.toml")
    user = user_data_file(env)
    if user.exists() or user.is_symlink():
        return Location(user, "user data file")
    return Location(bundled_file(), "bundled dataset")


def display_path(path: Path, cwd: Path | None = None) -> str:
    """A path as short as is still unambiguous, for messages; bytes that are not UTF-8 in a file name
    are shown as `\\xff` (as `ls -b` would), so every output format can print it."""
    try:
        text = str(path.relative_to(cwd or Path(os.getcwd())))
    except ValueError:
        text = str(path)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
