"""Training with the page recorded against training without it, eager and compiled; and writing the page.

Issue 19's bounds: recording costs at most 2x the training time, and writing
the page for 1,000 epochs takes under a second. Moons (100 samples) on a
2-16-16-1 tanh/tanh/sigmoid network, full batch, lr 0.1. Each round runs the
two variants back to back, alternating which goes first; a ratio is taken
inside a round and the median over rounds is reported.

    .venv/bin/python benchmarks/recording.py            # 5 rounds, about a minute
    .venv/bin/python benchmarks/recording.py --rounds 2
"""

from __future__ import annotations

import argparse
import statistics
import time

from nn import MLP, SGD, fit, moons, training_html

DATA = moons(100, seed=0)
# eager trains one sample at a time through Values: fewer epochs keep a round short
EPOCHS = {"eager": 100, "compiled": 1000}


def train(compile: bool, epochs: int, record: bool) -> tuple[float, object]:
    net = MLP(2, [16, 16, 1], activation=["tanh", "tanh", "sigmoid"], seed=0)
    start = time.perf_counter()
    history = fit(
        net, DATA, "squared_error", SGD(net.parameters(), lr=0.1), epochs=epochs, quiet=True,
        compile=compile, record=record,
    )  # fmt: skip
    return time.perf_counter() - start, history.record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    for mode, epochs in EPOCHS.items():
        compile = mode == "compiled"
        train(compile, 2, True)  # warm-up: imports, the first trace
        plain, recorded, ratios = [], [], []
        for r in range(rounds):
            order = (False, True) if r % 2 == 0 else (True, False)
            times = {rec: train(compile, epochs, rec)[0] for rec in order}
            plain.append(times[False])
            recorded.append(times[True])
            ratios.append(times[True] / times[False])
        print(
            f"{mode:8} {epochs:5} epochs: without the record {statistics.median(plain):.3f} s, "
            f"with it {statistics.median(recorded):.3f} s; ratio {statistics.median(ratios):.3f} "
            f"(lowest {min(ratios):.3f}, highest {max(ratios):.3f}; bound 2)"
        )
    _, record = train(True, 1000, True)
    writes = []
    for _ in range(rounds):
        start = time.perf_counter()
        page = training_html(record)
        writes.append(time.perf_counter() - start)
    print(
        f"the page for 1,000 epochs ({len(record.kept_epochs)} kept, every {record.every}): "
        f"{len(page.encode()) / 1e6:.2f} MB, made in {statistics.median(writes) * 1000:.0f} ms (bound 1 s, 3 MB)"
    )


if __name__ == "__main__":
    main()
