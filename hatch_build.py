"""Builds the shipped fact base's search index into the wheel (issue 16).

A fresh install then answers its first search as fast as its hundredth, and a machine
with no writable cache directory is fast too: ``cqfacts.store.packaged`` reads
``cqfacts/facts.index`` for the shipped ``facts.toml`` when the key written in it is
that of the file's bytes and of the installed code and Python, else falls back to the
cache. An editable install gets none (its sources change under it): it uses the cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# In a child process, with the sources being built first on the path: the index must
# come from this tree's code, never from a cqfacts installed in the build environment.
BUILD = """\
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from cqfacts.store.packaged import write_packaged_index

write_packaged_index(Path(sys.argv[2]), Path(sys.argv[3]))
"""


class PackagedIndexHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        self._scratch = tempfile.TemporaryDirectory()
        target = Path(self._scratch.name) / "facts.index"
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("CQFACTS_FACTS", None)
        subprocess.run(
            [sys.executable, "-c", BUILD, str(root / "src"), str(target), str(root / "facts.toml")],
            check=True,
            env=env,
        )
        build_data["force_include"][str(target)] = "cqfacts/facts.index"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            scratch.cleanup()
