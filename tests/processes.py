"""Helpers for tests that run `studybot` as a separate process."""

from __future__ import annotations

import asyncio
import signal


async def stop(process: asyncio.subprocess.Process, grace: float = 10) -> None:
    """Ask politely (SIGINT, as Ctrl-C would), then kill if it does not stop in time."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(process.wait(), grace)
    except TimeoutError:
        process.kill()
        await process.wait()
