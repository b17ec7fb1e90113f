"""Running `tabletop` as a facilitator does — the installed command in its own process — and
checking that it refuses the way a person should see it: exit 2, a message on stderr, no
traceback."""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

TABLETOP = pathlib.Path(sys.executable).with_name("tabletop")


def tabletop(*args: object, wrapper: tuple[str, ...] = (),
             **options) -> subprocess.CompletedProcess[str]:
    """Run the command line in a separate interpreter (its own process, its own hash salt),
    inside `wrapper` (a command that ends by running its arguments) when given."""
    return subprocess.run([*wrapper, str(TABLETOP), *map(str, args)], capture_output=True,
                          text=True, timeout=300, **options)


def refusal(result: subprocess.CompletedProcess[str]) -> str:
    """The message of a refused command line, once checked: exit 2, nothing on stdout, no
    traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout == ""
    return result.stderr


def one_line_naming(result: subprocess.CompletedProcess[str], path: object) -> str:
    """The one-line refusal of a command about a file, checked to name that file."""
    message = refusal(result)
    assert len(message.strip().splitlines()) == 1, message
    assert str(path) in message, message
    return message


@contextmanager
def read_only(folder: pathlib.Path) -> Iterator[tuple[str, ...]]:
    """Make a folder and its files read-only to commands run inside the wrapper this yields.
    Root writes any file whatever its mode, and tests run as root here: so as root the folder
    is bind-mounted read-only in a private mount namespace around each command (the same as
    read-only media); others get chmod, undone afterwards."""
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in (folder, *folder.iterdir())}
        for path in modes:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield ()
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    wrapper = ("unshare", "--mount", "sh", "-c",
               'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"', str(folder))
    if shutil.which("unshare") is None or subprocess.run([*wrapper, "true"]).returncode != 0:
        pytest.skip("as root, a read-only folder needs a read-only mount (unshare, CAP_SYS_ADMIN)")
    yield wrapper


@contextmanager
def unreadable(path: pathlib.Path) -> Iterator[tuple[str, ...]]:
    """Make a file unreadable to commands run inside the wrapper this yields: mode 000, and
    as root (who reads any file) the command runs as nobody."""
    mode = path.stat().st_mode
    path.chmod(0)
    try:
        if os.geteuid() != 0:
            yield ()
        elif shutil.which("setpriv") is None:
            pytest.skip("as root, an unreadable file needs setpriv to run as another user")
        else:
            yield ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
    finally:
        path.chmod(mode)


def as_at_a_terminal() -> None:
    """In a child about to run tabletop: take Ctrl-C as a terminal delivers it. A shell
    starts a background job with SIGINT ignored, and Python then goes on ignoring it: run
    that way, the suite's Ctrl-C tests would see their SIGINT lost."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def ctrl_c(*args: object, seconds: float = 3.0) -> tuple[int, list[str]]:
    """Run `tabletop ARGS` in a process group of its own and, `seconds` after its first line
    on stderr (it is under way), send SIGINT to the group as a terminal's Ctrl-C does: its
    exit code and its stderr, line by line."""
    running = subprocess.Popen([str(TABLETOP), *map(str, args)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=as_at_a_terminal)
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.extend(running.stderr), daemon=True)
    reader.start()
    deadline = time.monotonic() + 60
    while not said and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(seconds)
    os.killpg(running.pid, signal.SIGINT)
    code = running.wait(timeout=120)
    reader.join(timeout=10)
    running.stderr.close()
    return code, said
