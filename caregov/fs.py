"""The one way caregov writes a file or folder that somebody else may read while it is written.

Every such write goes through `staged`: the content is written under a hidden name beside its
final place (`.<name>.<pid>.tmp`; readers of the lake, the landing zone and the warehouse folder
skip names starting with `.`), flushed to disk, and renamed into place in one step, so a reader
sees the old file or the new one and a kill at any moment leaves no half file under a real
name. A staging name carries the writer's pid, so `remove_stale_staging` can clear what a killed
writer left without touching the work of one still running.

Files and folders that may hold personal data or secrets are created owner-only
(`private=True`: folders 0700, files 0600); `exclusive_lock` is the one file lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

# A staging name, and the write-ahead log a database engine keeps beside one.
_STAGING = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.tmp(\.wal)?$")


def ensure_dir(path: Path, private: bool = False) -> Path:
    """Create `path` (and its parents) if missing. With `private`, every folder this creates
    is mode 0700, and `path` itself is made 0700 if it already existed with another mode."""
    if not private:
        path.mkdir(parents=True, exist_ok=True)
        return path
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        os.chmod(folder, PRIVATE_DIR_MODE)  # mkdir's mode is masked by the umask
    if (path.stat().st_mode & 0o777) != PRIVATE_DIR_MODE:
        os.chmod(path, PRIVATE_DIR_MODE)
    return path


def make_private(path: Path) -> None:
    """Make a file 0600 (or a folder and everything in it 0700/0600): for a file another
    library wrote into a private place."""
    os.chmod(path, PRIVATE_DIR_MODE if path.is_dir() else PRIVATE_FILE_MODE)
    if path.is_dir():
        for item in path.rglob("*"):
            if not item.is_symlink():
                os.chmod(item, PRIVATE_DIR_MODE if item.is_dir() else PRIVATE_FILE_MODE)


def open_private(path: Path, mode: str = "a", **options: Any) -> IO[Any]:
    """Open a file created owner-only (`mode` "a" appends, "w" truncates; text unless "b" is
    in it): the local servers' logs, work files that hold delivered values."""
    ensure_dir(path.parent, private=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    return os.fdopen(os.open(path, flags, PRIVATE_FILE_MODE), mode, **options)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """Flush a file, or a folder's files and the folder itself, to disk."""
    if path.is_dir():
        for item in path.iterdir():
            if item.is_file():
                _fsync_file(item)
        fsync_dir(path)
    else:
        _fsync_file(path)


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def staging_path(final: Path) -> Path:
    """The hidden name beside `final` under which this process writes it."""
    return final.with_name(f".{final.name}.{os.getpid()}.tmp")


def remove_stale_staging(final: Path) -> int:
    """Remove staging files and folders of `final` left by writers that are no longer running
    (a kill mid-write); return how many were removed."""
    removed = 0
    if not final.parent.is_dir():
        return removed
    for candidate in final.parent.iterdir():
        match = _STAGING.match(candidate.name)
        if not match or match["name"] != final.name or _alive(int(match["pid"])):
            continue
        _remove(candidate)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a leftover of an earlier process that happened to have our pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def staged(final: Path, private: bool = False, folder: bool = False) -> Iterator[Path]:
    """Yield a hidden path beside `final` to write (a file, or with `folder` a new folder);
    when the block ends without error, flush it and rename it onto `final` in one step.

    On error the staged copy is removed and `final` is untouched. A folder replaces nothing: the
    caller removes an older `final` first if that is what it wants.
    """
    ensure_dir(final.parent, private=private)
    remove_stale_staging(final)
    tmp = staging_path(final)
    _remove(tmp)
    if folder:
        tmp.mkdir(mode=PRIVATE_DIR_MODE if private else 0o777)
    try:
        yield tmp
        if private:
            make_private(tmp)
        fsync_tree(tmp)
        os.replace(tmp, final)
        fsync_dir(final.parent)
    finally:
        _remove(tmp)


def write_bytes(final: Path, data: bytes, private: bool = False) -> Path:
    """Write `data` to `final` atomically (see `staged`)."""
    with staged(final, private=private) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _file_mode(private))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    return final


def write_text(final: Path, text: str, private: bool = False) -> Path:
    """Write `text` (UTF-8) to `final` atomically (see `staged`)."""
    return write_bytes(final, text.encode(), private=private)


def copy_file(source: Path, final: Path, private: bool = False) -> Path:
    """Copy `source` byte for byte onto `final` atomically (see `staged`)."""
    with staged(final, private=private) as tmp:
        shutil.copyfile(source, tmp)
    return final


def create_once(final: Path, text: str, private: bool = True) -> str:
    """Write `text` to `final` unless it exists; return what `final` holds. Racing creators
    agree: the first link wins and the others read it."""
    if final.exists():
        return final.read_text()
    ensure_dir(final.parent, private=private)
    tmp = staging_path(final)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _file_mode(private))
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, final)  # fails if another process created it first: theirs wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return final.read_text()


def _file_mode(private: bool) -> int:
    return PRIVATE_FILE_MODE if private else 0o666


@contextlib.contextmanager
def exclusive_lock(path: Path, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on `path` (created if missing, owner-only) for the block.

    Yields True once held; with `wait=False` it yields False at once when another process holds
    it. The lock goes with the process, so a killed holder never leaves it held.
    """
    ensure_dir(path.parent, private=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
