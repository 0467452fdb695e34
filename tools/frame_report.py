"""Print how long each interactive figure took to draw its frames, and their weight.

`make test` runs the notebooks with CNNLIB_FRAME_LOG pointing at a file; every
call of cnnlib.widgets.interactive_figure appends one line to it. The budget is
2 s per figure on the course's reference machine (2 cores); the per-figure unit
tests enforce it, this report shows the figures as the notebooks drew them.
"""

import sys
from pathlib import Path

BUDGET_S = 2.0


def main(path: str) -> None:
    log = Path(path)
    if not log.exists():
        print(f"no frame log at {log}")
        return
    rows = [line.split("\t") for line in log.read_text().splitlines() if line.strip()]
    print(f"\n{'figure':60} {'frames':>6} {'seconds':>8} {'kB':>7}")
    for name, count, seconds, size in sorted(rows, key=lambda r: -float(r[2])):
        flag = "  over budget" if float(seconds) > BUDGET_S else ""
        print(f"{name:60} {count:>6} {float(seconds):8.2f} {int(size) / 1000:7.0f}{flag}")
    slowest = max(float(r[2]) for r in rows)
    print(f"{len(rows)} interactive figures, slowest {slowest:.2f} s (budget {BUDGET_S} s)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "_build/frame-times.tsv")
