"""Disk blocks claimed ahead of the WAL's end, so the writer's appends need not wait for them.

Under sustained load the WAL only grows (a checkpoint never catches up with
the writer, so SQLite never starts it again from the top; see
`CHECKPOINT_EVERY_S` in `db`). Every append past the blocks the file already
has makes the filesystem reserve new ones, and while a checkpoint's `fsync` is
writing the WAL back that reservation waits for it: on ext4, arriving at
10,000 events/s, the event loop stood still in `pwrite` two to four times in a
1.5 s burst, for 0.5-7.5 ms each (sampled from outside the process). Blocks
claimed beforehand with `fallocate(FALLOC_FL_KEEP_SIZE)` leave the file as
SQLite reads it (the same size, the same bytes) and make each append an
overwrite of blocks already there: none in five such bursts. The price: up
to `ahead` bytes more for SQLite to free when it cuts the WAL back after a
burst (see `journal_size_limit` in `db`), ~15 ms more of a 75-90 ms cut on
this VM's disk.

Linux only; elsewhere, or where the filesystem cannot do it, this does nothing.
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import sys
from collections.abc import Callable

log = logging.getLogger(__name__)

FALLOC_FL_KEEP_SIZE = 1  # <linux/falloc.h>: allocate past the end, leave the size alone
BLOCK_BYTES = 512  # st_blocks is counted in 512-byte units whatever the filesystem's block


@functools.cache
def _fallocate() -> Callable[[int, int, int, int], int] | None:
    """libc's fallocate, loaded at the first claim: `ctypes` costs start-up ~25 ms."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)  # the process's own libc: no library search
    found = getattr(libc, "fallocate64", None) or getattr(libc, "fallocate", None)
    if found is None:
        return None
    found.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
    found.restype = ctypes.c_int
    fallocate: Callable[[int, int, int, int], int] = found
    return fallocate


def _errno() -> int:
    import ctypes

    return ctypes.get_errno()


_reported: set[int] = set()  # errors already logged: this runs every checkpoint


def claim_room(wal_path: str, ahead: int) -> bool:
    """Make sure at least half of `ahead` bytes past the WAL's end are allocated, topping
    up to `ahead`. False where that cannot be done (no WAL yet, not Linux, not supported).

    Opens the WAL file by its path: SQLite keeps no POSIX lock on it (its locks are on
    the database and `-shm` files), so closing this descriptor releases none of them.
    """
    fallocate = _fallocate()
    if fallocate is None:
        return False
    try:
        fd = os.open(wal_path, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False  # no WAL yet (SQLite makes it at the first write), or not ours to touch
    try:
        return _top_up(fd, ahead, fallocate)
    except OSError:
        return False
    finally:
        os.close(fd)


def _top_up(fd: int, ahead: int, fallocate: Callable[[int, int, int, int], int]) -> bool:
    found = os.fstat(fd)
    if found.st_blocks * BLOCK_BYTES >= found.st_size + ahead // 2:
        return True
    if fallocate(fd, FALLOC_FL_KEEP_SIZE, found.st_size, ahead) == 0:
        return True
    failure = _errno()
    if failure not in (errno.EOPNOTSUPP, errno.ENOSYS, *_reported):
        _reported.add(failure)
        log.warning("could not claim disk space for the WAL: %s", os.strerror(failure))
    return False
