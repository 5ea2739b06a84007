"""Long output at a terminal through a pager, as git and gh do."""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import IO


def page(command: str, text: str, stdout: IO[str]) -> bool:
    """Shows ``text`` through the pager ``command`` (a shell-quoted command line),
    which writes to ``stdout``'s descriptor; False where it cannot be started or
    ``stdout`` has no descriptor, for the caller to write the text itself. A pager
    quit early (q in less) is not an error."""
    try:
        descriptor = stdout.fileno()
    except (OSError, ValueError, AttributeError):  # a test's StringIO: nothing to page on
        return False
    stdout.flush()
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # as git: a LESS of the user's own is kept
    env.setdefault("LV", "-c")
    try:
        process = subprocess.Popen(
            shlex.split(command), stdin=subprocess.PIPE, stdout=descriptor, env=env
        )
    except (OSError, ValueError):  # no such program, or a command line shlex cannot split
        return False
    assert process.stdin is not None
    try:
        process.stdin.write(text.encode("utf-8", "backslashreplace"))
        process.stdin.close()
    except BrokenPipeError:
        pass
    process.wait()
    return True
