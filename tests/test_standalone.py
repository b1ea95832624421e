"""The repository stands alone: no file points at a folder beside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The folder "shared" beside the repository, as a relative path in text or as a Path in code.
OUTSIDE = re.compile(r"\.\./shared|\.parent\s*/\s*[\"']shared[\"']")


def _tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in out.decode().split("\0") if name]


def test_no_file_refers_outside_the_repository() -> None:
    names = _tracked_files()
    assert "pyproject.toml" in names  # git listed this repository
    found = []
    for name in names:
        path = ROOT / name
        if not path.is_file():
            continue  # deleted in the work tree but not yet in the index
        data = path.read_bytes()
        if b"\0" in data:
            continue  # binary (images, compiled catalogues)
        text = data.decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "files that point outside the repository:\n" + "\n".join(found)
