"""A small supervisor for `offerdesk run`: starts a few commands, prefixes their output with their names, and
stops them all (SIGTERM to each one's process group, SIGKILL after a grace period) on SIGINT or SIGTERM, or as
soon as one of them exits."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from types import FrameType
from typing import TextIO


def _pipe(name: str, stream: TextIO, out: TextIO, lock: threading.Lock) -> None:
    for line in stream:
        with lock:
            out.write(f"{name:<8}| {line}")
            out.flush()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a zombie group leader's group: nothing left that we may signal
        return False
    return True


def supervise(
    commands: Mapping[str, Sequence[str]],
    *,
    env: Mapping[str, str],
    out: TextIO,
    grace: float = 10.0,
) -> int:
    """Run `commands` together until a signal or until one exits; returns 0 when stopped by a signal, else 1."""
    stop = threading.Event()
    received: list[int] = []

    def _stop(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()

    previous = {each: signal.signal(each, _stop) for each in (signal.SIGINT, signal.SIGTERM)}
    lock = threading.Lock()
    children: dict[str, subprocess.Popen[str]] = {}
    pipes: list[threading.Thread] = []
    try:
        for name, argv in commands.items():
            child = subprocess.Popen(
                list(argv),
                env=dict(env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
                start_new_session=True,  # its own group: a Ctrl-C reaches the supervisor, which stops it in order
            )
            children[name] = child
            with lock:
                out.write(f"{'run':<8}| started {name} (pid {child.pid}): {' '.join(argv)}\n")
                out.flush()
            assert child.stdout is not None
            pipe = threading.Thread(target=_pipe, args=(name, child.stdout, out, lock), daemon=True)
            pipe.start()
            pipes.append(pipe)
        ended = ""
        while not stop.wait(0.2):
            ended = next((name for name, child in children.items() if child.poll() is not None), "")
            if ended:
                break
    finally:
        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait(timeout=10)
        for child in children.values():  # a grandchild (runserver's reloader child) left in the group
            if _group_alive(child.pid):
                os.killpg(child.pid, signal.SIGKILL)
        for pipe in pipes:
            pipe.join(timeout=5)
        for each, handler in previous.items():
            signal.signal(each, handler)
    with lock:
        if received:
            out.write(f"{'run':<8}| {signal.Signals(received[0]).name}: stopped all\n")
        else:
            code = children[ended].returncode
            out.write(f"{'run':<8}| {ended} exited with status {code}: stopped all\n")
        out.flush()
    return 0 if received else 1
