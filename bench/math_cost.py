"""What typesetting math costs, per distinct formula: MathML (EPUB, feeds) and the PDF's drawing,
with ziamath's speed patch and without, in CPU seconds (the machine is shared: wall time lies).

    .venv/bin/python bench/math_cost.py [NOTES]   # a synthetic course of NOTES notes (700), math on
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

from synthetic import make_vault

from xtdpublish.render import math
from xtdpublish.render.pdf import formulas, ziamath_speed

HERE = Path(__file__).resolve().parent
COURSE = HERE.parent / "tests" / "formulas.txt"
DISPLAY = re.compile(r"^\$\$\n(.*?)\n\$\$$", re.S | re.M)
INLINE = re.compile(r"(?<![$\\])\$([^\s$](?:[^$]*?[^\s$\\])?)\$(?!\d)")


def vault_formulas(root: Path) -> list[tuple[str, bool]]:
    found = []
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found += [(tex, True) for tex in DISPLAY.findall(text)]
        found += [(tex, False) for tex in INLINE.findall(DISPLAY.sub("", text))]
    return found


def cpu(step, items) -> float:
    start = time.process_time()
    for tex, display in items:
        try:
            step(tex, display)
        except math.MathError:
            pass
    return time.process_time() - start


def measure(label: str, items: list[tuple[str, bool]]) -> None:
    distinct = sorted(set(items))
    math._cache.clear()
    mathml = cpu(math.mathml, distinct)
    formulas._drawing.cache_clear()
    patched = cpu(formulas._drawing, distinct)
    formulas._drawing.cache_clear()
    with ziamath_speed.unpatched():
        shipped = cpu(formulas._drawing, distinct)
    n = len(distinct)
    print(f"{label}: {len(items)} formulas, {n} distinct")
    print(f"  MathML            {mathml:7.2f} s  {mathml / n * 1000:6.1f} ms a formula")
    print(f"  drawing, patched  {patched:7.2f} s  {patched / n * 1000:6.1f} ms a formula")
    print(f"  drawing, shipped  {shipped:7.2f} s  {shipped / n * 1000:6.1f} ms a formula"
          f"  (patched / shipped {patched / shipped:.2f})")


def main() -> int:
    notes = int(sys.argv[1]) if len(sys.argv) > 1 else 700
    course = [line for line in COURSE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("%")]
    measure("tests/formulas.txt, inline and displayed", [(tex, d) for tex in course for d in (False, True)])
    with tempfile.TemporaryDirectory(prefix="xtd-math-") as tmp:
        vault = make_vault(Path(tmp) / "course", notes, math=True)
        measure(f"synthetic course of {notes} notes", vault_formulas(vault))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
