"""make bench: how fast xtdpublish is, against the route a user would take instead.

Run by hand (not by CI). Prints a table and writes build/bench.json. Every figure is a
median of several runs; ratios are taken side by side within the same run, since these
machines are noisy. Peak memory is the largest resident size of the measured process.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE = REPO.parent / "shared" / "vaults" / "museumxtd-sample"
BIN = Path(sys.executable).parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))

sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))
from synthetic import make_vault  # noqa: E402

# Peak memory of a child: run it under a tiny wrapper that reports RUSAGE_CHILDREN.
MEASURE = (
    "import resource, subprocess, sys, time;"
    "t = time.perf_counter();"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode;"
    "t = time.perf_counter() - t;"
    "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)


def run(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Seconds and peak KiB of one run of ``command``."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], cwd=cwd, capture_output=True, text=True,
        check=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
    ).stdout.split()
    seconds, peak, code = float(out[0]), int(out[1]), int(out[2])
    if code not in (0, 1):
        raise SystemExit(f"bench: {' '.join(map(str, command))} exited {code}")
    return seconds, peak


def median_of(commands: list[list[str]], cwd: Path | None = None, before=None) -> dict:
    """Median seconds of running ``commands`` one after the other, and the peak memory."""
    times, peaks = [], []
    for _ in range(RUNS):
        if before:
            before()
        total, peak = 0.0, 0
        for command in commands:
            seconds, kib = run(command, cwd)
            total += seconds
            peak = max(peak, kib)
        times.append(total)
        peaks.append(peak)
    return {"seconds": round(statistics.median(times), 3), "peak_mib": round(max(peaks) / 1024, 1)}


def xtd(vault: Path, out: Path, formats: str = "all", *extra: str) -> list[str]:
    return [str(BIN / "xtdpublish"), "build", "--vault", str(vault), "--out", str(out),
            "--format", formats, *extra]


def naive_route(vault: Path, out: Path) -> list[list[str]]:
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    notes = sorted(str(p) for p in (vault / "Notes").glob("*.md"))
    return [
        [pandoc, *notes, "-s", "--metadata", "title=Guide", "-o", str(out / "naive.html")],
        [str(BIN / "weasyprint"), str(out / "naive.html"), str(out / "naive.pdf")],
        [pandoc, *notes, "--metadata", "title=Guide", "-o", str(out / "naive.epub")],
    ]


def bench_sample(work: Path) -> dict:
    vault = work / "sample"
    shutil.copytree(SAMPLE, vault)
    shutil.copyfile(REPO / "tests" / "sample.toml", vault / "xtdpublish.toml")
    out = work / "out-sample"
    clear = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731
    out.mkdir()
    results = {}
    results["naive route (pandoc HTML + weasyprint + pandoc EPUB)"] = median_of(
        naive_route(vault, out), before=lambda: None)
    results["xtdpublish cold build, all formats"] = median_of(
        [xtd(vault, out, "all", "--force")], before=clear)
    results["ratio cold / naive"] = round(
        results["xtdpublish cold build, all formats"]["seconds"]
        / results["naive route (pandoc HTML + weasyprint + pandoc EPUB)"]["seconds"], 2)
    results.update(bench_pdf_overhead(vault))
    xtd_all = xtd(vault, out, "all")
    subprocess.run(xtd_all, capture_output=True)
    results["no-op rebuild"] = median_of([xtd_all])
    note = vault / "Notes" / "Comment élaborer une stratégie numérique.md"
    original = note.read_text(encoding="utf-8")
    counter = iter(range(1000))
    edit = lambda: note.write_text(original + f"\nModifié {next(counter)}.\n", encoding="utf-8")  # noqa: E731
    for formats in ("model,json,rss,atom", "epub", "pdf"):
        subprocess.run(xtd(vault, out, formats), capture_output=True)
        results[f"one note edited: {formats}"] = median_of([xtd(vault, out, formats)], before=edit)
    note.write_text(original, encoding="utf-8")
    return results


def bench_pdf_overhead(vault: Path) -> dict:
    """The PDF step against WeasyPrint alone laying out the very same guide HTML."""
    code = (
        "import sys, time; from pathlib import Path;"
        "from xtdpublish.render.pdf import bench_layout;"
        "print(*bench_layout(Path(sys.argv[1])))"
    )
    pipeline, alone = [], []
    for _ in range(RUNS):
        out = subprocess.run([sys.executable, "-c", code, str(vault)], capture_output=True,
                             text=True)
        if out.returncode != 0:
            return {"pdf step vs weasyprint alone": f"not measured: {out.stderr.strip()[-200:]}"}
        total, weasy = map(float, out.stdout.split())
        pipeline.append(total)
        alone.append(weasy)
    return {
        "pdf step (model → guide.pdf)": {"seconds": round(statistics.median(pipeline), 3)},
        "weasyprint alone, same HTML": {"seconds": round(statistics.median(alone), 3)},
        "ratio pdf step / weasyprint alone": round(
            statistics.median(pipeline) / statistics.median(alone), 3),
    }


def bench_synthetic(work: Path, notes: int, formats: str) -> dict:
    vault = make_vault(work / f"synthetic-{notes}", notes)
    out = work / f"out-{notes}"
    results = {}
    for fmt in formats.split(","):
        clear = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731
        results[f"{notes} notes: {fmt}"] = median_of([xtd(vault, out, fmt, "--force")], before=clear)
    return results


def main() -> int:
    results: dict = {"runs": RUNS, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="xtd-bench-") as tmp:
        work = Path(tmp)
        if SAMPLE.is_dir():
            results.update(bench_sample(work))
        else:
            print(f"bench: no sample vault at {SAMPLE}; skipping the sample figures")
        results.update(bench_synthetic(work, 10_000, "model,json,rss,atom,epub"))
        results.update(bench_synthetic(work, 1_000, "pdf"))
    width = max(len(k) for k in results)
    for key, value in results.items():
        if isinstance(value, dict):
            value = "  ".join(f"{v} {k.split('_')[0].replace('seconds', 's').replace('peak', 'MiB peak')}"
                              for k, v in value.items())
        print(f"{key:<{width}}  {value}")
    out = REPO / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
