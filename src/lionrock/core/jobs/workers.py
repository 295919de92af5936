"""Which worker process runs a task, and whether it is known to be gone: for the sweeps that queue again
the work a killed worker took with it (the task queue itself never hands it to another worker)."""

from __future__ import annotations

import os
import socket


def worker_label() -> str:
    """This process, as a task's record names its worker: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True


def worker_gone(label: str) -> bool:
    """True when `label` names a process on this machine that no longer exists.

    A worker on another machine cannot be checked from here: callers wait for it to go quiet instead.
    """
    host, _, pid = label.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not process_alive(int(pid))
