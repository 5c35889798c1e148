"""The command line with one step made slow, for tests that signal the build during that step.

``python -c "import slow_steps; slow_steps.main()" build ...`` runs ``xtdpublish`` as its
console script does (signal handlers, ``os._exit``), except that when the step named by
``XTD_SLOW_STEP`` is reached it creates the file ``XTD_SLOW_MARKER`` and waits there:

- ``read``: while a note is being parsed;
- any output file name (``guide.pdf``, ``guide.epub``, ``feed.json``...): inside its atomic
  write, its temporary file written but not yet moved into place (in the PDF's worker process
  for ``guide.pdf``, when the PDF is built beside other formats).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

WAIT = 120  # seconds: longer than any test waits for the signal to arrive


def _arrived() -> None:
    Path(os.environ["XTD_SLOW_MARKER"]).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(WAIT)


def main() -> None:
    step = os.environ["XTD_SLOW_STEP"]
    from xtdpublish import atomic

    if step == "read":
        from xtdpublish.vault import reader

        real_parse = reader.parse_markdown

        def parse_markdown(*args, **kwargs):
            _arrived()
            return real_parse(*args, **kwargs)

        reader.parse_markdown = parse_markdown
    else:
        real_write = atomic.write_with

        def write_with(path, produce):
            def slowly(tmp):
                produce(tmp)
                if Path(path).name == step:
                    _arrived()

            return real_write(path, slowly)

        atomic.write_with = write_with  # before the renderers import it
    from xtdpublish.cli import main as cli

    sys.argv[0] = "xtdpublish"
    cli()


if __name__ == "__main__":
    main()
