"""Builds each shipped fact file's search index into the wheel (issue 16).

A fresh install then answers its first search as fast as its hundredth, and a machine
with no writable cache directory is fast too: ``cqfacts.store.packaged`` reads
``cqfacts/facts.index`` for the shipped ``facts.toml`` (``cqfacts/reports/NAME.index``
for each shipped report) when the key written in it is that of the file's bytes and of
the installed code and Python, else falls back to the cache. An editable install gets
none (its sources change under it): it uses the cache.
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

for target, source in zip(sys.argv[2::2], sys.argv[3::2], strict=True):
    write_packaged_index(Path(target), Path(source))
"""


class PackagedIndexHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        self._scratch = tempfile.TemporaryDirectory()
        scratch = Path(self._scratch.name)
        # Each shipped file's entry, at its place in the package (see store/packaged.py).
        shipped = {"facts.index": root / "facts.toml"}
        for report in sorted((root / "reports").glob("*.toml")):
            shipped[f"reports/{report.stem}.index"] = report
        pairs: list[str] = []
        for name, source in shipped.items():
            target = scratch / name.replace("/", "--")
            pairs += [str(target), str(source)]
            build_data["force_include"][str(target)] = f"cqfacts/{name}"
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("CQFACTS_FACTS", None)
        subprocess.run(
            [sys.executable, "-c", BUILD, str(root / "src"), *pairs], check=True, env=env
        )

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            scratch.cleanup()
