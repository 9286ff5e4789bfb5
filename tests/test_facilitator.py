"""The facilitator guide (book/facilitator.md) read as a plan: its three parts, two agendas that fit their slot,
exercises that exist and fit their slots, the preflight's commands, the self-study list, and links that land.

Fast: the page's Markdown and data/exercises.csv only, no built book. Each check is a function of the page's text
that returns what is wrong with it, and each is shown to catch a broken copy of the page."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import pytest
from conftest import ROOT

PAGE = ROOT / "book" / "facilitator.md"
EXERCISE_ID = re.compile(r"\bex\d+[a-z]?_\d+\b")
# The one link target the build writes beside the pages rather than the repository holding it: the student kit.
BUILT = {"../workshop.zip"}
# An agenda's heading names its label in data/exercises.csv's `agenda` column.
AGENDA_LABELS = {"90-minute agenda": "90min", "half-day agenda": "half-day"}


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    body: str          # up to the next heading of the same or a higher level


@dataclass(frozen=True)
class Slot:
    start: int         # minutes since midnight
    minutes: int
    what: str


def page() -> str:
    return PAGE.read_text(encoding="utf-8")


def exercises() -> dict[str, dict[str, str]]:
    with (ROOT / "data" / "exercises.csv").open(encoding="utf-8", newline="") as fh:
        return {row["exercise_id"]: row for row in csv.DictReader(fh)}


def scenario_names() -> set[str]:
    return {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}


def without_code(text: str) -> str:
    """``text`` with fenced code blocks blanked (a ``# comment`` in a shell block is no heading)."""
    return re.sub(r"^(```|~~~).*?^\1[ \t]*$", "", text, flags=re.M | re.S)


def sections(text: str) -> list[Section]:
    """Every heading of the page with its body, which runs to the next heading of the same or a higher level."""
    lines = text.splitlines()
    fenced, heads = False, []
    for i, line in enumerate(lines):
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (m := re.match(r"(#{1,6}) (.+)", line)):
            heads.append((i, len(m[1]), m[2].strip()))
    out = []
    for n, (i, level, title) in enumerate(heads):
        end = next((j for j, lv, _ in heads[n + 1:] if lv <= level), len(lines))
        out.append(Section(level, title, "\n".join(lines[i + 1:end])))
    return out


def section(text: str, pattern: str, level: int | None = None) -> Section | None:
    return next((s for s in sections(text) if re.search(pattern, s.title, re.I) and level in (None, s.level)), None)


def part(text: str, act: str, pattern: str) -> Section | None:
    """The first heading matching ``pattern`` inside the level-2 part whose title begins with ``act``."""
    whole = section(text, rf"^{act}\b", level=2)
    return section(whole.body, pattern) if whole else None


def clock(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def slots(body: str) -> list[Slot]:
    """The rows of the first table in ``body`` whose first two cells are a clock time and a number of minutes."""
    rows = re.findall(r"^\|\s*(\d{1,2}:\d{2})\s*\|\s*(\d+)\s*\|(.*)\|\s*$", body, re.M)
    return [Slot(clock(t), int(m), what.strip()) for t, m, what in rows]


def agendas(text: str) -> dict[str, tuple[int, list[Slot], str]]:
    """Each agenda of the *During* part: its heading -> (its stated length in minutes, its slots, its body)."""
    out = {}
    for s in sections(text):
        if s.level == 3 and re.search(r"\bagenda\b", s.title, re.I):
            lengths = re.findall(r"(\d+)[- ]minutes?\b", s.title)
            out[s.title] = (int(lengths[-1]) if lengths else 0, slots(s.body), s.body)
    return out


# --- the checks: each returns what is wrong ----------------------------------------------------------------------

def act_problems(text: str) -> list[str]:
    """The page's level-2 headings include Before, During and After, in that order."""
    firsts = [s.title.split(":")[0].split()[0] for s in sections(text) if s.level == 2]
    acts = [t for t in firsts if t in ("Before", "During", "After")]
    return [] if acts == ["Before", "During", "After"] else [f"the acts as headings are {acts}, not Before, During, After"]


def agenda_problems(text: str) -> list[str]:
    """Both agendas exist, each starts with a setup buffer, its clock times follow on, its slots add up to less than
    its stated length, no exercise or scenario is repeated, every exercise exists and fits its slot, the kind and
    minutes the page gives an exercise are the table's, and its exercises are those the table lists for it."""
    table, scenarios = exercises(), scenario_names()
    found = agendas(text)
    problems = [f"no {label} heading" for label in AGENDA_LABELS
                if not any(label in title.lower() for title in found)]
    for title, (length, rows, body) in found.items():
        if not length:
            problems.append(f"{title}: the heading states no length in minutes")
        if not rows:
            problems.append(f"{title}: no table of slots (| time | minutes | what |)")
            continue
        if not re.match(r"set-?up buffer\b", rows[0].what, re.I):
            problems.append(f"{title}: the first slot is {rows[0].what[:40]!r}, not a setup buffer")
        for before, after in zip(rows, rows[1:]):
            if after.start != before.start + before.minutes:
                problems.append(f"{title}: {after.what[:30]!r} starts at {after.start // 60}:{after.start % 60:02d}, "
                                f"not when the slot before it ends")
        if sum(r.minutes for r in rows) >= length:
            problems.append(f"{title}: the slots add up to {sum(r.minutes for r in rows)} minutes, not less than {length}")
        seen: dict[str, int] = {}
        for row in rows:
            ids = EXERCISE_ID.findall(row.what)
            for ex in ids:
                seen[ex] = seen.get(ex, 0) + 1
                if ex not in table:
                    problems.append(f"{title}: {ex} is not in data/exercises.csv")
                    continue
                said = re.search(rf"`?{ex}`? \(([\w-]+), (\d+) minutes?\)", row.what)
                if not said or (said[1], said[2]) != (table[ex]["kind"], table[ex]["minutes"]):
                    problems.append(f"{title}: {ex} should read ({table[ex]['kind']}, {table[ex]['minutes']} minutes)")
            need = sum(int(table[ex]["minutes"]) for ex in ids if ex in table)
            if row.minutes < need:
                problems.append(f"{title}: the slot of {', '.join(ids)} has {row.minutes} minutes; they need {need}")
            for name in re.findall(r"scenario `([^`]+)`", row.what):
                if name not in scenarios:
                    problems.append(f"{title}: no scenario {name!r} in scenarios/")
        problems += [f"{title}: {ex} appears {n} times" for ex, n in seen.items() if n > 1]
        named = [n for row in rows for n in re.findall(r"`([^`]+)`", row.what) if n in scenarios]
        problems += [f"{title}: the scenario {n} appears twice" for n in sorted({n for n in named if named.count(n) > 1})]
        label = next((v for k, v in AGENDA_LABELS.items() if k in title.lower()), None)
        if label:
            listed = {ex for ex, row in table.items() if label in row["agenda"].split()}
            if set(seen) != listed:
                problems.append(f"{title}: exercises {sorted(seen)}, but data/exercises.csv lists {sorted(listed)} "
                                f"for {label} (the table under the agenda shows those)")
            if f":agenda: {label}" not in body:
                problems.append(f"{title}: no exercise table for {label}")
    return problems


def id_problems(text: str) -> list[str]:
    """Every exercise id the page names is a row of data/exercises.csv."""
    table = exercises()
    return [f"{ex} is not in data/exercises.csv" for ex in sorted(set(EXERCISE_ID.findall(text))) if ex not in table]


def self_study_problems(text: str) -> list[str]:
    """The *After* part lists, by chapter, every exercise that no agenda uses, once each, beside its chapter."""
    table = exercises()
    study = section(text, r"^self-study")
    if not study:
        return ["no self-study section"]
    used = {ex for _, rows, _ in agendas(text).values() for row in rows for ex in EXERCISE_ID.findall(row.what)}
    problems, listed = [], []
    for item in re.findall(r"^- (.+)$", study.body, re.M):
        chapter = re.search(r"\]\(\.\./notebooks/(\w+)\.ipynb\)", item)
        for ex in EXERCISE_ID.findall(item):
            listed.append(ex)
            if ex in table and (not chapter or table[ex]["chapter"] != chapter[1]):
                problems.append(f"{ex} is listed beside {chapter[1] if chapter else 'no chapter'}, "
                                f"not {table[ex]['chapter']}")
    problems += [f"{ex} is listed {listed.count(ex)} times" for ex in sorted(set(listed)) if listed.count(ex) > 1]
    want = set(table) - used
    if set(listed) != want:
        problems.append(f"self-study lists {sorted(set(listed) - want)} too many, {sorted(want - set(listed))} missing")
    return problems


def says(text: str, act: str, pattern: str, needed: tuple[str, ...]) -> list[str]:
    """What the section matching ``pattern`` in the part ``act`` lacks of ``needed`` (or that it is missing)."""
    found = part(text, act, pattern)
    if not found:
        return [f"no section {pattern!r} in the {act} part"]
    return [f"{found.title!r} does not say {w!r}" for w in needed if w not in found.body]


PREFLIGHT = ("make ready", "-m helpers.workshop --ready", "py -3.12 -m venv .venv",
             r".venv\Scripts\python -m helpers.workshop --ready",
             "python3 -m venv .venv && .venv/bin/python -m helpers.workshop --ready")
SELF_CHECK = ("right", "close", "percentage", "copied", "argument", "does not print")


def preflight_problems(text: str) -> list[str]:
    """The *Before* part has a preflight a week ahead with `make ready`, `--ready` and the routes without make."""
    pre = part(text, "Before", r"preflight")
    late = [] if pre is None or re.search(r"\bweek\b", pre.title, re.I) else [f"{pre.title!r} says no week ahead"]
    return says(text, "Before", r"preflight", PREFLIGHT) + late


def self_check_problems(text: str) -> list[str]:
    """The *After* part says what a self-check can and cannot prove."""
    return says(text, "After", r"^What a self-check can and cannot prove$", SELF_CHECK)


def link_problems(text: str) -> list[str]:
    """Every relative link of the page (Markdown or HTML) lands on a file of the repository."""
    prose = without_code(text)
    targets = re.findall(r"\]\(([^)\s]+)\)", prose) + re.findall(r"\b(?:href|src)=\"([^\"]+)\"", prose)
    problems = []
    for target in targets:
        path = target.split("#")[0]
        if not path or re.match(r"[a-z][a-z0-9+.-]*:", path, re.I) or path in BUILT:
            continue
        if not (PAGE.parent / path).resolve().is_file():
            problems.append(f"{target}: no such file")
    return problems


def money_problems(text: str) -> list[str]:
    """Money is written USD, never with a dollar sign (JupyterLab and MyST would read a pair of them as mathematics)."""
    return [f"a dollar sign: …{m[0]}…" for m in re.finditer(r".{0,30}\$.{0,30}", without_code(text))]


CHECKS = [act_problems, agenda_problems, id_problems, self_study_problems, preflight_problems, self_check_problems,
          link_problems, money_problems]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_guide_passes(check):
    assert check(page()) == []


def test_both_agendas_and_the_kit_link_are_there():
    found = agendas(page())
    assert len(found) == 2 and all(len(rows) >= 5 for _, rows, _ in found.values()), found.keys()
    assert '<a href="../workshop.zip" download>' in page()    # the built book publishes the kit beside this page


def broken(old: str, new: str) -> str:
    """The page with one edit; the edit must apply, or the test would pass on an unchanged page."""
    text = page()
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("check", "old", "new", "said"), [
    (act_problems, "## During:", "## Meanwhile:", "not Before, During, After"),
    (agenda_problems, "`ex2_4` (recompute", "`ex2_1` (recompute", "ex2_1 appears 2 times"),
    (agenda_problems, "| 14:00 | 10 | Setup buffer:", "| 14:00 | 10 | Welcome:", "not a setup buffer"),
    (agenda_problems, "| 15:15 | 10 | Debrief", "| 15:15 | 15 | Debrief", "add up to 90 minutes, not less than 90"),
    (agenda_problems, "| 14:45 | 20 | `ex2_2`", "| 14:45 | 10 | `ex2_2`", "has 10 minutes; they need 15"),
    (agenda_problems, "`ex2_2` (what-if, 15 minutes): the scenario `cloud-35-utilization`, run",
     "`ex2_2` (what-if, 5 minutes): the scenario `cloud-35-utilization`, run", "should read (what-if, 15 minutes)"),
    (agenda_problems, "| 14:30 | 15 |", "| 14:35 | 15 |", "not when the slot before it ends"),
    (agenda_problems, "`ex1_1` (recompute, 10 minutes)", "`ex9_1` (recompute, 10 minutes)", "ex9_1 is not in"),
    (agenda_problems, "`open-70b-2t-tokens`", "`cloud-35-utilization`", "the scenario cloud-35-utilization appears twice"),
    (agenda_problems, "### 90-minute agenda", "### Short agenda", "no 90-minute agenda heading"),
    (id_problems, "`ex2_5`", "`ex2_9`", "ex2_9 is not in"),
    (self_study_problems, ": `ex1_3`, `ex1_4`", ": `ex1_3`", "['ex1_4'] missing"),
    (self_study_problems, ": `ex2_5`", ": `ex2_5`, `ex1_3`", "ex1_3 is listed beside 02_pricing_models"),
    (preflight_problems, "    .venv\\Scripts\\python -m helpers.workshop --ready", "", "Scripts"),
    (preflight_problems, "Preflight, a week ahead", "Preflight", "says no week ahead"),
    (self_check_problems, "### What a self-check can and cannot prove", "### Self-checks", "no section '^What a self-check"),
    (link_problems, "](rerun.md) has", "](rerun-page.md) has", "rerun-page.md: no such file"),
    (link_problems, "(../notebooks/05_talent.ipynb)", "(../notebooks/05_people.ipynb)", "05_people.ipynb: no such file"),
    (money_problems, "the Python the machines have", "the Python the machines have (USD 0, not $0)", "dollar sign"),
])
def test_each_check_catches_a_broken_page(check, old, new, said):
    problems = check(broken(old, new))
    assert any(said in p for p in problems), problems
