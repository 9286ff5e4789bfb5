"""The pricing chapter's read-back: committed figures equal the formulas, promised names are glued, and
every kind of bad parameter stops with one clear message. (Its scenario rerun is checked in test_lab.py.)"""
from __future__ import annotations

import re

import nbformat
import papermill
import pytest
from conftest import PRICING, run_notebook

from helpers.chapters import pricing
from helpers.errors import ParameterError
from machinery import rerun


def test_committed_figures_are_the_formulas_at_the_defaults():
    """nbval proves the committed notebook is what a fresh run gives (it compares glued records too), so
    the committed figures stand for a default run."""
    glued = rerun.glued_figures(PRICING)
    expected = pricing.key_figures(pricing.report_params())
    promised = [n for n in rerun.READBACK[PRICING.name] if n in expected]
    assert len(promised) == 14
    for name in promised:
        assert isinstance(glued[name], float), name
        assert glued[name] == pytest.approx(expected[name], rel=1e-12), name
    assert round(glued["train_gpu_years_v100"]) == 357 and round(glued["infer_margin_a100"], 2) == 0.85


BAD = [
    ("utilization", 1.5, "is out of range", "0 < utilization ≤ 1"),
    ("utilization", "abc", "is not a number", "0 < utilization ≤ 1"),
    ("server_price_usd", -200000, "is out of range", "0 < server_price_usd"),
    ("training_efficiency", 0, "is out of range", "0 < training_efficiency ≤ 1"),
    ("training_tokens", -1e9, "is out of range", "1 ≤ training_tokens"),
]


@pytest.mark.parametrize("name, value, problem, allowed", BAD)
def test_bad_parameter_is_refused_with_one_message(name, value, problem, allowed):
    with pytest.raises(ParameterError) as info:
        pricing.validate(pricing.report_params() | {name: value})
    assert f"parameter {name!r} = {value!r} {problem}" in str(info.value) and allowed in str(info.value)


@pytest.mark.slow
def test_bad_parameter_stops_the_run_in_validation(tmp_path):
    """One papermill run proves the notebook side: the validation cell fails, nothing after it runs."""
    out = tmp_path / "bad.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as info:
        run_notebook(PRICING, out, utilization="abc")
    exc = info.value
    assert exc.ename == "ParameterError"
    assert "parameter 'utilization' = 'abc' is not a number" in exc.evalue and "0 < utilization ≤ 1" in exc.evalue
    assert len(exc.traceback) == 1 and "pandas" not in "".join(exc.traceback)   # one line, no deep traceback
    nb = nbformat.read(str(out), as_version=4)
    failed = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
              and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert len(failed) == 1 and ".validate(globals())" in nb.cells[failed[0]].source
    later = [c for c in nb.cells[failed[0] + 1:] if c.cell_type == "code"]
    assert all(not c.get("outputs") for c in later)   # nothing half-computed is shown


@pytest.mark.parametrize("chapter", sorted(PRICING.parent.glob("[0-9][0-9]*_*.ipynb")), ids=lambda p: p.stem)
def test_every_chapter_validates_in_the_cell_after_its_parameters(chapter):
    """The mechanism (a ParameterError there stops papermill with one line) is run above on pricing; every
    chapter has the same structure, and its validate function is unit-tested with bad values in its test file."""
    code = [c for c in nbformat.read(str(chapter), as_version=4).cells if c.cell_type == "code"]
    tagged = [i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])]
    if not tagged:      # a sub-page that only reads data (01b_companies, 02c_pricing_checks) has no parameters
        assert re.match(r"\d\d[b-z]_", chapter.name) and not any("papermill" in c.source for c in code), chapter.name
        return
    i = tagged[0]
    assert re.match(r"\w+ = [\w.]+\.(validate\(globals\(\)\)|parse_as_of\(as_of\))", code[i + 1].source)


def test_rerun_wrapper_refuses_unknown_parameter(tmp_path, capsys):
    code = rerun.main([str(PRICING), str(tmp_path / "x.ipynb"), "-p", "utilisation", "0.5"])
    err = capsys.readouterr().err
    assert code == 2 and "'utilisation' is not a parameter of 02_pricing_models.ipynb; did you mean 'utilization'?" in err
    assert "utilization" in err and not (tmp_path / "x.ipynb").exists()


@pytest.mark.parametrize("chapter", sorted(rerun.READBACK))
def test_every_promised_name_is_glued(chapter):
    glued = rerun.glued_figures(PRICING.parent / chapter)
    missing = [n for n in rerun.READBACK[chapter] if n not in glued]
    assert not missing, f"{chapter} does not glue {missing}"


def test_rerun_wrapper_refuses_an_output_folder_that_does_not_exist(tmp_path, capsys):
    """The output is written when the run ends: a missing folder is refused before anything runs."""
    with pytest.raises(SystemExit) as info:
        rerun.main([str(PRICING), str(tmp_path / "no-such-folder" / "x.ipynb"), "-p", "utilization", "0.5"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "no-such-folder" in err and "does not exist" in err and "Traceback" not in err


def test_rerun_wrapper_parses_values_like_papermill():
    assert rerun.parse_value("0.5") == 0.5 and rerun.parse_value("70e9") == 70e9
    assert rerun.parse_value("abc") == "abc" and rerun.parse_value("True") is True


@pytest.mark.slow
def test_rerun_html_flag_writes_a_standalone_page(tmp_path, monkeypatch):
    """`python -m helpers.rerun IN OUT -p … --html` (issue 11): the command, on a one-cell chapter. The output
    notebook is written once, not at every cell's start and end (papermill's default)."""
    import nbformat as nbf
    import papermill.engines
    import papermill.execute

    writes = []
    for module in (papermill.engines, papermill.execute):
        real = module.write_ipynb
        monkeypatch.setattr(module, "write_ipynb", lambda nb, path, real=real: (writes.append(path), real(nb, path)))

    nb = nbf.v4.new_notebook(cells=[nbf.v4.new_markdown_cell("# Tiny"),
                                    nbf.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                                    nbf.v4.new_code_cell("x * 2")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbf.write(nb, tmp_path / "tiny.ipynb")
    assert rerun.main([str(tmp_path / "tiny.ipynb"), str(tmp_path / "out.ipynb"), "-p", "x", "21", "--html"]) == 0
    assert writes == [str(tmp_path / "out.ipynb")]
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "Rerun with:" in page and "x = 21" in page and "42" in page
    assert 'src="http' not in page                  # nothing loaded from the network


def test_make_lab_starts_jupyterlab_offline_on_the_whole_repository():
    """`make lab`: the kit's launcher on the repository, whose server listens on 127.0.0.1, is rooted at the
    repository (the chapters, data/, scenarios/ and reruns all visible), runs kernels on IPC and fetches nothing."""
    import os
    import subprocess
    from pathlib import Path

    from helpers.workshop.lab import lab_command

    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "WITH_GPU"}}
    out = subprocess.run(["make", "--no-print-directory", "-n", "lab", "-o", ".venv/.installed-lab"],
                         cwd=PRICING.parent.parent, env=env, capture_output=True, text=True, check=True).stdout
    assert "-m helpers.workshop --lab --port 8888" in out
    cmd = " ".join(lab_command(Path("python"), PRICING.parent.parent, 8888, "t"))
    assert "--ServerApp.ip=127.0.0.1" in cmd and f"--ServerApp.root_dir={PRICING.parent.parent}" in cmd
    assert "--KernelManager.transport=ipc" in cmd
    assert "--LabApp.news_url=None" in cmd and "--LabApp.extension_manager=readonly" in cmd


@pytest.mark.slow
def test_a_rerun_prints_no_kernel_transport_warning(tmp_path):
    """Reruns start their kernel on IPC sockets: no TCP port, and no "Kernel is running over TCP without encryption"
    line in the analyst's terminal (the rerun's figures are unchanged)."""
    import subprocess
    import sys
    import threading

    before = set(PRICING.parent.iterdir())
    seen: set = set()
    stop = threading.Event()

    def watch() -> None:                     # the IPC sockets live in Jupyter's runtime folder, not beside the chapter
        while not stop.is_set():
            seen.update(set(PRICING.parent.iterdir()) - before)
            stop.wait(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        done = subprocess.run([sys.executable, "-m", "helpers.rerun", str(PRICING), str(tmp_path / "r.ipynb"),
                               "-p", "utilization", "0.5"], capture_output=True, text=True, cwd=PRICING.parent.parent,
                              timeout=300)
    finally:
        stop.set()
        watcher.join()
    assert done.returncode == 0, done.stderr
    assert not seen, f"files appeared beside the chapters during a rerun: {sorted(p.name for p in seen)}"
    assert "TCP" not in done.stderr and "encryption" not in done.stderr, done.stderr
    assert abs(rerun.glued_figures(tmp_path / "r.ipynb")["infra_gross_margin"] - (1 - 40_000 / (24.21 * 8760 * 0.5))) < 1e-9


def test_figures_print_as_csv(capsys):
    """`--figures --format csv`: one row per figure, the outlook's verdicts spread to one row per forecast."""
    assert rerun.main(["--figures", str(PRICING.parent / "06_outlook.ipynb"), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "figure,value" and "forecast_verdicts.p01,happened" in lines
    assert any(line.startswith("predictions_happened,") for line in lines)


def test_compare_prints_only_what_differs(capsys, tmp_path):
    """`--compare A B`: the figures and verdicts that differ between two runs; nothing for a run against itself."""
    assert rerun.main(["--compare", str(PRICING), str(PRICING), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["figure,02_pricing_models.ipynb,02_pricing_models.ipynb"]
    a = {"infra_gross_margin": 0.8114, "forecast_verdicts": {"p01": "happened", "p02": "wrong"}, "same": 1.0}
    b = {"infra_gross_margin": 0.6228, "forecast_verdicts": {"p01": "too early", "p02": "wrong"}, "same": 1.0 + 1e-15}
    assert rerun.differences(a, b) == [("forecast_verdicts.p01", "happened", "too early"), ("infra_gross_margin", 0.8114, 0.6228)]
    with pytest.raises(SystemExit):
        rerun.main(["--compare", str(PRICING), str(tmp_path / "missing.ipynb")])
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.slow
def test_a_likely_unit_slip_is_said_in_the_rerun_and_on_stderr(tmp_path, capsys):
    """A per-GPU price passed as the server's rent: the rerun runs, says "never breaks even" where the chapter states
    the break-even, puts the hint under the takeaways, and prints it as a warning line."""
    out = tmp_path / "slip.ipynb"
    assert rerun.main([str(PRICING), str(out), "-p", "rental_usd_per_hour", "2.5"]) == 0
    assert "warning: rental_usd_per_hour = 2.5 is below the server's depreciation per hour" in capsys.readouterr().err
    shown = " ".join("".join(o.get("data", {}).get("text/markdown", "")) for c in nbformat.read(str(out), as_version=4).cells
                     for o in c.get("outputs", []))
    assert "**Check your inputs.**" in shown and "if 2.5 is a price per GPU-hour, pass it as rental_usd_per_gpu_hour = 2.5 (USD 20 a server-hour)." in " ".join(shown.split())
    assert "the server never breaks even: rented all year" in " ".join(shown.split())
    assert "breaks even at 228" not in shown
