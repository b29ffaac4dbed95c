"""The wheel smoke: the app as people install it, on every Python 3.11-3.13 on this machine.

Builds the wheel, checks that every file the package holds besides its code is in it, then for
each interpreter installs the wheel (not editable) into a fresh venv and, from that venv, starts
the TUI in a pseudo-terminal (it must draw its screen, then quit on ctrl+q) and makes a 2 s export
with `nemo-tui run --local`, checked by opening the MP4. `.ci/run` calls it before the tests.
An interpreter the machine lacks is skipped with a line saying so; any failure exits 1.

    .venv/bin/python scripts/wheel_smoke.py
"""

from __future__ import annotations

import argparse
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from fcntl import ioctl
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")
PIP = (sys.executable, "-m", "pip", "--disable-pip-version-check")
# What the TUI's first screen shows once drawn: two pane titles and the chat input's hint.
DRAWN = ("Files", "Timeline", "Describe the video")
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|.)")
START_LIMIT = 60.0  # seconds for the TUI to draw on a busy machine
EXPORT_LIMIT = 180.0
MP4_CHECK = """
import sys, av
with av.open(sys.argv[1]) as container:
    video = container.streams.video[0]
    frames = sum(1 for _ in container.decode(video))
    print(f"{container.duration / av.time_base:.2f} {frames} {video.width}x{video.height}")
"""


class SmokeFailed(Exception):
    """One line saying what did not work."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", help="only these versions (e.g. 3.12)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nemo-wheel-smoke-") as folder:
        work = Path(folder)
        try:
            wheel = build_wheel(work)
            check_package_data(wheel)
        except SmokeFailed as failure:
            print(f"wheel smoke: {failure}", file=sys.stderr)
            return 1
        print(f"wheel smoke: built {wheel.name}; every package file is in it", flush=True)
        versions = args.python or PYTHONS
        # In parallel: installing is mostly waiting on the package index, once per interpreter.
        with ThreadPoolExecutor(len(versions)) as pool:
            lines = list(pool.map(lambda version: smoke_line(version, wheel, work), versions))
        failed = any(not passed for passed, _ in lines)
        for _, line in lines:
            print(f"wheel smoke: {line}", flush=True)
    return 1 if failed else 0


def smoke_line(version: str, wheel: Path, work: Path) -> tuple[bool, str]:
    """(passed, a line saying what happened) for one Python version."""
    python = find_python(version)
    if python is None:
        return True, f"Python {version}: not on this machine, skipped"
    try:
        return True, f"Python {version}: {smoke(python, wheel, work)}"
    except SmokeFailed as failure:
        return False, f"Python {version}: FAILED: {failure}"


def build_wheel(work: Path) -> Path:
    dist = work / "dist"
    run(
        [*PIP, "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        "building the wheel",
    )
    wheels = list(dist.glob("nemo_tui-*.whl"))
    if len(wheels) != 1:
        raise SmokeFailed(f"building the wheel made {len(wheels)} wheels, not one")
    return wheels[0]


def check_package_data(wheel: Path) -> None:
    """Every file under nemo_tui/ that git knows of is in the wheel, code or not."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "nemo_tui"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    with zipfile.ZipFile(wheel) as archive:
        packed = set(archive.namelist())
    missing = sorted(name for name in listed if name not in packed)
    if missing:
        raise SmokeFailed(f"the wheel lacks {', '.join(missing)}: add them to package data")


def find_python(version: str) -> Path | None:
    """`python3.X` on PATH if it runs (a pyenv shim runs only for an active version), else that
    version's interpreter under pyenv's root."""
    candidates = [shutil.which(f"python{version}")]
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    installed = sorted(Path(root, "versions").glob(f"{version}.*/bin/python{version}"))
    candidates += [str(path) for path in reversed(installed)]
    for candidate in candidates:
        if candidate is None:
            continue
        answer = subprocess.run(
            [candidate, "-c", "import sys, venv; print(sys.executable)"],
            capture_output=True,
            text=True,
        )
        if answer.returncode == 0 and answer.stdout.strip():
            return Path(answer.stdout.strip())
    return None


def smoke(python: Path, wheel: Path, work: Path) -> str:
    """Install the wheel for `python`, start the TUI and export; a line of what was seen."""
    place = work / python.name
    venv = place / "venv"
    began = time.monotonic()
    run([str(python), "-m", "venv", "--without-pip", str(venv)], "making the venv")
    install(venv / "bin" / "python", wheel)
    installed = time.monotonic() - began
    home = place / "home"
    home.mkdir()
    env = app_env(home)
    drawn = start_tui(venv / "bin" / "nemo-tui", env, home)
    exported = export(venv, env, home)
    took = time.monotonic() - began
    return (
        f"installed in {installed:.0f} s; TUI drew in {drawn:.1f} s and quit; {exported}; "
        f"{took:.0f} s in all"
    )


def install(python: Path, wheel: Path) -> None:
    """Install the wheel into `python`'s venv with this pip (`--python`: a pip of the venv's own
    costs seconds), its dependencies from a wheel folder kept between runs (this machine's pip
    keeps no downloads), filled from the index when it lacks one. No byte-compiling: the app
    compiles what it imports, and compiling all of Textual three times is most of the install."""
    kept = Path.home() / ".cache" / "nemo-tui-wheel-smoke" / python.resolve().name
    pip = [*PIP, "--python", str(python)]
    offline = [*pip, "install", "-q", "--no-compile", "--no-index", "--find-links", str(kept)]
    try:
        run([*offline, str(wheel)], "installing the wheel")
    except SmokeFailed:
        run([*pip, "wheel", "-q", "-w", str(kept), str(wheel)], "downloading the dependencies")
        for ours in kept.glob("nemo_tui-*.whl"):
            ours.unlink()
        run([*offline, str(wheel)], "installing the wheel")


def app_env(home: Path) -> dict[str, str]:
    """The app's config, state and engine data under `home`; a fast local engine."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEMO_")}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env.pop(name, None)
    env.update(
        HOME=str(home),
        TERM="xterm-256color",
        NEMO_CONFIG_DIR=str(home / "config"),
        NEMO_STATE_DIR=str(home / "state"),
        NEMO_ENGINE_DATA_DIR=str(home / "engine"),
        NEMO_CLIENT_ID_FILE=str(home / "client_id"),
        NEMO_ENGINE_RENDER_PRESET="ultrafast",
        NEMO_ENGINE_CHUNK_DELAY="0",
    )
    return env


def start_tui(command: Path, env: dict[str, str], cwd: Path) -> float:
    """Run `nemo-tui --local` in a 100x30 pseudo-terminal until its screen shows DRAWN, then
    ctrl+q; it must exit 0. Returns the seconds it took to draw."""
    began = time.monotonic()
    fd, terminal = os.openpty()
    ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    child = subprocess.Popen(
        [str(command), "--local", str(cwd)],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        cwd=cwd,
        start_new_session=True,
    )
    os.close(terminal)
    screen = ""
    drawn_after: float | None = None
    try:
        while time.monotonic() - began < START_LIMIT:
            if drawn_after is None and all(word in screen for word in DRAWN):
                drawn_after = time.monotonic() - began
                os.write(fd, b"\x11")  # ctrl+q
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # the child closed the terminal: it has exited
                    break
                if not chunk:
                    break
                screen += ESCAPES.sub("", chunk.decode("utf-8", "replace"))
        try:
            status: int | None = child.wait(20.0)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            status = None
    finally:
        os.close(fd)
    said = " ".join(screen.split())[-300:]
    if drawn_after is None:
        raise SmokeFailed(f"the TUI did not draw its screen in {START_LIMIT:.0f} s: {said!r}")
    if status != 0:
        raise SmokeFailed(f"the TUI exited {status} after ctrl+q: {said!r}")
    return drawn_after


def export(venv: Path, env: dict[str, str], cwd: Path) -> str:
    """A 2 s export of a still made on the spot, from the installed app, checked with PyAV."""
    python = str(venv / "bin" / "python")
    photo, out = cwd / "photo.jpg", cwd / "out.mp4"
    run(
        [
            python,
            "-c",
            f"from PIL import Image; Image.new('RGB', (320, 240), 'teal').save({str(photo)!r})",
        ],
        "making a photo",
    )
    began = time.monotonic()
    run(
        [
            *(str(venv / "bin" / "nemo-tui"), "run", "--local", "--height", "180"),
            *("--files", str(photo), "--say", "animate this image into a 2-second video"),
            *("--export", str(out)),
        ],
        "the headless export",
        env=env,
        cwd=cwd,
        limit=EXPORT_LIMIT,
    )
    took = time.monotonic() - began
    seconds, frames, size = run([python, "-c", MP4_CHECK, str(out)], "opening the MP4").split()
    if not 1.5 <= float(seconds) <= 2.5 or int(frames) < 10:
        raise SmokeFailed(f"the export is {seconds} s with {frames} frames, not a 2 s video")
    return f"exported a {seconds} s {size} MP4 ({frames} frames) in {took:.1f} s"


def run(
    argv: list[str],
    what: str,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    limit: float = 600.0,
) -> str:
    try:
        done = subprocess.run(
            argv,
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=limit,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise SmokeFailed(f"{what} took over {limit:.0f} s") from exc
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip()).splitlines()[-3:]
        raise SmokeFailed(f"{what} failed ({done.returncode}): {' | '.join(said)}")
    return done.stdout


if __name__ == "__main__":
    sys.exit(main())
