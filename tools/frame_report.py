"""Report, and enforce, the drawing budget of every interactive figure in the book.

`make test` runs the notebooks with CNNLIB_FRAME_LOG pointing at a file; every
call of cnnlib.widgets.interactive_figure appends one line to it: the figure,
its number of frames, the wall-clock and CPU seconds spent drawing them, and
their total size. The budget is 2 s per figure on the course's reference
machine (2 cores). It is enforced on CPU time, which does not depend on what
else the machine runs at the same moment (the notebooks run two at a time);
wall time is shown beside it. Exits 1 when a figure is over budget.
"""

import sys
from pathlib import Path

BUDGET_S = 2.0


def main(path: str) -> int:
    log = Path(path)
    if not log.exists():
        print(f"no frame log at {log}: were the notebooks run?")
        return 1
    # Only the course's figures: the unit tests and doctests draw small throwaway ones too.
    rows = [line.split("\t") for line in log.read_text().splitlines()
            if line.startswith("cnnlib.figures.")]
    print(f"\n{'interactive figure':58} {'frames':>6} {'cpu s':>6} {'wall s':>6} {'kB':>6}")
    over = 0
    for name, count, wall, cpu, size in sorted(rows, key=lambda r: -float(r[3])):
        flag = "  OVER BUDGET" if float(cpu) > BUDGET_S else ""
        over += bool(flag)
        print(f"{name:58} {count:>6} {float(cpu):6.2f} {float(wall):6.2f} {int(size) / 1000:6.0f}{flag}")
    print(f"{len(rows)} interactive figures; slowest {max(float(r[3]) for r in rows):.2f} s CPU "
          f"(budget {BUDGET_S} s); {over} over budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "_build/frame-times.tsv"))
