"""The workshop kit's rooms and its wheel record (``make kit-lock``, ``make wheelhouse``). Standard library only: the
wheelhouse target runs it with whatever ``python3`` the room's organiser has.

The kit installs ``requirements/kit.txt``, one universal lock whose environment markers choose each room's packages.
``requirements/kit-wheels.json`` records, for every package it pins and for the tools the kit installs beside it
(pip, uv and the build backend), the wheel files the index holds, each version's ``Requires-Python`` and its
``Requires-Dist``: enough for ``tests/test_kit_locks.py`` to check offline that every room below gets a complete,
installable set. The wheel list comes from ``uv pip compile --format pylock.toml`` (uv lists every file of every
locked version); the two metadata fields from one wheel's ``METADATA``, read with HTTP range requests (a few
kilobytes of each wheel, not the wheel).

    python -m tools.kit_wheels record requirements/kit.txt PYLOCK TOOLS -o requirements/kit-wheels.json
    python -m tools.kit_wheels uv-flags macos-arm64 3.12     # the room, for uv pip compile (evaluates the markers)
    python -m tools.kit_wheels pip-flags macos-arm64 3.12    # the same room, for pip download (its wheels)
"""
from __future__ import annotations

import argparse
import email.parser
import io
import json
import re
import sys
import tomllib
import urllib.request
import zipfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from helpers.workshop.rooms import PLATFORMS, PYTHONS, Platform, RoomError, pip_flags, room  # noqa: F401  (one copy)

PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)\s*(?:;\s*(.+?))?\s*$")
RANGE_BLOCK_BYTES = 1 << 16                 # one HTTP range request reads this much of a wheel


class KitLockError(RoomError):
    """The lock, the tools' pins or the uv listing do not agree (which file, which package); or an unknown room."""


@dataclass(frozen=True)
class Pin:
    """One line of a lock file: ``name==version`` and its environment marker ('' for every environment)."""

    name: str
    version: str
    marker: str = ""


def canonical(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(text: str, source: str = "lock") -> list[Pin]:
    """Every pin of a requirements file: ``name==version`` lines, with an optional ``; marker``. Comment and blank
    lines are skipped; any other line is a KitLockError naming its file and line."""
    pins = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.split(" #", 1)[0].strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = PIN.fullmatch(stripped)
        if not m:
            raise KitLockError(f"{source}:{number}: not an exact pin: {line!r}")
        pins.append(Pin(canonical(m[1]), m[2], m[3] or ""))
    return pins


def pylock_wheels(pylock: dict) -> dict[str, dict[str, list[dict]]]:
    """{name: {version: [wheel entries (url, size)]}} of a parsed ``pylock.toml`` (PEP 751) as uv writes it."""
    found: dict[str, dict[str, list[dict]]] = {}
    for package in pylock.get("packages", []):
        found.setdefault(canonical(package["name"]), {})[package["version"]] = list(package.get("wheels", []))
    return found


def wheel_filename(url: str) -> str:
    """The file name at the end of a wheel's URL."""
    return url.rsplit("/", 1)[-1].split("#", 1)[0]


def metadata_wheel(wheels: list[dict]) -> dict:
    """The wheel whose METADATA stands for its version's (every wheel of a version declares the same
    dependencies): a pure-Python one where there is one, else the smallest."""
    pure = [w for w in wheels if wheel_filename(w["url"]).endswith("-none-any.whl")]
    return min(pure or wheels, key=lambda w: w.get("size", 0))


class RemoteFile(io.RawIOBase):
    """A wheel on an index as a read-only, seekable file read in HTTP range requests of ``RANGE_BLOCK_BYTES``:
    enough for ``zipfile`` to read one member (the end of the archive, its directory, then the member)."""

    def __init__(self, url: str, size_bytes: int, timeout_s: float = 60.0):
        super().__init__()
        self.url, self.size_bytes, self.timeout_s = url, size_bytes, timeout_s
        self.position = 0
        self.blocks: dict[int, bytes] = {}

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size_bytes}[whence]
        self.position = max(0, base + offset)
        return self.position

    def _block(self, index: int) -> bytes:
        if index not in self.blocks:
            first = index * RANGE_BLOCK_BYTES
            last = min(first + RANGE_BLOCK_BYTES, self.size_bytes) - 1
            request = urllib.request.Request(self.url, headers={"Range": f"bytes={first}-{last}"})
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                body = response.read()
            if response.status == 200:            # the server sent the whole file: keep the block asked for
                body = body[first:last + 1]
            self.blocks[index] = body
        return self.blocks[index]

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), self.size_bytes - self.position)
        done = 0
        while done < wanted:
            index, offset = divmod(self.position, RANGE_BLOCK_BYTES)
            chunk = self._block(index)[offset:offset + wanted - done]
            if not chunk:
                break
            buffer[done:done + len(chunk)] = chunk
            done += len(chunk)
            self.position += len(chunk)
        return done


def metadata_fields(metadata_text: str) -> dict:
    """``Requires-Python`` ('' when absent) and every ``Requires-Dist`` of a core-metadata file."""
    message = email.parser.Parser().parsestr(metadata_text, headersonly=True)
    return {"requires_python": message.get("Requires-Python", "").strip(),
            "requires": [r.strip() for r in message.get_all("Requires-Dist") or []]}


def read_wheel_metadata(url: str, size_bytes: int) -> dict:
    """The metadata fields of the wheel at ``url`` (``metadata_fields``), read in range requests."""
    with zipfile.ZipFile(io.BufferedReader(RemoteFile(url, size_bytes), RANGE_BLOCK_BYTES)) as archive:
        name = next(n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        return metadata_fields(archive.read(name).decode("utf-8"))


def version_metadata(wheels: list[dict]) -> dict:
    """The metadata fields of one version, from its ``metadata_wheel``."""
    wheel = metadata_wheel(wheels)
    return read_wheel_metadata(wheel["url"], wheel["size"])


def record(pins: Iterable[Pin], listing: dict[str, dict[str, list[dict]]], threads: int = 8) -> dict:
    """{name: {version: {"requires_python", "requires", "wheels"}}} for every pin, the wheels sorted by name.
    Fails (KitLockError) where uv's listing has no such version or no wheel of it."""
    wanted = sorted({(p.name, p.version) for p in pins})
    chosen = {}
    for name, version in wanted:
        wheels = listing.get(name, {}).get(version)
        if not wheels:
            raise KitLockError(f"{name}=={version}: uv's listing has {'no wheel of it' if wheels == [] else 'no such pin'}")
        chosen[name, version] = wheels
    with ThreadPoolExecutor(threads) as pool:
        fields = dict(zip(wanted, pool.map(version_metadata, [chosen[key] for key in wanted])))
    out: dict[str, dict] = {}
    for name, version in wanted:
        out.setdefault(name, {})[version] = {
            **fields[name, version], "wheels": sorted(wheel_filename(w["url"]) for w in chosen[name, version])}
    return out


def write_record(lock: Path, pylock: Path, tools: Path, out: Path) -> dict:
    """Reads the kit lock, uv's pylock listing (the same resolution with the tools added) and the tools' pins,
    checks that the listing locked the same versions, and writes the record as JSON."""
    lock_pins = read_pins(lock.read_text(encoding="utf-8"), str(lock))
    tool_pins = read_pins(tools.read_text(encoding="utf-8"), str(tools))
    listing = pylock_wheels(tomllib.loads(pylock.read_text(encoding="utf-8")))
    for pin in [*lock_pins, *tool_pins]:
        if pin.version not in listing.get(pin.name, {}):
            raise KitLockError(f"{pylock}: no {pin.name}=={pin.version} (it has {sorted(listing.get(pin.name, {}))})")
    data = {"lock": lock.as_posix(), "tools": {p.name: p.version for p in tool_pins},
            "packages": record([*lock_pins, *tool_pins], listing)}
    out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return data


def uv_flags(platform: str, python: str) -> list[str]:
    """``uv pip compile`` options that evaluate the lock's markers for the room."""
    return ["--python-platform", room(platform, python).uv_platform, "--python-version", python]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.kit_wheels", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("record", help="write the wheel record of the kit lock")
    rec.add_argument("lock", type=Path)
    rec.add_argument("pylock", type=Path, help="uv pip compile --format pylock.toml of the same resolution + tools")
    rec.add_argument("tools", type=Path, help="pins of what the kit installs besides the lock (pip, uv, backend)")
    rec.add_argument("-o", "--output", type=Path, required=True)
    for name in ("uv-flags", "pip-flags"):
        one = commands.add_parser(name)
        one.add_argument("platform")
        one.add_argument("python")
    args = parser.parse_args(argv)
    try:
        if args.command == "record":
            data = write_record(args.lock, args.pylock, args.tools, args.output)
            print(f"{args.output}: {sum(len(v) for v in data['packages'].values())} pins, "
                  f"{sum(len(r['wheels']) for v in data['packages'].values() for r in v.values())} wheels")
        else:
            flags = {"uv-flags": uv_flags, "pip-flags": pip_flags}[args.command]
            print(" ".join(flags(args.platform, args.python)))
    except RoomError as e:          # KitLockError is one
        print(f"kit_wheels: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
