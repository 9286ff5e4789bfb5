"""tools.gpu_measure: formulas by hand and against the H100 file, its rows, parameter counts, a CPU run.

The formula, row and JSONL tests need only the standard library (``tools.gpu_measure`` itself, which must
import without torch: a test checks it); the model and end-to-end tests need torch, the project's ``gpu``
group (``make gpu`` or ``make test WITH_GPU=1``; CI installs it), and are skipped without it. The end-to-end
run measures the CPU with the tiny model on every path; ``torch.compile`` is checked with the ``aot_eager``
backend (tracing, no code generation), because inductor's C++ compilation takes ~25 s cold on a 2-core CPU.
Set ``GPU_MEASURE_INDUCTOR=1`` to check inductor as well; on a machine with CUDA one more test runs the tiny
model through the CUDA path (inductor, CUDA graphs).
"""
from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tools import gpu_measure as gm

try:
    import torch

    from tools.gpu_measure import bench, cli
    from tools.gpu_measure import model as gmodel
except ModuleNotFoundError:  # torch is the gpu group, which `make book` and plain `make test` leave out
    torch = bench = cli = gmodel = None

ROOT = Path(__file__).resolve().parent.parent
_no_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")


def needs_torch(test):
    """Runs only where torch is installed (make test WITH_GPU=1, as CI does), and only in make test: building and
    timing models is the slow tier, not make check's."""
    return pytest.mark.slow(_no_torch(test))


needs_jsonl = pytest.mark.skipif(not gm.H100_JSONL.exists(), reason=f"{gm.H100_JSONL} is not present")

# params and params_nonembed as the H100 file records them (h100-2026-11-22.jsonl, train lines)
README_PARAMS = {"0.16B": (134_105_856, 109_529_856), "0.4B": (373_867_520, 341_099_520),
                 "1.1B": (953_223_168, 887_687_168)}
H100_PEAK, H100_BW = 989.4, 3.35


def jsonl_records() -> list[dict]:
    """The H100 file's lines, parsed."""
    return [json.loads(line) for line in gm.H100_JSONL.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- formulas by hand ---------------------------------------------------------------------------------
def test_matmul_and_train_flops_by_hand():
    assert gm.matmul_flops(2, 3, 4) == 48
    assert gm.tflops_from(gm.matmul_flops(8192, 8192, 8192), 1.0) == pytest.approx(1.099511627776)
    assert gm.train_flops_per_token(100, 2, 10, 8) == 600 + 12 * 2 * 10 * 8
    assert gm.train_flops_per_token_6n(100) == 600
    assert gm.inference_flops_per_token(100) == 200


def test_mfu_by_hand():
    # 1e6 FLOPs per token × 1e6 tokens/s = 1 TFLOPS = all of a 1 TFLOPS peak
    assert gm.model_flops_utilization(1e6, 1e6, 1.0) == pytest.approx(1.0)
    assert gm.inference_mfu(5e8, 1000, 100) == pytest.approx(2 * 5e8 * 1000 / 100e12)
    assert gm.train_mfu(1e8, 12, 2048, 768, 2e5, 989.4) == pytest.approx(
        (6e8 + 12 * 12 * 2048 * 768) * 2e5 / 989.4e12)
    assert gm.train_mfu_6n_only(1e8, 2e5, 989.4) == pytest.approx(6e8 * 2e5 / 989.4e12)
    assert gm.achieved_tflops(2e9, 1e3) == pytest.approx(2.0)


def test_decode_roofline_by_hand():
    # the "1.1B" model, batch 1, prompt 512, 128 new tokens, BF16, MHA (kv_dim 2048), 3.35 TB/s
    assert gm.mean_decode_context_tokens(512, 128) == 576
    kv = 2 * 16 * 1 * 576 * 2048 * 2
    assert kv == 75_497_472
    assert gm.kv_cache_bytes(16, 1, 576, 2048, 2) == kv
    step = 953_223_168 * 2 + kv
    assert gm.decode_bytes_per_step(953_223_168, 2, 16, 1, 576, 2048) == step
    assert gm.decode_bytes_per_step(10, 4, 1, 1, 1, 1, kv_bytes_per_value=1) == 40 + 2
    assert gm.decode_roofline_tokens_per_s(1, 3.35, step) == pytest.approx(3.35e12 / step)
    assert gm.decode_roofline(953_223_168, 2, 16, 1, 512, 128, 2048, 3.35) == pytest.approx(1690.26, rel=1e-5)
    # batch 256: the cache (19.3 GB) outweighs the weights (1.9 GB)
    assert gm.decode_roofline(953_223_168, 2, 16, 256, 512, 128, 2048, 3.35) == pytest.approx(
        256 * 3.35e12 / (953_223_168 * 2 + 2 * 16 * 256 * 576 * 2048 * 2))


def test_decode_tokens_per_s_definition():
    assert gm.decode_tokens_per_s(8, 128, generate_s=3.0, prefill_s=1.0) == 8 * 128 / 2.0
    with pytest.raises(ValueError, match="not slower"):
        gm.decode_tokens_per_s(1, 8, generate_s=1.0, prefill_s=1.0)


# --- formulas against the H100 file's own figures -------------------------------------------------------
@needs_jsonl
def test_formulas_reproduce_the_files_mfu():
    records = jsonl_records()
    nonembed = {r["model"]: r["params_nonembed"] for r in records if r["kind"] == "train"}
    checked = 0
    for r in records:
        if r["kind"] == "matmul_bf16_8192":
            assert r["tflops"] / H100_PEAK == pytest.approx(r["frac_of_peak"], rel=1e-6)
        elif r["kind"] == "train":
            cfg = gm.CONFIGS[r["model"]]
            assert gm.train_mfu(r["params_nonembed"], cfg.layers, r["seq"], cfg.hidden, r["tokens_per_s"],
                                H100_PEAK) == pytest.approx(r["mfu"], rel=1e-6)
            assert gm.train_mfu_6n_only(r["params_nonembed"], r["tokens_per_s"], H100_PEAK) == pytest.approx(
                r["mfu_6N_only"], rel=1e-6)
        else:
            n = nonembed[r["model"]]
            for phase in ("prefill", "decode"):
                assert gm.inference_mfu(n, r[f"{phase}_tokens_per_s"], H100_PEAK) == pytest.approx(
                    r[f"{phase}_mfu"], rel=1e-6)
        checked += 1
    assert checked == 8


# --- rows of the H100 file ---------------------------------------------------------------------------------
@needs_jsonl
def test_rows_from_jsonl():
    rows = gm.rows_from_jsonl()
    assert [r["kind"] for r in rows] == ["matmul"] + ["train"] * 3 + ["prefill", "decode"] * 4
    assert all(tuple(r) == gm.CSV_HEADER for r in rows)
    assert len({r["measurement_id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["path"] == "eager" and r["run_date"] == "2026-11-22" and r["device"] == "NVIDIA H100 80GB HBM3"
        assert r["source_id"] == "h100_measurements_20261122"
        assert r["peak_tflops"] == H100_PEAK and r["peak_basis"] == "datasheet" and r["mem_bandwidth_tb_s"] == H100_BW
        assert r["driver"] is None and r["torch_version"] is None and r["commit"] is None
        assert r["achieved_tflops"] == pytest.approx(r["mfu"] * H100_PEAK, rel=1e-12)
    lines = [r["source_section"] for r in rows]
    assert lines == [f"h100-2026-11-22.jsonl, line {n}" for n in [1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 8, 8]]

    mm = rows[0]
    assert mm["achieved_tflops"] == pytest.approx(775.4774462764026) and mm["mfu"] == pytest.approx(0.78378557335)
    train = {r["model"]: r for r in rows if r["kind"] == "train"}
    for name, (params, nonembed) in README_PARAMS.items():
        assert (train[name]["params"], train[name]["params_nonembed"]) == (params, nonembed)
        assert (train[name]["layers"], train[name]["hidden"]) == (gm.CONFIGS[name].layers, gm.CONFIGS[name].hidden)
        assert train[name]["batch"] == 8 and train[name]["seq_tokens"] == 2048 and train[name]["new_tokens"] is None
    assert train["1.1B"]["mfu"] == pytest.approx(0.36954560949864723)
    assert train["1.1B"]["mfu_6n_only"] == pytest.approx(0.32100922192145764)

    infer = [r for r in rows if r["kind"] in ("prefill", "decode")]
    assert [r["batch"] for r in infer] == [1, 1, 8, 8, 64, 64, 256, 256]
    for r in infer:
        assert r["model"] == "1.1B" and r["params"] == 953_223_168 and r["params_nonembed"] == 887_687_168
        assert r["seq_tokens"] == 512 and r["mfu_6n_only"] is None
        if r["kind"] == "prefill":
            assert r["new_tokens"] is None and r["decode_roofline_tokens_per_s"] is None
        else:
            roof = r["batch"] * 3.35e12 / (953_223_168 * 2 + 2 * 16 * r["batch"] * 576 * 2048 * 2)
            assert r["new_tokens"] == 128
            assert r["decode_roofline_tokens_per_s"] == pytest.approx(roof, rel=1e-12)
            assert r["decode_roofline_frac"] == pytest.approx(r["tokens_per_s"] / roof, rel=1e-12)
    decode1 = infer[1]
    assert decode1["tokens_per_s"] == pytest.approx(62.97449107099037) and decode1["mfu"] == pytest.approx(1.13001e-4, rel=1e-5)
    assert decode1["decode_roofline_frac"] == pytest.approx(62.97449107099037 / 1690.26, rel=1e-5)   # 3.7 %
    assert infer[7]["decode_roofline_frac"] == pytest.approx(0.2474, abs=1e-4)                       # batch 256


@needs_jsonl
def test_jsonl_rows_write_and_read_back(tmp_path):
    out = tmp_path / "m.csv"
    assert gm.append_rows(out, gm.rows_from_jsonl()) == 12
    assert gm.append_rows(out, gm.rows_from_jsonl()[:1]) == 1          # appends, header written once
    with out.open(newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert tuple(table[0]) == gm.CSV_HEADER and len(table) == 14
    assert table[0].count("measurement_id") == 1 and table[1][0] == table[13][0]
    second = dict(zip(table[0], table[2]))
    assert second["kind"] == "train" and second["new_tokens"] == "" and float(second["mfu"]) == pytest.approx(0.2035094377)


def test_append_refuses_a_foreign_csv(tmp_path):
    out = tmp_path / "other.csv"
    out.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="refusing"):
        gm.append_rows(out, [gm.make_row(kind="matmul")])


def test_make_row_fills_every_column_and_refuses_unknown_ones():
    row = gm.make_row(kind="train", mfu=0.5)
    assert tuple(row) == gm.CSV_HEADER and row["kind"] == "train" and row["batch"] is None
    with pytest.raises(KeyError, match="mfu_6N_only"):
        gm.make_row(mfu_6N_only=0.1)


def test_datasheets():
    assert gm.datasheet_for("NVIDIA H100 80GB HBM3") == gm.Datasheet(989.4, 3.35)
    assert gm.datasheet_for("NVIDIA H100 PCIe") == gm.Datasheet(756.0, 2.0)
    assert gm.datasheet_for("NVIDIA A100-SXM4-80GB") == gm.Datasheet(312.0, 2.039)
    assert gm.datasheet_for("Some Future GPU") is None


# --- the standard-library half needs no torch ------------------------------------------------------------------
NO_TORCH = "import sys; sys.modules['torch'] = None  # as if torch were not installed\n"


def _python(code: str) -> subprocess.CompletedProcess:
    """``python -c code`` in a fresh interpreter from the repository root."""
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_formulas_rows_and_jsonl_import_without_torch():
    done = _python(NO_TORCH + textwrap.dedent("""
        import importlib
        from tools import gpu_measure as gm
        from tools.gpu_measure import cli, formulas, jsonl, rows
        assert len(gm.rows_from_jsonl()) == 12
        assert gm.llama_param_counts(gm.CONFIGS["1.1B"]) == (953_223_168, 887_687_168)
        for name in ("bench", "model"):
            try:
                importlib.import_module(f"tools.gpu_measure.{name}")
            except ImportError:
                continue
            raise SystemExit(f"tools.gpu_measure.{name} imported without torch")
        print("ok")
    """))
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_importing_the_formulas_does_not_import_torch():
    """Even where torch is installed, ``from tools import gpu_measure`` (and its CLI module) leave it alone."""
    done = _python("import sys\nfrom tools import gpu_measure\nimport tools.gpu_measure.cli\n"
                   "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))")
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr


def test_measuring_without_torch_says_what_to_install():
    done = _python(NO_TORCH + "import runpy\nsys.argv = ['gpu_measure', '--device', 'cpu', '--tiny']\n"
                   "runpy.run_module('tools.gpu_measure', run_name='__main__')")
    assert done.returncode == 2, done.stderr
    assert "measuring needs torch" in done.stderr and "make gpu" in done.stderr
    assert "Traceback" not in done.stderr


# --- parameter counts ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(README_PARAMS))
def test_config_parameter_counts_match_the_readme_exactly(name):
    assert gm.llama_param_counts(gm.CONFIGS[name]) == README_PARAMS[name]   # tolerance 0: exact


@needs_jsonl
def test_readme_params_are_the_files():
    assert {r["model"]: (r["params"], r["params_nonembed"]) for r in jsonl_records()
            if r["kind"] == "train"} == README_PARAMS


@needs_torch
@pytest.mark.parametrize("cfg", [*gm.CONFIGS.values(), gm.TINY], ids=lambda c: c.name)
def test_built_models_have_the_formulas_counts(cfg):
    model = gmodel.build_model(cfg, "meta", torch.bfloat16, max_positions=16)   # shapes only, no memory
    assert gmodel.model_param_counts(model) == gm.llama_param_counts(cfg)


# --- the model's paths agree --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_model():
    model = gmodel.build_model(gm.TINY, "cpu", torch.float32, max_positions=40)
    return model.eval()


@needs_torch
def test_cached_forward_matches_training_forward(tiny_model):
    tokens = torch.randint(0, gm.TINY.vocab, (2, 12), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        full = tiny_model(tokens)
        logits, past = tiny_model.forward_dynamic(tokens[:, :8], None)
        for t in range(8, 12):
            step, past = tiny_model.forward_dynamic(tokens[:, t:t + 1], past)
            torch.testing.assert_close(step[:, 0], full[:, t], rtol=1e-4, atol=1e-4)
        torch.testing.assert_close(logits, full[:, :8])
        tiny_model.setup_static_cache(2, 12)
        torch.testing.assert_close(tiny_model.forward_static(tokens[:, :8], torch.arange(8)), full[:, :8])
        for t in range(8, 12):
            step = tiny_model.forward_static(tokens[:, t:t + 1], torch.tensor([t]))
            torch.testing.assert_close(step[:, 0], full[:, t], rtol=1e-4, atol=1e-4)
        tiny_model.drop_static_cache()


def _generate(model, path: str, compile_model: bool = False, backend: str = "inductor"):
    """Greedy tokens of the tiny model for a fixed prompt, by one path."""
    prompt = torch.randint(0, gm.TINY.vocab, (2, 16), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        if path == "eager":
            return bench.eager_generation(model, prompt, 6).generate()
        torch._dynamo.reset()
        model.setup_static_cache(2, 22)
        try:
            return bench.tuned_generation(model, prompt, 6, compile_model, backend).generate()
        finally:
            model.drop_static_cache()


@needs_torch
def test_eager_and_tuned_paths_generate_the_same_tokens(tiny_model):
    eager = _generate(tiny_model, "eager")
    assert eager.shape == (2, 6)
    assert torch.equal(_generate(tiny_model, "tuned"), eager)
    assert torch.equal(_generate(tiny_model, "tuned", compile_model=True, backend="aot_eager"), eager)


@needs_torch
@pytest.mark.skipif(not os.environ.get("GPU_MEASURE_INDUCTOR"), reason="inductor on CPU is slow; set GPU_MEASURE_INDUCTOR=1")
def test_inductor_tuned_path_generates_the_same_tokens(tiny_model):
    assert torch.equal(_generate(tiny_model, "tuned", compile_model=True), _generate(tiny_model, "eager"))


# --- end to end on the CPU ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cpu_run(tmp_path_factory) -> tuple[list[str], list[dict[str, str]]]:
    """``python -m tools.gpu_measure --device cpu --tiny`` on both paths (no compile) into a fresh CSV."""
    out = tmp_path_factory.mktemp("gpu") / "measurements.csv"
    cmd = [sys.executable, "-m", "tools.gpu_measure", "--device", "cpu", "--tiny", "--paths", "eager,tuned",
           "--no-compile", "--repeats", "1", "--out", str(out)]
    env = {**os.environ, "OMP_NUM_THREADS": "2"}
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    with out.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@needs_torch
def test_cpu_run_header_and_rows(cpu_run):
    header, rows = cpu_run
    assert tuple(header) == gm.CSV_HEADER
    batches = gm.CPU_SHAPES.infer_batches
    expected = ([("eager", "matmul", "")] + [(p, "train", "") for p in ("eager", "tuned")]
                + [(p, k, str(b)) for p in ("eager", "tuned") for b in batches for k in ("prefill", "decode")])
    assert [(r["path"], r["kind"], r["batch"] if r["kind"] in ("prefill", "decode") else "") for r in rows] == expected
    assert len({r["measurement_id"] for r in rows}) == len(rows)


@needs_torch
def test_cpu_run_measures_the_cpu_honestly(cpu_run):
    _, rows = cpu_run
    for r in rows:
        assert r["kind"] in gm.KINDS and r["path"] in gm.PATHS
        assert float(r["tokens_per_s"] or 0) > 0 or float(r["achieved_tflops"]) > 0
        assert r["peak_basis"] == "measured_matmul" and r["device"].startswith("CPU ")
        assert r["driver"] == "" and r["torch_version"] == torch.__version__
        assert r["source_id"] == "measured_run" and r["source_section"].startswith("tools.gpu_measure run on CPU")
        assert float(r["peak_tflops"]) > 0 and float(r["mem_bandwidth_tb_s"]) > 0
        assert 0 < float(r["mfu"]) and math.isfinite(float(r["mfu"]))
    matmul = rows[0]
    assert 0 < float(matmul["mfu"]) <= 1 + 1e-12          # mean over repetitions ÷ best repetition
    params, nonembed = gm.llama_param_counts(gm.TINY)
    for r in rows[1:]:
        assert (int(r["params"]), int(r["params_nonembed"]), r["model"]) == (params, nonembed, "tiny")
        tps = float(r["tokens_per_s"])
        if r["kind"] == "train":
            assert float(r["mfu"]) == pytest.approx(gm.train_mfu(nonembed, 2, gm.CPU_SHAPES.train_seq, 64, tps,
                                                                  float(r["peak_tflops"])))
            assert float(r["mfu_6n_only"]) < float(r["mfu"])
        else:
            assert float(r["mfu"]) == pytest.approx(gm.inference_mfu(nonembed, tps, float(r["peak_tflops"])))
        if r["kind"] == "decode":
            roof = gm.decode_roofline(params, 4, 2, int(r["batch"]), gm.CPU_SHAPES.prompt_tokens,
                                      gm.CPU_SHAPES.new_tokens, 64, float(r["mem_bandwidth_tb_s"]))
            assert float(r["decode_roofline_tokens_per_s"]) == pytest.approx(roof)
            assert float(r["decode_roofline_frac"]) == pytest.approx(tps / roof)
        else:
            assert r["decode_roofline_tokens_per_s"] == "" and r["decode_roofline_frac"] == ""


@needs_torch
def test_bad_options_are_refused():
    with pytest.raises(SystemExit):
        cli.parse_args(["--paths", "eager,fast"])
    with pytest.raises(SystemExit):
        cli.parse_args(["--repeats", "0"])
    args = cli.parse_args(["--device", "cpu", "--paths", "tuned", "--kinds", "train"])
    assert args.paths == ("tuned",) and args.kinds == ("train",) and args.compile_model


@needs_torch
@pytest.mark.skipif(torch is None or not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_run_of_the_tiny_model(tmp_path):
    out = tmp_path / "cuda.csv"
    assert cli.main(["--device", "cuda", "--tiny", "--repeats", "1", "--out", str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    name = torch.cuda.get_device_name()
    assert {r["path"] for r in rows} == {"eager", "tuned"} and {r["kind"] for r in rows} == set(gm.KINDS)
    assert all(r["device"] == name for r in rows)
    assert {r["peak_basis"] for r in rows} == {"datasheet" if gm.datasheet_for(name) else "measured_matmul"}
    assert all(float(r["tokens_per_s"] or r["achieved_tflops"]) > 0 for r in rows)


@needs_torch
def test_cpu_run_rows_hold_to_the_books_schema(cpu_run):
    """Rows the program appends must load like every other table (same schema, registered source)."""
    from helpers import data

    header, rows = cpu_run
    schema = data.resource("gpu_measurements")["schema"]
    raw = [header] + [[r[h] for h in header] for r in rows]
    records = data.validate_rows("gpu_measurements", raw, schema, "measurements.csv")
    assert {r["source_id"] for r in records} == {"measured_run"}
    assert all(r["mfu"] <= 1 for r in data.load("gpu_measurements").to_dict("records")
               if r["peak_basis"] == "datasheet" and r["mfu"] == r["mfu"])
    assert "measured_run" in set(data.load("sources")["source_id"])


def test_committed_measurements_are_the_jsonl_rows():
    """data/gpu_measurements.csv holds exactly what rows_from_jsonl reads from the shared measurements."""
    from helpers import data

    if not gm.H100_JSONL.exists():
        pytest.fail(f"{gm.H100_JSONL} is missing")
    committed = data.load("gpu_measurements").set_index("measurement_id")
    for row in gm.rows_from_jsonl(gm.H100_JSONL):
        got = committed.loc[row["measurement_id"]]
        for key in ("kind", "batch", "tokens_per_s", "mfu", "decode_roofline_frac"):
            if isinstance(row[key], str):
                assert got[key] == row[key], (row["measurement_id"], key)
            elif row[key] is not None:
                assert got[key] == pytest.approx(row[key], rel=1e-12), (row["measurement_id"], key)
