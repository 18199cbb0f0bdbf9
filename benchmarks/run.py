"""Benchmark zibo against its references, as whole processes, and check the targets of issue 13.

    python benchmarks/run.py                   # bundled, 1k, 10k and 100k observations (a few minutes)
    python benchmarks/run.py --sizes bundled,100k,1m
    python benchmarks/run.py --quick           # a tiny dataset, a few runs: checks the script works

Each case is run repeatedly (median, min, max of the wall time; peak memory is the child's maximum
resident set size from wait4, as `/usr/bin/time -v` reports it) and paired, in the same run, with its
reference: the argparse + Rich floor script (benchmarks/floor.py) for start-up, on a pseudo-terminal
(colour, as a user at the prompt sees it) and piped; `ledger balance` on an equivalent journal for
larger files, with no cache and warm. Datasets are generated deterministically (benchmarks/datasets.py)
into benchmarks/out/ (git-ignored); results go to benchmarks/out/results.json. Prints one table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import datasets  # noqa: E402

NOW = "2026-11-27T10:00:00+08:00"
NEXT_DAY = "2026-11-28T08:00:00+08:00"  # the first run of a new day
SIZES = {"tiny": (20, 5), "1k": (100, 10), "10k": (100, 100), "100k": (1_000, 100), "1m": (1_000, 1_000)}
LABELS = {"tiny": "100 obs", "1k": "1k obs", "10k": "10k obs", "100k": "100k obs", "1m": "1M obs"}
INSTALL_LEDGER = "ledger is not installed: `apt-get install ledger` (Debian, Ubuntu) or `brew install ledger` (macOS)."
INSTALL_HYPERFINE = (
    "hyperfine is not installed (optional, to cross-check these timings by hand): "
    "`apt-get install hyperfine` or `cargo install hyperfine`."
)


@dataclass
class Measure:
    name: str
    command: list[str]
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mb(self) -> float:
        return max(self.peak_kb) / 1024


@dataclass
class Target:
    label: str
    case: str
    reference: str
    limit: float | None  # the ratio must be at most this; None: no ratio, just report
    ratio: float | None = None
    met: bool | None = None
    note: str = ""


def zibo_command() -> list[str]:
    script = Path(sys.executable).parent / "zibo"
    return [str(script)] if script.exists() else [sys.executable, "-m", "zibo_cli"]


def compile_zibo() -> None:
    """Write zibo's bytecode first, as an installed package has it.

    An editable install compiles its modules on first use and caches the bytecode, but not under
    PYTHONDONTWRITEBYTECODE: then every timed run would compile every changed module again.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("zibo_cli")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def run_once(command: list[str], env: dict[str, str], cwd: Path, terminal: bool = False) -> tuple[float, int, int]:
    """Wall time, peak RSS (KiB) and exit code of one whole process; with `terminal`, its output goes to a
    pseudo-terminal (Python's `pty`), read as fast as it comes, as a terminal emulator would."""
    reader = None
    if terminal:
        import pty
        import threading

        parent, child = pty.openpty()
        output: int = child

        def drain() -> None:
            with contextlib.suppress(OSError):
                while os.read(parent, 65536):
                    pass

        reader = threading.Thread(target=drain, daemon=True)
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=output if terminal else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if reader is not None:
        os.close(child)
        reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if reader is not None:
        reader.join(timeout=5)
        os.close(parent)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stderr is not None:
        error = process.stderr.read().decode(errors="replace")
        process.stderr.close()
        if process.returncode != 0:
            raise SystemExit(f"benchmark command failed ({process.returncode}): {' '.join(command)}\n{error}")
    peak = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
    return elapsed, peak, process.returncode


def append_by_hand(goals_file: Path, goal_id: str) -> None:
    """What `cat >> goals.toml` or a `git pull` of a colleague's new figure does: a table at the end."""
    with open(goals_file, "a", encoding="utf-8") as handle:
        handle.write(f'\n[[observations]]\ngoal = "{goal_id}"\ndate = 2026-10-31\nvalue = 1234.5\nnote = "by hand"\n')


def correct_a_figure(goals_file: Path, number: list[int]) -> None:
    """What correcting one figure in an editor does: a value in the middle of the file rewritten."""
    raw = goals_file.read_bytes()
    start = raw.index(b"\nvalue = ", len(raw) // 2) + len(b"\nvalue = ")
    end = raw.index(b"\n", start)
    number[0] += 1
    goals_file.write_bytes(raw[:start] + f"{1000 + number[0]}.5".encode() + raw[end:])


def insert_a_table(goals_file: Path, goal_id: str) -> None:
    """A forgotten figure pasted among the others, in the middle of the file: every later line moves."""
    raw = goals_file.read_bytes()
    at = raw.index(b"\n[[observations]]", len(raw) // 2) + 1
    table = f'[[observations]]\ngoal = "{goal_id}"\ndate = 2021-06-30\nvalue = 1234.5\nnote = "pasted"\n\n'
    goals_file.write_bytes(raw[:at] + table.encode() + raw[at:])


@dataclass
class Case:
    name: str
    command: list[str]
    env: dict[str, str]
    terminal: bool = False
    before_each: Callable[[], None] | None = None


def measure_together(cases: list[Case], cwd: Path, runs: int, warmup: int = 1) -> list[Measure]:
    """Each case `runs` times, taking turns. A shared machine speeds up and slows down over a run;
    measured in turns, a case and its reference meet the same moments, so their ratio holds where two
    blocks measured a minute apart could differ by 15% for nothing but the machine. Each turn takes the
    cases in a new order (seeded, so a run can be repeated): this machine pages out memory left unused
    for about a second, and in a fixed order one case met those moments more often than its reference."""
    results = [Measure(case.name, case.command) for case in cases]
    shuffler = random.Random(len(cases) * 1000 + runs)
    for number in range(warmup + runs):
        order = list(zip(cases, results, strict=True))
        shuffler.shuffle(order)
        for case, result in order:
            if case.before_each is not None:
                case.before_each()
            seconds, peak, code = run_once(case.command, case.env, cwd, case.terminal)
            if number >= warmup:
                result.seconds.append(seconds)
                result.peak_kb.append(peak)
                result.exit_codes.append(code)
    return results


def machine() -> dict[str, str | int]:
    model = platform.processor() or "unknown"
    with_cpuinfo = Path("/proc/cpuinfo")
    if with_cpuinfo.exists():
        for line in with_cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = {}
    for tool, flag in (("ledger", "--version"), ("hyperfine", "--version")):
        path = shutil.which(tool)
        if path:
            first = subprocess.run([path, flag], capture_output=True, text=True).stdout.splitlines()
            versions[tool] = first[0] if first else "?"
    from importlib.metadata import version

    return {
        "nproc": os.cpu_count() or 0,
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "zibo": version("zibo-cli"),
        "typer": version("typer"),
        "rich": version("rich"),
        "toml-rs": version("toml-rs"),
        **versions,
    }


def dataset(out: Path, size: str) -> tuple[Path, Path]:
    """The goals file and the ledger journal for a size, generated once and kept in out/."""
    goals, per_goal = SIZES[size]
    toml, journal = out / f"goals-{size}.toml", out / f"goals-{size}.ledger"
    stamp = out / f"goals-{size}.stamp"
    version = f"{goals} {per_goal} {Path(datasets.__file__).stat().st_mtime_ns}"
    if not (toml.exists() and journal.exists() and stamp.exists() and stamp.read_text() == version):
        print(f"generating {size}: {goals:,} goals × {per_goal:,} figures …", file=sys.stderr)
        # In a child process: on Linux a child's peak memory (ru_maxrss) counts its parent's at the
        # fork, so a benchmark process that had held the 1M dataset would inflate every measurement.
        write = (
            "import sys, datasets; from pathlib import Path; goals, per_goal = int(sys.argv[1]), int(sys.argv[2]); "
            "Path(sys.argv[3]).write_text(datasets.goals_toml(goals, per_goal), encoding='utf-8'); "
            "Path(sys.argv[4]).write_text(datasets.ledger_journal(goals, per_goal), encoding='utf-8')"
        )
        command = [sys.executable, "-c", write, str(goals), str(per_goal), str(toml), str(journal)]
        subprocess.run(command, cwd=HERE, check=True)
        stamp.write_text(version)
    return toml, journal


class Bench:
    def __init__(self, out: Path, runs: int, large_runs: int) -> None:
        self.out = out
        self.runs = runs
        # Start-up and `add` take a tenth of a second, and the machine's spread is a larger share of
        # that: three times the runs, for about the time of one 100k group.
        self.short_runs = 3 * runs
        self.large_runs = large_runs
        self.work = Path(tempfile.mkdtemp(prefix="zibo-bench-", dir=out))
        self.cache = self.work / "cache"
        self.measures: dict[str, Measure] = {}
        self.targets: list[Target] = []
        self.zibo = zibo_command()
        self.ledger = shutil.which("ledger")

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "ZIBO_NOW": NOW,
            "COLUMNS": "80",
            "NO_COLOR": "1",
            "TERM": "dumb",
            "XDG_CACHE_HOME": str(self.cache),
            "ZIBO_FILE": "",
        }
        env.pop("ZIBO_NO_CACHE", None)
        env.update(extra)
        return env

    def keep(self, cases: list[Case], cwd: Path, runs: int, warmup: int = 1) -> None:
        """Measure the cases in turns; a reference measured beside several groups keeps every sample."""
        for measure in measure_together(cases, cwd, runs, warmup):
            kept = self.measures.setdefault(measure.name, Measure(measure.name, measure.command))
            kept.seconds += measure.seconds
            kept.peak_kb += measure.peak_kb
            kept.exit_codes += measure.exit_codes
            print(f"  {measure.name:<34} {measure.median:8.3f} s  {measure.peak_mb:7.1f} MB", file=sys.stderr)

    def untimed(self, command: list[str], env: dict[str, str], cwd: Path) -> None:
        run_once(command, env, cwd)

    def drop_cache(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)

    def status_rows(self, goals_file: Path) -> int:
        done = subprocess.run(
            [*self.zibo, "-f", str(goals_file), "status", "--json"], env=self.env(), capture_output=True, check=True
        )
        return len(json.loads(done.stdout)["goals"])

    def terminal_env(self, **extra: str) -> dict[str, str]:
        """A user at the prompt: a colour terminal 80 columns wide."""
        env = self.env(TERM="xterm-256color", **extra)
        env.pop("NO_COLOR", None)
        return env

    def bundled(self) -> None:
        print("bundled dataset", file=sys.stderr)
        folder = self.work / "bundled"
        folder.mkdir()
        goals_file = folder / "goals.toml"
        shutil.copyfile(REPO / "goals.toml", goals_file)
        env, tty = self.env(ZIBO_FILE=str(goals_file)), self.terminal_env(ZIBO_FILE=str(goals_file))
        rows = self.status_rows(goals_file)
        floor = [sys.executable, str(HERE / "floor.py"), "--rows", str(rows)]
        status = [*self.zibo, "status"]
        no_cache = self.env(ZIBO_FILE=str(goals_file), ZIBO_NO_CACHE="1")
        cases = [
            Case("floor (argparse + Rich), piped", floor, env),
            Case("bundled: zibo status, piped", status, env),
            Case("bundled: zibo status, piped, no cache", status, no_cache),
            Case("floor (argparse + Rich), terminal", floor, tty, terminal=True),
            Case("bundled: zibo status, terminal", status, tty, terminal=True),
        ]
        self.keep(cases, folder, self.short_runs, warmup=2)
        self.keep([self.bundled_add()], folder, self.short_runs, warmup=2)
        self.targets += [
            Target("1. status (bundled) on a terminal vs floor", "bundled: zibo status, terminal",
                   "floor (argparse + Rich), terminal", 1.6),
            Target("1. status (bundled) piped vs floor", "bundled: zibo status, piped",
                   "floor (argparse + Rich), piped", 1.6),
            Target("1. (for reference) status (bundled) piped, no cache, vs floor",
                   "bundled: zibo status, piped, no cache", "floor (argparse + Rich), piped", None),
        ]  # fmt: skip

    def bundled_add(self, name: str = "bundled: zibo add") -> Case:
        """`zibo add` on a copy of the bundled file (made on first use): target 4's reference, measured
        in turns with the large file's `add`."""
        goals_file = self.work / "bundled-add" / "goals.toml"
        if not goals_file.exists():
            goals_file.parent.mkdir()
            shutil.copyfile(REPO / "goals.toml", goals_file)
        add = [*self.zibo, "add", "gdp", "5000亿元", "--date", "2025-12-31", "--note", "benchmark"]
        return Case(name, add, self.env(ZIBO_FILE=str(goals_file)))

    def large(self, size: str) -> None:
        toml, journal = dataset(self.out, size)
        goals = SIZES[size][0]
        label = LABELS[size]
        print(label, file=sys.stderr)
        folder = self.work / size
        folder.mkdir()
        goals_file = folder / "goals.toml"
        shutil.copyfile(toml, goals_file)
        env = self.env(ZIBO_FILE=str(goals_file))
        no_cache = self.env(ZIBO_FILE=str(goals_file), ZIBO_NO_CACHE="1")
        runs = self.runs if size != "1m" else self.large_runs
        ledger = f"{label}: ledger balance"
        # ledger is measured in turns beside every group, and keeps all its samples: one reference
        # for the whole run of this size, met at the same moments as each case.
        beside = [Case(ledger, [self.ledger, "-f", str(journal), "balance"], env)] if self.ledger else []
        status = [*self.zibo, "status", "--json"]
        cold = f"{label}: zibo status --json, no cache"
        table_cold = f"{label}: zibo status (table), no cache"
        rows = self.status_rows(goals_file)
        floor = f"{label}: floor, {rows} rows (Rich alone)"
        floor_command = [sys.executable, str(HERE / "floor.py"), "--rows", str(rows)]
        cases = [Case(cold, status, no_cache), Case(table_cold, [*self.zibo, "status"], no_cache)]
        self.keep([*beside, *cases, Case(floor, floor_command, env)], folder, runs)
        self.untimed(status, env, folder)  # the cache filled
        warm = f"{label}: zibo status --json, unchanged"
        new_day = f"{label}: zibo status --json, first run of a new day"
        next_day = self.env(ZIBO_FILE=str(goals_file), ZIBO_NOW=NEXT_DAY)
        self.keep([*beside, Case(warm, status, env), Case(new_day, status, next_day)], folder, runs)
        goal_id = datasets.make_goals(goals, 2026)[1].id
        add = [*self.zibo, "add", goal_id, "1234.5", "--date", "2026-10-31", "--note", "benchmark"]
        added = f"{label}: zibo add"
        bundled_add = f"bundled: zibo add, in turns with {label}"
        add_runs = self.short_runs if size != "1m" else runs
        self.keep([Case(added, add, env), self.bundled_add(bundled_add)], folder, add_runs)
        after_add = f"{label}: zibo status --json after an add"
        self.keep(
            [*beside, Case(after_add, status, env, before_each=lambda: self.untimed(add, env, folder))], folder, runs, 0
        )
        by_hand = f"{label}: zibo status --json after a hand append"
        hand = Case(by_hand, status, env, before_each=lambda: append_by_hand(goals_file, goal_id))
        corrected = f"{label}: zibo status --json after a figure corrected"
        number = [0]
        fix = Case(corrected, status, env, before_each=lambda: correct_a_figure(goals_file, number))
        show = f"{label}: zibo show"
        shown = Case(show, [*self.zibo, "show", datasets.make_goals(goals, 2026)[0].id], env)
        self.keep([*beside, hand, fix, shown], folder, runs, 0)
        reference = ledger if self.ledger else ""
        if size in ("100k", "tiny"):
            self.targets += [
                Target(f"2. status --json ({label}), no cache, vs ledger", cold, reference, 2.0),
                Target(f"2. (for reference) status table ({label}), no cache, vs ledger", table_cold, reference, None),
                Target(f"2. (for reference) floor with {rows} rows vs ledger", floor, reference, None),
                Target(f"3. status --json ({label}), unchanged, vs ledger", warm, reference, 1.0),
                Target(f"3. status --json ({label}) after an add, vs ledger", after_add, reference, 1.0),
                Target(f"3. status --json ({label}), new day, vs ledger", new_day, reference, 1.0),
                Target(f"4. add ({label}) vs add (bundled)", added, bundled_add, 1.5),
            ]
        cases = [cold, warm, by_hand, corrected, show] if size not in ("100k", "tiny") else [by_hand, corrected, show]
        for case in cases:
            self.targets.append(Target(f"5. {case.split(': ')[1]} ({label}) vs ledger", case, reference, None))

    def sizes_of_code(self) -> None:
        store = REPO / "src" / "zibo_cli" / "store"
        lines = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in store.glob("*.py")}
        total = sum(lines.values())
        self.targets += [
            Target("6. src/zibo_cli/store/ lines", "", "", 1500, ratio=float(total), met=total <= 1500),
            Target(
                "6. store/cache.py lines", "", "", 400, ratio=float(lines["cache.py"]), met=lines["cache.py"] <= 400
            ),
        ]

    def judge(self) -> None:
        for target in self.targets:
            case, reference = self.measures.get(target.case), self.measures.get(target.reference)
            if target.label.startswith("6."):
                continue
            if case is None:
                target.note = target.note or "not measured"
                continue
            if target.limit is None:
                target.met = all(code == 0 for code in case.exit_codes)
                if reference is not None:
                    target.ratio = case.median / reference.median
                continue
            if reference is None:
                target.note = "no reference (ledger missing?)"
                continue
            target.ratio = case.median / reference.median
            target.met = target.ratio <= target.limit
            if target.label.startswith("2. status"):
                memory_ok = case.peak_mb <= reference.peak_mb
                target.note = f"peak {case.peak_mb:.0f} MB vs {reference.peak_mb:.0f} MB"
                target.note += "" if memory_ok else " (memory over)"


def table(bench: Bench) -> str:
    from rich.console import Console
    from rich.table import Table

    measures = Table(title="Whole-process times (median of the runs) and peak memory")
    for header in ("case", "median s", "min s", "max s", "peak MB", "runs"):
        measures.add_column(header, justify="left" if header == "case" else "right")
    for m in bench.measures.values():
        spread = (f"{m.median:.3f}", f"{min(m.seconds):.3f}", f"{max(m.seconds):.3f}")
        measures.add_row(m.name, *spread, f"{m.peak_mb:.0f}", str(len(m.seconds)))
    targets = Table(title="Targets (ratios of medians, measured side by side in this run)")
    for header in ("target", "ratio", "limit", "met", "note"):
        targets.add_column(header)
    for t in bench.targets:
        met = "—" if t.met is None else ("yes" if t.met else "NO")
        limit = "—" if t.limit is None else f"≤ {t.limit:g}×"
        if t.label.startswith("6."):
            targets.add_row(t.label, f"{t.ratio:.0f}", f"≤ {t.limit:g}", met, t.note)
            continue
        targets.add_row(t.label, "—" if t.ratio is None else f"{t.ratio:.2f}×", limit, met, t.note)
    console = Console(width=140, no_color=True, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(measures)
    console.print(targets)
    return console.export_text()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="bundled,1k,10k,100k", help="comma-separated: bundled, tiny, 1k, 10k, 100k, 1m"
    )
    parser.add_argument("--runs", type=int, default=10, help="timed runs per case (default 10)")
    parser.add_argument("--large-runs", type=int, default=2, help="timed runs per case for 1m (default 2)")
    parser.add_argument("--quick", action="store_true", help="tiny dataset, 2 runs: only checks the script works")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="datasets and results (default benchmarks/out)")
    options = parser.parse_args(argv)
    if options.quick:
        options.sizes, options.runs, options.large_runs = "bundled,tiny", 2, 1
    sizes = [size.strip().lower() for size in options.sizes.split(",") if size.strip()]
    unknown = [size for size in sizes if size != "bundled" and size not in SIZES]
    if unknown:
        parser.error(f"unknown size(s): {', '.join(unknown)}")
    options.out.mkdir(parents=True, exist_ok=True)
    if not shutil.which("ledger"):
        print(INSTALL_LEDGER + " The large-file cases run without their reference.", file=sys.stderr)
    if not shutil.which("hyperfine"):
        print(INSTALL_HYPERFINE, file=sys.stderr)
    compile_zibo()
    bench = Bench(options.out, options.runs, options.large_runs)
    try:
        if "bundled" in sizes:
            bench.bundled()
        for size in sizes:
            if size != "bundled":
                bench.large(size)
        bench.sizes_of_code()
        bench.judge()
    finally:
        shutil.rmtree(bench.work, ignore_errors=True)
    text = table(bench)
    print(text)
    results = {
        "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "sizes": sizes,
        "measures": [{**asdict(m), "median": m.median, "peak_mb": m.peak_mb} for m in bench.measures.values()],
        "targets": [asdict(t) for t in bench.targets],
    }
    path = options.out / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"results: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
