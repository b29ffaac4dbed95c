"""The official NemoVideo CLI (`nemovideo-tools` from npm, bin `nemovideo`), installed once per
machine into a cache folder and shared by every test worker and run: the first to need it installs
it (under a lock, into a fresh folder renamed into place), the others wait for it and reuse it.
`.ci/run` installs it before the tests (`python tests/official_cli.py`), as it installs the Python
packages, so the suite does not spend its time on npm.

The cache is `NEMO_TEST_CACHE`, else `~/.cache/nemo-tui-tests`, read when this module is imported:
the tests give every process a private home later (tests/conftest.py), which must not hide it."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = "nemovideo-tools@0.1.8"
NPM_INSTALL_SECONDS = 300
CACHE = Path(os.environ.get("NEMO_TEST_CACHE") or Path.home() / ".cache" / "nemo-tui-tests")


class Unavailable(Exception):
    """Why the official CLI cannot be had here (no node, an old one, no registry)."""


def node_major() -> int | None:
    node = shutil.which("node")
    if node is None:
        return None
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    match = re.match(r"v(\d+)", version.stdout.strip())
    return int(match.group(1)) if match else None


def installed_cli(cache: Path = CACHE) -> Path:
    """The `nemovideo` binary, installed into `cache` first if it is not there yet."""
    major = node_major()
    npm = shutil.which("npm")
    if major is None or npm is None:
        raise Unavailable("node and npm are not installed (the official CLI needs node 18+)")
    if major < 18:
        raise Unavailable(f"node {major} is too old for the official CLI (it needs node 18+)")
    cache.mkdir(parents=True, exist_ok=True)
    home = cache / PACKAGE.replace("@", "-")
    binary = home / "node_modules" / ".bin" / "nemovideo"
    with (cache / "install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker installing: wait, then reuse
        if binary.exists():
            return binary
        fresh = Path(tempfile.mkdtemp(prefix="installing-", dir=cache))
        try:
            install = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", PACKAGE],
                cwd=fresh,
                env={**os.environ, "npm_config_cache": str(cache / "npm-cache")},
                capture_output=True,
                text=True,
                timeout=NPM_INSTALL_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            shutil.rmtree(fresh, ignore_errors=True)
            raise Unavailable(
                f"npm install {PACKAGE} took over {NPM_INSTALL_SECONDS} s (no registry?)"
            ) from exc
        if install.returncode != 0 or not (fresh / "node_modules" / ".bin" / "nemovideo").exists():
            shutil.rmtree(fresh, ignore_errors=True)
            reason = (install.stderr.strip().splitlines() or ["no output"])[-1]
            raise Unavailable(
                f"npm could not install {PACKAGE} (is the npm registry reachable?): {reason}"
            )
        shutil.rmtree(home, ignore_errors=True)  # a half-made one from an interrupted install
        fresh.rename(home)
    return binary


if __name__ == "__main__":
    try:
        print(f"official CLI: {installed_cli()}")
    except Unavailable as exc:
        print(f"official CLI not installed: {exc}", file=sys.stderr)  # the tests skip, saying so
