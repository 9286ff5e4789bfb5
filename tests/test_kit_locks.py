"""The workshop kit's universal lock (requirements/kit.txt, `make kit-lock`): in every room participants bring
(tools/kit_wheels.py: Linux x86_64 and aarch64, macOS arm64 and x86_64, Windows x86_64; CPython 3.11 to 3.13) the
lock's markers choose one version of each package, every package those need and nothing else, and the index holds a
wheel of each for that room. Offline: the dependencies and wheel files come from the record beside the lock,
requirements/kit-wheels.json.

Each check is a function that lists what is wrong; the tests at the end take a package, a wheel or a pin away and
show that the check then names it.
"""
from __future__ import annotations

import functools
import http.server
import io
import json
import re
import threading
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
from packaging.utils import canonicalize_name, parse_wheel_filename

from tools import kit_wheels
from tools.kit_wheels import PLATFORMS, PYTHONS, Pin, read_pins

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ROOMS = [(platform, python) for platform in PLATFORMS for python in PYTHONS]
DEFAULT_ROOM = ("linux", "3.11")        # the development locks' target (`make wheelhouse` with no arguments)


def make_variable(name: str) -> str:
    """A simple ``NAME := value`` of the Makefile."""
    m = re.search(rf"^{name} :?= (.*)$", MAKEFILE, re.M)
    assert m, f"Makefile: no {name}"
    return m[1].strip()


OMITTED = set(re.findall(r"--no-emit-package (\S+)", make_variable("LOCK_OMIT")))


def pins(name: str) -> list[Pin]:
    """The pins of requirements/NAME (kit.txt, lab.txt, kit-overrides.in)."""
    path = REQUIREMENTS / name
    return read_pins(path.read_text(encoding="utf-8"), str(path))


@functools.cache
def kit_record() -> dict:
    return json.loads((REQUIREMENTS / "kit-wheels.json").read_text(encoding="utf-8"))


# --- a room: its marker environment, its wheel tags, what the lock gives it -------------------------------------
def environment(platform: str, python: str) -> dict[str, str]:
    """The PEP 508 marker environment of CPython ``python`` (its first release) on ``platform``."""
    return {**PLATFORMS[platform].markers, "python_version": python, "python_full_version": f"{python}.0",
            "implementation_name": "cpython", "implementation_version": f"{python}.0",
            "platform_python_implementation": "CPython", "platform_release": "", "platform_version": ""}


@functools.cache
def room_tags(platform: str, python: str) -> frozenset[Tag]:
    """The wheel tags pip accepts for the room with its `make wheelhouse` flags: CPython's own ABI, abi3 and pure
    wheels, on the room's platform tags (a macOS one widened, as pip widens it, to older macOS and universal2)."""
    platforms = []
    for tag in PLATFORMS[platform].wheel_platforms:
        if tag.startswith("macosx_"):
            _, major, minor, arch = tag.split("_", 3)
            platforms += mac_platforms((int(major), int(minor)), arch)
        else:
            platforms.append(tag)
    version = tuple(int(p) for p in python.split("."))
    interpreter = f"cp{version[0]}{version[1]}"
    return frozenset([*cpython_tags(version, platforms=platforms),
                      *compatible_tags(version, interpreter=interpreter, platforms=platforms)])


def chosen(lock: list[Pin], env: dict[str, str]) -> list[Pin]:
    """The pins whose markers hold in ``env``."""
    return [p for p in lock if not p.marker or Marker(p.marker).evaluate(env)]


def twice_chosen(lock: list[Pin], env: dict[str, str]) -> list[str]:
    """Packages the markers choose more than once in ``env`` (pip would refuse the lock)."""
    names = [p.name for p in chosen(lock, env)]
    return sorted({n for n in names if names.count(n) > 1})


def requirement_problems(lock: list[Pin], env: dict[str, str], record: dict, roots: list[str]) -> list[str]:
    """What is wrong with the packages the lock chooses in ``env``, against what they declare (the record's
    Requires-Dist, with their extras) from ``roots`` down: a needed package not chosen, a chosen version outside
    what a dependent asks for, or a chosen package that nothing needs. LOCK_OMIT's packages are left out on purpose."""
    versions = {p.name: p.version for p in chosen(lock, env)}
    problems, needed, extras_done = [], set(), {}
    queue = [(Requirement(r), "pyproject.toml") for r in roots]
    while queue:
        req, by = queue.pop()
        name = canonicalize_name(req.name)
        if name in OMITTED:
            continue
        if name not in versions:
            problems.append(f"{name} (needed by {by}) is not chosen")
            continue
        version = versions[name]
        if not req.specifier.contains(version, prereleases=True):
            problems.append(f"{name}=={version} is not {req.specifier} (asked by {by})")
        extras = {""} | set(req.extras)
        if name in needed and extras <= extras_done[name]:
            continue
        needed.add(name)
        extras_done[name] = extras_done.get(name, set()) | extras
        for text in record["packages"][name][version]["requires"]:
            dep = Requirement(text)
            if dep.marker is None or any(dep.marker.evaluate({**env, "extra": e}) for e in extras_done[name]):
                queue.append((dep, f"{name}=={version}"))
    problems += [f"{name}=={versions[name]} is chosen but nothing needs it" for name in sorted(set(versions) - needed)]
    return problems


def wheel_gaps(packages: list[Pin], platform: str, python: str, record: dict) -> list[str]:
    """The packages with no wheel in the record for the room, or whose Requires-Python excludes its Python."""
    tags = room_tags(platform, python)
    gaps = []
    for pin in packages:
        entry = record["packages"].get(pin.name, {}).get(pin.version)
        if entry is None:
            gaps.append(f"{pin.name}=={pin.version}: not in the record")
            continue
        if not any(parse_wheel_filename(w)[3] & tags for w in entry["wheels"]):
            gaps.append(f"{pin.name}=={pin.version}: no wheel for {platform}, CPython {python}")
        if not SpecifierSet(entry["requires_python"]).contains(f"{python}.0", prereleases=True):
            gaps.append(f"{pin.name}=={pin.version}: Requires-Python {entry['requires_python']} excludes {python}")
    return gaps


def tools(record: dict) -> list[Pin]:
    """What the wheelhouse adds to the lock's pins: pip, uv and the build backend."""
    return [Pin(name, version) for name, version in record["tools"].items()]


def lab_group() -> list[str]:
    """The requirements the kit installs: the project's runtime and the lab group."""
    return [*PYPROJECT["project"]["dependencies"], *PYPROJECT["project"]["optional-dependencies"]["lab"]]


# --- the lock and its record ---------------------------------------------------------------------------------
def test_the_kit_lock_says_what_it_is():
    head = (REQUIREMENTS / "kit.txt").read_text(encoding="utf-8").splitlines()[:3]
    assert head[0].startswith("# Universal lock file for the workshop kit"), head[0]
    assert "CPython 3.11 to 3.13" in head[0] and "`make kit-lock`" in head[0]
    assert f"(uv {make_variable('UV_VERSION')})" in head[0]
    assert head[2] == "#    make kit-lock", "uv's header names the command that regenerates the lock"


def test_the_kit_lock_pins_the_lab_lock():
    """The lab lock's packages at its versions, and besides them only pins a marker limits to some rooms; where a
    room gets another version, it is requirements/kit-overrides.in's, and LOCK_OMIT's packages stay out."""
    lab = {p.name: p.version for p in pins("lab.txt")}
    overridden = {(p.name, p.version) for p in pins("kit-overrides.in")}
    kit = pins("kit.txt")
    assert set(lab) <= {p.name for p in kit}
    assert [p for p in kit if p.name in lab and p.version != lab[p.name] and (p.name, p.version) not in overridden] == []
    assert [p for p in kit if p.name not in lab and not p.marker] == []
    assert {p.name for p in kit} & OMITTED == set()
    assert len(kit) > 100


def test_the_default_room_gets_exactly_the_lab_lock():
    """Linux x86_64 with CPython 3.11, the development locks' target: the wheelhouse `make test-kit` installs the
    lab lock from holds the same pins."""
    kit = {(p.name, p.version) for p in chosen(pins("kit.txt"), environment(*DEFAULT_ROOM))}
    assert kit == {(p.name, p.version) for p in pins("lab.txt")}


def test_each_override_serves_a_room_the_lab_version_cannot():
    """An override is there because the lab lock's version has no wheel for some room, and its own version has."""
    lab = {p.name: p.version for p in pins("lab.txt")}
    record = kit_record()
    for pin in pins("kit-overrides.in"):
        if pin.version == lab[pin.name]:
            continue
        rooms = [r for r in ROOMS if Marker(pin.marker).evaluate(environment(*r))]
        assert rooms, f"{pin}: its marker holds in no room"
        for room in rooms:
            assert wheel_gaps([Pin(pin.name, lab[pin.name])], *room, record), f"{pin}: the lab version serves {room}"
            assert wheel_gaps([pin], *room, record) == []


def test_the_record_holds_the_lock_and_the_tools():
    record = kit_record()
    assert record["lock"] == "requirements/kit.txt"
    backend = Requirement(PYPROJECT["build-system"]["requires"][0])
    assert record["tools"] == {"pip": make_variable("PIP_VERSION"), "uv": make_variable("UV_VERSION"),
                               canonicalize_name(backend.name): str(backend.specifier).removeprefix("==")}
    recorded = {(name, version) for name, versions in record["packages"].items() for version in versions}
    assert recorded == {(p.name, p.version) for p in [*pins("kit.txt"), *tools(record)]}


def test_the_wheelhouse_help_names_every_room():
    """`make help` lists the PLATFORM and PYTHON_VERSION values tools/kit_wheels.py accepts."""
    line = next(line for line in MAKEFILE.splitlines() if line.startswith("## wheelhouse:"))
    assert f"PLATFORM={'|'.join(PLATFORMS)}" in line and f"PYTHON_VERSION={'|'.join(PYTHONS)}" in line


# --- every room ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("platform", "python"), ROOMS)
def test_a_room_gets_one_version_of_each_package_and_all_they_need(platform, python):
    kit, env = pins("kit.txt"), environment(platform, python)
    assert twice_chosen(kit, env) == []
    assert requirement_problems(kit, env, kit_record(), lab_group()) == []


@pytest.mark.parametrize(("platform", "python"), ROOMS)
def test_a_room_has_a_wheel_of_every_package(platform, python):
    record = kit_record()
    packages = [*chosen(pins("kit.txt"), environment(platform, python)), *tools(record)]
    assert wheel_gaps(packages, platform, python, record) == []


def test_platform_only_packages_go_where_they_belong():
    """ipykernel's appnope on macOS only, JupyterLab's terminal (pywinpty) on Windows only, pexpect everywhere else."""
    kit = pins("kit.txt")
    for room in ROOMS:
        names = {p.name for p in chosen(kit, environment(*room))}
        darwin, windows = room[0].startswith("macos"), room[0] == "windows"
        assert ("appnope" in names, "pywinpty" in names, "pexpect" in names) == (darwin, windows, not windows), room


# --- the checks catch what they are for ------------------------------------------------------------------------
def without(lock: list[Pin], name: str) -> list[Pin]:
    return [p for p in lock if p.name != name]


def test_a_lost_platform_package_is_caught():
    kit, record = pins("kit.txt"), kit_record()
    for name, room, other in (("appnope", ("macos-arm64", "3.12"), ("linux", "3.12")),
                              ("pywinpty", ("windows", "3.13"), ("macos-x86_64", "3.13")),
                              ("aiohttp", ("linux", "3.12"), ("linux", "3.11"))):
        problems = requirement_problems(without(kit, name), environment(*room), record, lab_group())
        assert any(p.startswith(f"{name} (needed by ") for p in problems), (name, problems)
        assert requirement_problems(without(kit, name), environment(*other), record, lab_group()) == []


def test_a_lost_wheel_is_caught():
    record = json.loads(json.dumps(kit_record()))
    entry = record["packages"]["pyzmq"][next(p.version for p in pins("kit.txt") if p.name == "pyzmq")]
    entry["wheels"] = [w for w in entry["wheels"] if not w.endswith("win_amd64.whl")]
    kit = pins("kit.txt")
    gaps = wheel_gaps(chosen(kit, environment("windows", "3.12")), "windows", "3.12", record)
    assert [g for g in gaps if g.startswith("pyzmq")] == [g for g in gaps], gaps
    assert len(gaps) == 1
    assert wheel_gaps(chosen(kit, environment("linux", "3.12")), "linux", "3.12", record) == []


def test_the_lab_version_of_an_overridden_package_is_caught_where_it_has_no_wheel():
    """Without the override, Intel Macs would get argon2-cffi-bindings 26.2.0, which has no wheel for them."""
    lab = {p.name: p.version for p in pins("lab.txt")}
    kit = [Pin(p.name, lab[p.name]) if p.name in lab else p for p in pins("kit.txt")]
    kit = list(dict.fromkeys(kit))
    gaps = wheel_gaps(chosen(kit, environment("macos-x86_64", "3.11")), "macos-x86_64", "3.11", kit_record())
    assert gaps == [f"argon2-cffi-bindings=={lab['argon2-cffi-bindings']}: no wheel for macos-x86_64, CPython 3.11"]


def test_a_doubled_pin_a_wrong_version_and_a_stray_pin_are_caught():
    kit, env, record = pins("kit.txt"), environment("linux", "3.11"), kit_record()
    assert twice_chosen([*kit, Pin("numpy", "1.0")], env) == ["numpy"]
    wrong = [Pin(p.name, "1.0.0") if p.name == "tornado" else p for p in kit]
    record = json.loads(json.dumps(record))
    record["packages"]["tornado"]["1.0.0"] = record["packages"]["tornado"][next(p.version for p in kit
                                                                               if p.name == "tornado")]
    assert any(p.startswith("tornado==1.0.0 is not ") for p in requirement_problems(wrong, env, record, lab_group()))
    stray = [*kit, Pin("colorama", "0.4.6")]            # Windows only: nothing on Linux needs it
    assert requirement_problems(stray, env, record, lab_group()) == [
        "colorama==0.4.6 is chosen but nothing needs it"]


def test_a_python_the_package_does_not_support_is_caught():
    record = json.loads(json.dumps(kit_record()))
    ipykernel = next(p for p in pins("kit.txt") if p.name == "ipykernel")
    record["packages"]["ipykernel"][ipykernel.version]["requires_python"] = ">=3.12"
    assert wheel_gaps([ipykernel], "linux", "3.11", record) == [
        f"ipykernel=={ipykernel.version}: Requires-Python >=3.12 excludes 3.11"]
    assert wheel_gaps([ipykernel], "linux", "3.12", record) == []


# --- tools/kit_wheels.py ---------------------------------------------------------------------------------------
def test_pins_are_read_with_their_markers_and_anything_else_is_refused():
    assert read_pins("# c\nA_b==1.0 ; sys_platform == 'win32'\n    # via x\nc==2\n") == [
        Pin("a-b", "1.0", "sys_platform == 'win32'"), Pin("c", "2")]
    with pytest.raises(kit_wheels.KitLockError, match=r"x.txt:1: not an exact pin"):
        read_pins("numpy>=2\n", "x.txt")


def test_room_flags_and_unknown_rooms():
    assert kit_wheels.uv_flags("macos-arm64", "3.12") == ["--python-platform", "aarch64-apple-darwin",
                                                          "--python-version", "3.12"]
    assert kit_wheels.pip_flags("windows", "3.13") == ["--platform", "win_amd64", "--python-version", "3.13",
                                                       "--implementation", "cp"]
    with pytest.raises(kit_wheels.RoomError, match="PLATFORM is one of linux, linux-aarch64"):
        kit_wheels.pip_flags("macos", "3.12")
    assert kit_wheels.main(["pip-flags", "windows", "3.10"]) == 2


class RangeHandler(http.server.BaseHTTPRequestHandler):
    """Serves one file's bytes on 127.0.0.1, honouring ``Range: bytes=A-B``, and counts the bytes it sent."""

    body = b""
    sent_bytes = 0

    def do_GET(self):
        m = re.fullmatch(r"bytes=(\d+)-(\d+)", self.headers.get("Range", ""))
        first, last = (int(m[1]), int(m[2])) if m else (0, len(self.body) - 1)
        chunk = self.body[first:last + 1]
        self.send_response(206 if m else 200)
        self.send_header("Content-Length", str(len(chunk)))
        self.end_headers()
        self.wfile.write(chunk)
        type(self).sent_bytes += len(chunk)

    def log_message(self, *args):
        pass


def test_a_wheels_metadata_is_read_in_ranges_not_whole():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr("demo/big.bin", bytes(range(256)) * 4096, compress_type=zipfile.ZIP_STORED)   # 1 MiB
        wheel.writestr("demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
                       "Requires-Python: >=3.11\nRequires-Dist: numpy>=2\nRequires-Dist: appnope; sys_platform == "
                       "'darwin'\n\nA description.\n")
    RangeHandler.body, RangeHandler.sent_bytes = buffer.getvalue(), 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RangeHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/demo-1.0-py3-none-any.whl"
        fields = kit_wheels.read_wheel_metadata(url, len(RangeHandler.body))
    finally:
        server.shutdown()
    assert fields == {"requires_python": ">=3.11", "requires": ["numpy>=2", "appnope; sys_platform == 'darwin'"]}
    assert RangeHandler.sent_bytes < len(RangeHandler.body) / 4


@pytest.mark.parametrize("platform, python", ROOMS)
def test_the_kits_own_wheelhouse_picks_what_the_markers_pick_for_the_room(platform, python):
    """The kit's `make wheelhouse` (no uv there) evaluates the lock's markers for the room, not for this machine."""
    from helpers.workshop.rooms import room_pins

    lock = pins("kit.txt")
    want = sorted(f"{p.name}=={p.version}" for p in chosen(lock, environment(platform, python)))
    got = sorted(f"{read_pins(line)[0].name}=={read_pins(line)[0].version}"
                 for line in room_pins((REQUIREMENTS / "kit.txt").read_text(encoding="utf-8"), platform, python))
    assert got == want
