"""make bench: how fast xtdpublish is, against the route a user would take instead.

Run by hand (not by CI). Prints a table and writes build/bench.json. Every figure is a
median of several runs (BENCH_RUNS, default 3); ratios are taken side by side: within each
run the two things compared run one right after the other, and the ratio is the median of
the runs' ratios, since these machines are noisy. Memory: ``peak_mib`` is the largest
resident size of any one process of the command (exact, from the kernel); ``tree_mib`` is
the largest total proportional set size of the whole process tree (PSS, so pages a forked
worker shares with its parent count once), sampled every 20 ms or less often, so that
sampling takes at most ~5% of a core.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE = REPO.parent / "shared" / "vaults" / "museumxtd-sample"
BIN = Path(sys.executable).parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# The 10,000-note EPUB and the 1,000-note PDF take minutes a run.
BIG_RUNS = int(os.environ.get("BENCH_BIG_RUNS", str(RUNS)))
# BENCH_SYNTHETIC=0 skips the synthetic vaults (the sample's figures alone take a few minutes);
# BENCH_PDF_ONLY=1 skips the 10,000-note vault (model, feeds, EPUB) and keeps the PDF's lines.
# Children run as an installed tool does: bytecode cached (a venv made by pip has it), and
# one fixed SOURCE_DATE_EPOCH so that every build of the same vault has the same inputs.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["SOURCE_DATE_EPOCH"] = "1700000000"

OUTPUT_NAMES = ["model", "pdf", "epub", "docx", "odt", "json", "rss", "atom"]

sys.path.insert(0, str(HERE))
from synthetic import make_vault  # noqa: E402

# Runs a command and reports: seconds, the largest RSS of any one process (KiB), the largest
# sampled PSS total of the process tree (KiB), the exit code.
MEASURE = r"""
import os, resource, subprocess, sys, time

def tree_pss(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total

t = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
tree = 0
while child.poll() is None:
    # Reading a big process's smaps costs CPU the command needs: spend at most ~5% on it.
    cost = time.perf_counter()
    tree = max(tree, tree_pss(child.pid))
    time.sleep(max(0.02, 20 * (time.perf_counter() - cost)))
t = time.perf_counter() - t
print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, tree, child.returncode)
"""


def run(command: list[str]) -> dict:
    """One run of ``command``: seconds and memory."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *map(str, command)],
                         capture_output=True, text=True, check=True, env=ENV).stdout.split()
    seconds, peak, tree, code = float(out[0]), int(out[1]), int(out[2]), int(out[3])
    if code not in (0, 1):  # 1: the vault has errors, the outputs are written all the same
        raise SystemExit(f"bench: {' '.join(map(str, command))} exited {code}")
    if "build" in command:
        check_built(command)
    return {"seconds": seconds, "peak_kib": peak, "tree_kib": tree}


def check_built(command: list[str]) -> None:
    """A build that lost a format (a renderer's crash is only an error in the report) is not
    a figure: stop rather than time it."""
    out, formats = Path(command[command.index("--out") + 1]), command[command.index("--format") + 1]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    wanted = OUTPUT_NAMES if formats == "all" else formats.split(",")
    lost = [name for name in wanted if not report["outputs"].get(name)]
    crashed = [d["message"] for d in report["diagnostics"] if d["code"].startswith("render.")]
    if lost or crashed or report["config_errors"]:
        raise SystemExit(f"bench: {' '.join(command)} did not write {lost}: "
                         f"{crashed + report['config_errors']}")


def run_all(commands: list[list[str]]) -> dict:
    """The commands one after the other: total seconds, the largest memory of any of them."""
    runs = [run(c) for c in commands]
    return {"seconds": sum(r["seconds"] for r in runs),
            "peak_kib": max(r["peak_kib"] for r in runs),
            "tree_kib": max(r["tree_kib"] for r in runs)}


def summary(runs: list[dict]) -> dict:
    return {
        "seconds": round(statistics.median(r["seconds"] for r in runs), 3),
        "peak_mib": round(max(r["peak_kib"] for r in runs) / 1024, 1),
        "tree_mib": round(max(r["tree_kib"] for r in runs) / 1024, 1),
        "runs": len(runs),
    }


def timed(command: list[str], runs: int = RUNS, before=None) -> dict:
    results = []
    for _ in range(runs):
        if before:
            before()
        results.append(run(command))
    return summary(results)


def xtd(vault: Path, out: Path, formats: str = "all", *extra: str) -> list[str]:
    return [str(BIN / "xtdpublish"), "build", "--vault", str(vault), "--out", str(out),
            "--format", formats, "--quiet", *extra]


def published_notes(vault: Path) -> tuple[list[Path], list[Path]]:
    """The notes xtdpublish publishes from this vault (the naive route gets the same ones),
    and those of them that no feed carries."""
    from xtdpublish.build import check
    from xtdpublish.config import load_config
    from xtdpublish.render.feeds.items import plan_feeds

    config = load_config(vault)
    model = check(vault, config).model
    in_feeds = {note.id for plan in plan_feeds(model, config, "feed.json") for note in plan.notes}
    return ([vault / note.path for note in model.notes],
            [vault / note.path for note in model.notes if note.id not in in_feeds])


def naive_route(notes: list[Path], out: Path, title: str, language: str) -> dict[str, list]:
    """What a user would type instead: pandoc → HTML → weasyprint, and pandoc → EPUB."""
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    meta = ["--metadata", f"title={title}", "--metadata", f"lang={language}"]
    return {
        "pdf": [[pandoc, *notes, "-s", *meta, "-o", out / "naive.html"],
                [BIN / "weasyprint", out / "naive.html", out / "naive.pdf"]],
        "epub": [[pandoc, *notes, *meta, "-o", out / "naive.epub"]],
    }


def bench_sample(work: Path) -> dict:
    vault = work / "sample"
    shutil.copytree(SAMPLE, vault)
    shutil.copyfile(REPO / "tests" / "sample.toml", vault / "xtdpublish.toml")
    notes, in_no_feed = published_notes(vault)
    out, naive_out = work / "out-sample", work / "out-naive"
    naive_out.mkdir()
    naive = naive_route(notes, naive_out, "MuseumXTD", "fr")
    # Side by side: each run is the naive route, then a cold build of the same two formats
    # (like with like), then a cold build of all formats (DOCX and ODT too, which the naive
    # route does not make).
    pairs, same_formats = [], []
    for _ in range(RUNS):
        pdf, epub = run_all(naive["pdf"]), run_all(naive["epub"])
        shutil.rmtree(out, ignore_errors=True)
        same_formats.append(run(xtd(vault, out, "pdf,epub")))
        shutil.rmtree(out, ignore_errors=True)
        cold = run(xtd(vault, out, "all"))
        pairs.append((pdf, epub, cold))
    naive_total = [{"seconds": p["seconds"] + e["seconds"], "peak_kib": max(p["peak_kib"], e["peak_kib"]),
                    "tree_kib": max(p["tree_kib"], e["tree_kib"])} for p, e, _ in pairs]
    results = {
        "sample notes published (and given to the naive route)": len(notes),
        "naive route: pandoc → HTML → weasyprint (PDF)": summary([p for p, _, _ in pairs]),
        "naive route: pandoc → EPUB": summary([e for _, e, _ in pairs]),
        "naive route: PDF + EPUB": summary(naive_total),
        "cold build, PDF + EPUB": summary(same_formats),
        "ratio cold build PDF + EPUB / naive PDF + EPUB": round(statistics.median(
            c["seconds"] / n["seconds"] for c, n in zip(same_formats, naive_total)), 2),
        "cold build, all formats": summary([c for _, _, c in pairs]),
        "ratio cold build / naive PDF + EPUB": round(statistics.median(
            c["seconds"] / n["seconds"] for (_, _, c), n in zip(pairs, naive_total)), 2),
    }
    results["model of the sample (build --format model, cold)"] = timed(
        xtd(vault, work / "out-model", "model", "--force"))
    for kind in ("docx", "odt"):  # the model and the document, the SVGs already converted
        results[f"{kind.upper()} of the sample (build --format {kind} --force)"] = timed(
            xtd(vault, work / "out-office", kind, "--force"))
    results.update(bench_pdf_step(vault, work, "sample"))
    # Incremental: the output folder holds a complete build with these very inputs.
    run(xtd(vault, out, "all"))
    results["no-op rebuild, all formats"] = timed(xtd(vault, out, "all"), runs=max(RUNS, 5))
    counter = iter(range(10_000))
    in_a_feed = next(p for p in notes if "Notes/" in p.as_posix() and p not in in_no_feed)
    for label, note, all_formats in (("one note edited", in_a_feed, ("model,json,rss,atom", "epub", "pdf", "all")),
                                     ("one note in no feed edited", in_no_feed[0], ("model,json,rss,atom",))):
        original = note.read_text(encoding="utf-8")
        edit = lambda: note.write_text(original + f"\nModifié {next(counter)}.\n", encoding="utf-8")  # noqa: E731
        for formats in all_formats:
            run(xtd(vault, out, formats))  # this format's outputs are current before the edit
            results[f"{label}: {formats}"] = timed(xtd(vault, out, formats), before=edit)
        note.write_text(original, encoding="utf-8")
    return results


def bench_pdf_step(vault: Path, work: Path, label: str = "sample") -> dict:
    """The PDF step against WeasyPrint's floor (the same HTML, every page number constant
    text, one layout, WeasyPrint as released), in alternating fresh processes."""
    step = [sys.executable, str(HERE / "pdf_step.py")]
    html = work / f"guide-{label}.html"
    subprocess.run([*step, "html", vault, html], check=True, env=ENV)
    pipeline, alone = [], []
    for _ in range(RUNS if label == "sample" else BIG_RUNS):
        pipeline.append(json.loads(subprocess.run([*step, "pipeline", vault], check=True, env=ENV,
                                                  capture_output=True, text=True).stdout))
        alone.append(json.loads(subprocess.run([*step, "alone", vault, html], check=True, env=ENV,
                                               capture_output=True, text=True).stdout))
    median = lambda runs, key: round(statistics.median(r[key] for r in runs), 3)  # noqa: E731
    return {
        f"{label}: pages": pipeline[0]["pages"],
        f"{label}: weasyprint floor, same HTML, one layout (in-process)": {"seconds": median(alone, "seconds")},
        f"{label}: pdf step, model → guide.pdf (in-process)": {"seconds": median(pipeline, "seconds")},
        f"{label}: ratio pdf step / floor": round(statistics.median(
            p["seconds"] / a["seconds"] for p, a in zip(pipeline, alone)), 3),
        f"{label}: page layouts per page, pdf step / floor": (
            f"{pipeline[0]['laid_out'] / pipeline[0]['pages']:.2f} / {alone[0]['laid_out'] / alone[0]['pages']:.2f}"),
        f"{label}: write_pdf seconds, pdf step / floor": f"{median(pipeline, 'write'):.2f} / {median(alone, 'write'):.2f}",
        f"{label}: how the numbers got in": pipeline[0]["how"],
    }


def bench_big_book(work: Path, notes: int) -> dict:
    """A book of over 2,500 pages builds (one run: it takes minutes)."""
    from synthetic import make_book_vault

    vault = make_book_vault(work / f"book-{notes}", notes)
    out = work / f"out-book-{notes}"
    result = timed(xtd(vault, out, "pdf"), runs=1)
    pages = json.loads((out / "report.json").read_text(encoding="utf-8"))
    info = next((d["message"] for d in pages["diagnostics"] if d["code"] == "pdf.layout"), "")
    return {f"book of {notes} notes: PDF": result, f"book of {notes} notes: layout": info}


def bench_synthetic(work: Path, notes: int, steps: list[tuple[str, str, int]]) -> dict:
    vault = make_vault(work / f"synthetic-{notes}", notes)
    out = work / f"out-{notes}"
    clear = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731
    results = {}
    for label, formats, runs in steps:
        results[f"{notes} notes: {label}"] = timed(xtd(vault, out, formats), runs=runs, before=clear)
    return results


def table(results: dict) -> str:
    width = max(len(k) for k in results)
    lines = []
    for key, value in results.items():
        if isinstance(value, dict):
            parts = [f"{value['seconds']:.3f} s"]
            if "peak_mib" in value:
                parts.append(f"{value['peak_mib']} MiB peak process, {value['tree_mib']} MiB tree")
            value = "  ".join(parts)
        lines.append(f"{key:<{width}}  {value}")
    return "\n".join(lines)


def main() -> int:
    results: dict = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "runs": RUNS,
        # Shared by other engineers: ratios are taken in one run, and the load is said.
        "load average (1, 5, 15 min) at start": " ".join(f"{v:.1f}" for v in os.getloadavg()),
    }
    # Compile the bytecode once, as pip does on install, so no run pays for it.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True)
    with tempfile.TemporaryDirectory(prefix="xtd-bench-") as tmp:
        work = Path(tmp)
        if SAMPLE.is_dir():
            results.update(bench_sample(work))
        else:
            print(f"bench: no sample vault at {SAMPLE}; skipping the sample figures")
        print(table(results), flush=True)
        if os.environ.get("BENCH_SYNTHETIC", "1") != "0":
            if os.environ.get("BENCH_PDF_ONLY") != "1":
                results.update(bench_synthetic(work, 10_000, [
                    ("model", "model", RUNS),
                    ("model + feeds", "model,json,rss,atom", RUNS),
                    ("EPUB", "epub", BIG_RUNS),
                    ("DOCX", "docx", BIG_RUNS),
                    ("ODT", "odt", BIG_RUNS),
                ]))
            results.update(bench_synthetic(work, 1_000, [("PDF", "pdf", BIG_RUNS)]))
            results.update(bench_pdf_step(work / "synthetic-1000", work, "1,000 notes"))
            results.update(bench_big_book(work, 2_100))  # about 2,600 pages (1,800 notes: 2,251)
    results["load average (1, 5, 15 min) at end"] = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(table(results))
    out = REPO / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
