"""Turn the rounds that run.py collected into RESULTS.md: targets, tables, sanity checks."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench import Bench

METHOD = (
    "Each engine runs in its own fresh process; rounds are the outer loop and the engines of a "
    "workload take turns going first. Figures are medians over rounds. A ratio is computed inside "
    "each round (peer / stepgrad: above 1 means stepgrad is faster or smaller), then the median is "
    "taken; the range in brackets is the lowest and highest per-round ratio."
)


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


def value(b: Bench, engine: str, key: str = "value") -> float:
    """Median over rounds of one engine's figure."""
    return _med([r[engine][key] for r in b.rounds])


def ratios(b: Bench, a: str, c: str, key: str = "value") -> list[float]:
    """Per-round a / c."""
    return [r[a][key] / r[c][key] for r in b.rounds]


def fmt(x: float) -> str:
    """Three significant figures, no scientific notation for the sizes seen here."""
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fmt_ratio(rs: list[float]) -> str:
    m = _med(rs)
    if len(rs) == 1:
        return f"{m:.2f}x"
    return f"{m:.2f}x [{min(rs):.2f}–{max(rs):.2f}]"


def write_report(path: Path, benches: list[Bench], info: dict[str, str]) -> None:
    by_key = {b.key: b for b in benches}
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {info['date']}",
        f"- Machine: {info['machine']}",
        f"- Python: {info['python']}",
        f"- Versions: {info['versions']}",
        f"- Rounds: {info['rounds']}; run time {info['run_time']}",
        "",
        METHOD,
        "",
    ]
    lines += _targets(by_key)
    lines += _main_table(benches)
    for section in (_gc, _chains, _memory, _ops, _training, _sanity):
        lines += section(by_key)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _targets(by_key: dict[str, Bench]) -> list[str]:
    rows: list[tuple[str, str, str, bool]] = []

    def ratio_target(key: str, a: str, c: str, goal: float, what: str) -> None:
        if key in by_key:
            m = _med(ratios(by_key[key], a, c))
            rows.append((what, f"{m:.2f}x", f"≥ {goal:g}x", m >= goal))

    ratio_target("demo", "micrograd", "stepgrad", 25, "demo step vs micrograd")
    ratio_target("tutorial", "micrograd", "stepgrad", 8, "tutorial net step vs micrograd")
    for n in ("1e4", "1e5", "1e6"):
        b = by_key.get(f"chain_{n}")
        if b:
            bwd, fwd = value(b, "stepgrad", "backward"), value(b, "stepgrad", "forward")
            per_round = _med([r["stepgrad"]["backward"] / r["stepgrad"]["forward"] for r in b.rounds])
            rows.append((f"chain {n}: backward / forward ns per node", f"{bwd:.0f} / {fwd:.0f} = {per_round:.2f}",
                         "≤ 1", per_round <= 1.0))
    if "chain_1e4" in by_key and "chain_1e6" in by_key:
        for engine, note in (("stepgrad", ""), ("stepgrad-nogc", ", GC off")):
            growth = _cross_round_ratio(by_key["chain_1e6"], by_key["chain_1e4"], engine)
            rows.append((f"chain ns/node at 1e6 / at 1e4{note}", f"{growth:.2f}x", "≤ 1.2x", growth <= 1.2))
    for key, what in (("mem_mixed", "x*c, x+c, tanh chain"), ("mem_muladd", "x*c, x+c chain"),
                      ("mem_mlp", "demo step graph")):
        if key in by_key:
            m = value(by_key[key], "stepgrad")
            rows.append((f"memory, {what}", f"{m:.0f} B/node", "≤ 120 B/node", m <= 120.5))
    ratio_target("ops", "torch", "stepgrad", 20, "scalar ops vs PyTorch (total of 11 ops)")
    ratio_target("train_tutorial", "torch", "stepgrad", 3, "nn.fit tutorial net vs torch.nn, batch 1")
    ratio_target("c_tutorial_grad", "numpy", "compiled", 4, "compiled tutorial net fwd + bwd vs numpy matrix code")
    ratio_target("c_tutorial", "numpy", "compiled", 4, "compiled tutorial net step (with SGD) vs numpy")
    ratio_target("c_demo", "micrograd", "compiled", 200, "compiled demo step vs micrograd")
    ratio_target("c_demo", "micrograd", "stepgrad", 18, "eager demo step vs micrograd (unchanged)")
    full = [f"{net}-full-{n}" for net in ("tutorial", "moons") for n in (100, 1000, 10000)]
    for v in ("tutorial-1", "moons-1", *full):
        ratio_target(f"c_fit-{v}", "torch", "compiled", 1, f"fit(compile=True) vs torch.nn, {v.replace('-', ', ')}")
    for key in ("c_compile_tutorial", "c_compile_moons"):
        if key in by_key:
            b = by_key[key]
            ms, nodes = value(b, "compiled"), b.rounds[0]["compiled"]["nodes"]
            rows.append((f"{b.title} ({nodes} nodes)", f"{ms:.1f} ms (cpu {value(b, 'compiled', 'cpu_ms'):.1f})",
                         "< 50 ms for ~1,000 nodes", ms < 50))
    if not rows:
        return []
    out = ["## Targets", "", "| target | measured | goal | met |", "|---|---:|---|---|"]
    out += [f"| {what} | {m} | {goal} | {'yes' if ok else '**no**'} |" for what, m, goal, ok in rows]
    return [*out, ""]


def _cross_round_ratio(big: Bench, small: Bench, engine: str) -> float:
    """Median of per-round value(big) / value(small): rounds are outermost, so round i of both ran together."""
    n = min(len(big.rounds), len(small.rounds))
    return _med([big.rounds[i][engine]["value"] / small.rounds[i][engine]["value"] for i in range(n)])


def _main_table(benches: list[Bench]) -> list[str]:
    out = [
        "## All figures",
        "",
        "| workload | unit | engine | median | ratio vs it |",
        "|---|---|---|---:|---|",
    ]
    for b in benches:
        unit = b.rounds[0][b.engines[0]]["unit"]
        for e in b.engines:
            shown = [f"{a} / {e}: {fmt_ratio(ratios(b, a, e))}" for a, c in b.ratios if c == e]
            out.append(f"| {b.title} | {unit} | {e} | {fmt(value(b, e))} | {'; '.join(shown)} |")
    return [*out, ""]


def _gc(by_key: dict[str, Bench]) -> list[str]:
    b = by_key.get("demo")
    if not b:
        return []
    out = [
        "## What the cyclic garbage collector costs (demo step)",
        "",
        "GC off: a separate process running the same steps after `gc.disable()`. Time in collector: "
        "measured with `gc.callbacks` inside the GC-on run, and its share of that run's step. "
        "Collections per step by generation (0/1/2).",
        "",
        "| engine | ms/step, GC on | ms/step, GC off | on / off | collector's share of the GC-on step | "
        "time in collector, ms/step | collections per step | graph nodes |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for e in ("stepgrad", "micrograd"):
        on, off = value(b, e), value(b, f"{e}-nogc")
        rs = ratios(b, e, f"{e}-nogc")
        gc_ms = value(b, e, "gc_ms_per_step")
        share = _med([r[e]["gc_ms_per_step"] / r[e]["value"] for r in b.rounds])  # same process: robust
        counts = [_med([r[e]["gc_collections_per_step"][g] for r in b.rounds]) for g in range(3)]
        out.append(
            f"| {e} | {fmt(on)} | {fmt(off)} | {fmt_ratio(rs)} | {share:.0%} | {fmt(gc_ms)} | "
            f"{' / '.join(f'{c:.0f}' for c in counts)} | {b.rounds[0][e]['nodes']:,} |"
        )
    return [*out, ""]


def _chains(by_key: dict[str, Bench]) -> list[str]:
    rows = [(n, by_key[f"chain_{n}"]) for n in ("1e4", "1e5", "1e6") if f"chain_{n}" in by_key]
    if not rows:
        return []
    out = [
        "## Chains (stepgrad), ns per node",
        "",
        "y = tanh(y * c1 + c2) repeated; micrograd cannot run them (its recursive sort stops near "
        "1,000 nodes). Freeing: the time for reference counting to free the chain.",
        "",
        "| nodes | forward | backward | free | forward, GC off | backward, GC off | free, GC off |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for n, b in rows:
        cells = [fmt(value(b, e, k)) for e in ("stepgrad", "stepgrad-nogc") for k in ("forward", "backward", "free")]
        out.append(f"| {n} | {' | '.join(cells)} |")
    return [*out, ""]


def _memory(by_key: dict[str, Bench]) -> list[str]:
    rows = [by_key[k] for k in ("mem_mixed", "mem_muladd", "mem_mlp") if k in by_key]
    if not rows:
        return []
    out = [
        "## Memory (tracemalloc), bytes per graph node",
        "",
        "micrograd wraps every number in a leaf Value, so its chains have more nodes than ops; "
        "B/op counts per op applied.",
        "",
        "| graph | stepgrad B/node | micrograd B/node | stepgrad B/op | micrograd B/op | nodes, stepgrad / micrograd |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for b in rows:
        s, m = b.rounds[0]["stepgrad"], b.rounds[0]["micrograd"]
        per_op = f"{fmt(s['bytes_per_op'])} | {fmt(m['bytes_per_op'])}" if "bytes_per_op" in s else " | "
        out.append(f"| {b.title.removeprefix('memory, ')} | {fmt(s['value'])} | {fmt(m['value'])} | {per_op} | "
                   f"{s['nodes']:,} / {m['nodes']:,} |")
    return [*out, ""]


def _ops(by_key: dict[str, Bench]) -> list[str]:
    b = by_key.get("ops")
    if not b:
        return []
    out = [
        "## Scalar ops, ns per op (forward + backward), PyTorch 0-d float64, one thread",
        "",
        "| op | stepgrad | torch | torch / stepgrad |",
        "|---|---:|---:|---|",
    ]
    for op in b.rounds[0]["stepgrad"]["per_op"]:
        ours = [r["stepgrad"]["per_op"][op] for r in b.rounds]
        theirs = [r["torch"]["per_op"][op] for r in b.rounds]
        s, t = _med(ours), _med(theirs)
        rs = [x / y for x, y in zip(theirs, ours, strict=True)]
        out.append(f"| `{op}` | {fmt(s)} | {fmt(t)} | {fmt_ratio(rs)} |")
    return [*out, ""]


def _training(by_key: dict[str, Bench]) -> list[str]:
    rows = [by_key[k] for k in ("train_tutorial", "train_moons") if k in by_key]
    if not rows:
        return []
    out = [
        "## Training at batch size 1, samples per second",
        "",
        "`stepgrad` is `nn.fit` (it disables the cyclic GC while it runs); `stepgrad-loop` is "
        "`nn.MLP` + `nn.SGD` in a plain loop with the GC on; micrograd composes sigmoid and tanh "
        "from `exp`; torch is `torch.nn` + `torch.optim.SGD`, float64, one thread.",
        "",
        "| network | " + " | ".join(rows[0].engines) + " |",
        "|---|" + "---:|" * len(rows[0].engines),
    ]
    for b in rows:
        cells = [f"{value(b, e, 'samples_per_s'):,.0f}" for e in b.engines]
        out.append(f"| {b.title} | {' | '.join(cells)} |")
    return [*out, ""]


def _sanity(by_key: dict[str, Bench]) -> list[str]:
    """The engines computed the same thing: largest relative difference of their losses."""
    checks: list[tuple[str, float]] = []
    if "demo" in by_key:
        b = by_key["demo"]
        worst = max(
            abs(x - y) / abs(y)
            for r in b.rounds
            for e in b.engines[1:]
            for x, y in zip(r[e]["losses"], r["stepgrad"]["losses"], strict=True)
        )
        checks.append(("demo step losses, every step, every engine", worst))
    if "c_demo" in by_key:
        b = by_key["c_demo"]
        worst = max(abs(x - y) / abs(y) for r in b.rounds for e in ("compiled", "micrograd")
                    for x, y in zip(r[e]["losses"], r["stepgrad"]["losses"], strict=True))
        checks.append(("compiled demo step losses, every step, every engine", worst))
    compiled_keys = [(k, "final_C" if k.startswith("c_tutorial") else "final_loss") for k in by_key
                     if k.startswith("c_") and k != "c_demo" and not k.startswith("c_compile")]
    for key, field in (("tutorial", "final_C"), ("train_tutorial", "final_loss"), ("train_moons", "final_loss"),
                       *compiled_keys):
        if key in by_key:
            b = by_key[key]
            ref = "stepgrad" if "stepgrad" in b.engines else b.engines[0]  # the full batches run no eager fit
            worst = max(abs(r[e][field] - r[ref][field]) / abs(r[ref][field])
                        for r in b.rounds for e in b.engines if e != ref)
            checks.append((f"{b.title}: final loss, every engine", worst))
    if not checks:
        return []
    out = [
        "## Sanity: the engines computed the same numbers",
        "",
        "| check | largest relative difference to stepgrad | within 1e-9 |",
        "|---|---:|---|",
    ]
    out += [f"| {what} | {worst:.1e} | {'yes' if worst <= 1e-9 else '**no**'} |" for what, worst in checks]
    return [*out, ""]
