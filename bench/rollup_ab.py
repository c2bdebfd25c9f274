"""The rebuild ratio for two versions of the rollup code, timed in alternation on one history.

    python bench/rollup_ab.py [--build N] [--rounds 6] [--check] OTHER_TREE

bench/rollup.py wipes and regenerates its database for every size, and times one version of the code.
Here the history is generated once (``--build 1M``, exactly as bench/rollup.py generates it) in
DATABASE_URL's database, and one warm process per tree (this one and OTHER_TREE, e.g. a checkout of
the code before a change) serves rebuilds, round-robin with the baseline: per round, the same-grain
GROUP BY (bench/rollup.py's RAW_GROUP_BY, counted in the server) and a full rebuild by each tree, in
an order that alternates from round to round, so every figure is taken under the load of the ones it
is compared with. Prints per round and as medians (with the spread): wall and CPU seconds (server
processes of every connection + Python) and each tree's rebuild / GROUP BY ratios, and the load
average.

``--check``: before timing, a rebuild by OTHER_TREE is kept aside and a rebuild by this tree compared
with it row for row (EXCEPT ALL both ways, every rebuilt table, primary keys left out; PromptResponse
by its prompt's content), and both with no scratch schema left behind.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rollup import parse_n  # bench/ sibling module; it sets up Django's environment

HERE = Path(__file__).resolve().parent
THIS_TREE = HERE.parent


def serve() -> None:
    """Worker: for each command on stdin ('groupby', 'rebuild', 'keep', 'compare'), one line of figures."""
    sys.path.insert(0, os.environ["BENCH_TREE"])  # that tree's code, ahead of this one's (bench/rollup.py's)
    from rollup import count_aside_cpu, raw_group_by, setup, timed_cpu

    setup()
    count_aside_cpu()
    from metrics.rollup import rollup_run

    for command in sys.stdin:
        command = command.strip()
        if command == "groupby":
            wall, cpu, _ = raw_group_by(fetch=False)
            print(f"{wall} {cpu}", flush=True)
        elif command == "rebuild":
            wall, cpu = timed_cpu(lambda: rollup_run(rebuild=True))
            print(f"{wall} {cpu}", flush=True)
        elif command == "keep":
            print(keep(), flush=True)
        elif command == "compare":
            print(compare(), flush=True)


def _tables() -> list[tuple[str, list[str]]]:
    from metrics.models import PromptResponse
    from metrics.rollup import ROLLUP_MODELS

    return [
        (m._meta.db_table, [f.column for f in m._meta.concrete_fields if not f.primary_key])
        for m in (*ROLLUP_MODELS, PromptResponse)
    ]


def keep() -> str:
    """A copy of every rebuilt table in schema rollup_ab_kept."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS rollup_ab_kept CASCADE")
        cursor.execute("CREATE SCHEMA rollup_ab_kept")
        for table, _ in _tables():
            cursor.execute(f"CREATE TABLE rollup_ab_kept.{table} AS TABLE public.{table}")
    return "kept"


def _content(schema: str, table: str, columns: list[str]) -> str:
    """A table's rows by content: PromptResponse's prompt by the prompt's own columns, not its id."""
    from metrics.models import PromptResponse, PromptRollup

    if table != PromptResponse._meta.db_table:
        return f"SELECT {', '.join(columns)} FROM {schema}.{table}"  # noqa: S608
    prompt = [f.column for f in PromptRollup._meta.concrete_fields if not f.primary_key]
    own = [c for c in columns if c != "prompt_id"]
    return (
        f"SELECT {', '.join(f'p.{c}' for c in prompt)}, {', '.join(f'r.{c}' for c in own)} "  # noqa: S608
        f"FROM {schema}.{table} r JOIN {schema}.{PromptRollup._meta.db_table} p ON p.id = r.prompt_id"
    )


def compare() -> str:
    """Rows in one of the kept and the current tables and not the other (EXCEPT ALL both ways), per table."""
    from django.db import connection

    report = []
    with connection.cursor() as cursor:
        for table, columns in _tables():
            now, kept = _content("public", table, columns), _content("rollup_ab_kept", table, columns)
            cursor.execute(f"SELECT count(*) FROM ({now} EXCEPT ALL {kept}) d")  # noqa: S608
            extra = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM ({kept} EXCEPT ALL {now}) d")  # noqa: S608
            missing = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM public.{table}")  # noqa: S608
            rows = cursor.fetchone()[0]
            report.append(f"{table}:{rows}:{extra}:{missing}")
        cursor.execute("SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname LIKE 'metrics_rollup%%'")
        report.append(f"schemas:{cursor.fetchone()[0] or ''}")
    return " ".join(report)


class Worker:
    def __init__(self, tree: Path) -> None:
        self.tree = tree
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve"],
            env={**os.environ, "BENCH_TREE": str(tree)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, command: str) -> str:
        stdin, stdout = self.process.stdin, self.process.stdout
        if stdin is None or stdout is None:
            raise RuntimeError("worker without pipes")
        stdin.write(command + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            sys.exit(f"worker for {self.tree} stopped")
        return line.strip()

    def figures(self, command: str) -> tuple[float, float]:
        wall, cpu = self.ask(command).split()
        return float(wall), float(cpu)

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


def check(new: Worker, old: Worker) -> bool:
    old.figures("rebuild")
    print("old tree's rebuild kept:", old.ask("keep"))
    new.figures("rebuild")
    exact = True
    for item in new.ask("compare").split():
        print("  ", item)
        if item.startswith("schemas:"):
            exact &= item == "schemas:"
        else:
            _, _, extra, missing = item.split(":")
            exact &= extra == missing == "0"
    print("this tree's rebuild equals the old tree's row for row:", exact)
    return exact


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--build")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("other", nargs="?")
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    if args.build:
        from rollup import history, setup

        setup()
        history(parse_n(args.build))
    if not args.other:
        return
    new, old = Worker(THIS_TREE), Worker(Path(args.other).resolve())
    try:
        if args.check and not check(new, old):
            sys.exit(1)
        for worker in (new, old):  # warm: caches, plans, the first rebuild's schema clean-up
            worker.figures("rebuild")
        rows: dict[str, list[float]] = {k: [] for k in ("gb", "gb_cpu", "new", "new_cpu", "old", "old_cpu")}
        ratios: dict[str, list[float]] = {k: [] for k in ("new", "new_cpu", "old", "old_cpu")}
        print(
            f"{'round':>5} {'GROUP BY':>9} {'new':>7} {'old':>7} {'new/GB':>7} {'old/GB':>7}  CPU: new/GB old/GB load"
        )
        for r in range(args.rounds):
            gb, gb_cpu = new.figures("groupby")
            order = [("new", new), ("old", old)] if r % 2 == 0 else [("old", old), ("new", new)]
            got = {}
            for name, worker in order:
                got[name] = worker.figures("rebuild")
            for name in ("new", "old"):
                wall, cpu = got[name]
                rows[name].append(wall)
                rows[f"{name}_cpu"].append(cpu)
                ratios[name].append(wall / gb)
                ratios[f"{name}_cpu"].append(cpu / gb_cpu)
            rows["gb"].append(gb)
            rows["gb_cpu"].append(gb_cpu)
            load = os.getloadavg()[0]
            print(
                f"{r + 1:>5} {gb:>8.3f}s {got['new'][0]:>6.3f}s {got['old'][0]:>6.3f}s {ratios['new'][-1]:>7.2f}"
                f" {ratios['old'][-1]:>7.2f}  {ratios['new_cpu'][-1]:>8.2f} {ratios['old_cpu'][-1]:>6.2f}  {load:.2f}",
                flush=True,
            )
        print("medians (min-max):")
        print(f"  GROUP BY wall {spread(rows['gb'])} s, CPU {spread(rows['gb_cpu'])} s")
        for name in ("new", "old"):
            print(
                f"  {name} rebuild wall {spread(rows[name])} s, CPU {spread(rows[name + '_cpu'])} s;"
                f" ratio wall {spread(ratios[name])}, CPU {spread(ratios[name + '_cpu'])}"
            )
        paired = [n / o for n, o in zip(rows["new"], rows["old"], strict=True)]
        paired_cpu = [n / o for n, o in zip(rows["new_cpu"], rows["old_cpu"], strict=True)]
        faster = sum(p < 1 for p in paired)
        print(
            f"  new / old in the same round: wall {spread(paired)}, CPU {spread(paired_cpu)};"
            f" new faster in {faster} of {len(paired)} rounds"
        )
        print(f"  load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        new.stop()
        old.stop()


if __name__ == "__main__":
    main()
