"""The laptops a workshop room may bring, for the kit's wheelhouses: each platform's environment markers (PEP 508),
uv's name for it and the wheel platform tags pip downloads for it, and the CPython versions. Standard library only
(``tools.kit_wheels`` and the kit's ``make wheelhouse`` both read it), with ``packaging`` where markers are evaluated.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


class RoomError(ValueError):
    """A platform or Python the kit does not know (what is allowed)."""


@dataclass(frozen=True)
class Platform:
    """A kind of laptop a participant brings: its environment markers (PEP 508), uv's name for it, and the wheel
    platform tags pip downloads for it (pip widens a macOS tag to every older macOS and to universal2 itself)."""

    markers: dict[str, str]
    uv_platform: str
    wheel_platforms: tuple[str, ...]


PLATFORMS: dict[str, Platform] = {
    "linux": Platform({"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                       "platform_machine": "x86_64"}, "x86_64-manylinux_2_28",
                      ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "linux_x86_64")),
    "linux-aarch64": Platform({"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                               "platform_machine": "aarch64"}, "aarch64-manylinux_2_28",
                              ("manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64")),
    # Apple silicon shipped with macOS 11; Intel Macs sold since 2019 run 10.15 or later (10.15: the oldest macOS
    # with a wheel of cffi, pyyaml and pyzmq here).
    "macos-arm64": Platform({"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
                             "platform_machine": "arm64"}, "aarch64-apple-darwin", ("macosx_11_0_arm64",)),
    "macos-x86_64": Platform({"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
                              "platform_machine": "x86_64"}, "x86_64-apple-darwin", ("macosx_10_15_x86_64",)),
    "windows": Platform({"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                         "platform_machine": "AMD64"}, "x86_64-pc-windows-msvc", ("win_amd64",)),
}
PYTHONS = ("3.11", "3.12", "3.13")           # the CPython versions a room may bring


def room(platform: str, python: str) -> Platform:
    """The platform named, checked with the Python version (RoomError naming what is allowed)."""
    if platform not in PLATFORMS or python not in PYTHONS:
        raise RoomError(f"no room {platform!r} with CPython {python!r}: PLATFORM is one of {', '.join(PLATFORMS)} "
                        f"and PYTHON_VERSION one of {', '.join(PYTHONS)}")
    return PLATFORMS[platform]


def pip_flags(platform: str, python: str) -> list[str]:
    """``pip download`` options that fetch the room's wheels (CPython's own ABI, and abi3 and pure ones)."""
    tags = [flag for tag in room(platform, python).wheel_platforms for flag in ("--platform", tag)]
    return [*tags, "--python-version", python, "--implementation", "cp"]


def room_pins(lock_text: str, platform: str, python: str) -> list[str]:
    """The ``name==version`` lines of a universal lock that the room installs: each line's marker evaluated for that
    platform and Python, not for this machine (``pip download --platform`` evaluates them for this machine)."""
    try:
        from packaging.markers import Marker
    except ImportError:                      # pip carries its own copy
        from pip._vendor.packaging.markers import Marker
    env = {**room(platform, python).markers, "python_version": python, "python_full_version": f"{python}.0",
           "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    out = []
    for line in lock_text.splitlines():
        requirement = line.split(" #", 1)[0].strip()
        if not requirement or requirement.startswith(("#", "-")):
            continue
        pin, _, marker = requirement.partition(";")
        if not marker.strip() or Marker(marker.strip()).evaluate(env):
            out.append(pin.strip())
    return out


def tool_pins(root: Path) -> list[str]:
    """The tools the kit's preflight installs beside the lock (pip, uv, the build backend), at the versions
    ``requirements/kit-wheels.json`` records."""
    record = json.loads((root / "requirements" / "kit-wheels.json").read_text(encoding="utf-8"))
    return [f"{name}=={version}" for name, version in sorted(record["tools"].items())]


def download(platform: str, python: str, root: Path, dest: Path) -> int:
    """Download every wheel the room installs (the kit lock's pins for it and the tools) into ``dest``."""
    pins = room_pins((root / "requirements" / "kit.txt").read_text(encoding="utf-8"), platform, python)
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--quiet", "--no-deps",
           "--only-binary=:all:", *pip_flags(platform, python), "--dest", str(dest), *pins, *tool_pins(root)]
    return subprocess.run(cmd).returncode
