"""Datasets, generated in code (seeded) or read from CSV.

A dataset is a list of ``(inputs, targets)`` pairs of float lists.

    >>> tutorial_samples()[0]
    ([0.3, 0.5], [1.0, 0.0])
    >>> len(moons(100, seed=0)), moons(100, seed=0)[0][1] in ([0.0], [1.0])
    (100, True)
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

__all__ = ["Dataset", "circles", "load_csv", "moons", "tutorial_samples", "xor", "DATASETS"]

Sample = tuple[list[float], list[float]]
Dataset = list[Sample]


def tutorial_samples() -> Dataset:
    """The tutorial's two training pairs: (0.3, 0.5) → (1, 0) and (0.2, 0.7) → (0, 1)."""
    return [([0.3, 0.5], [1.0, 0.0]), ([0.2, 0.7], [0.0, 1.0])]


def xor() -> Dataset:
    """The four XOR points, target 1 where exactly one input is 1."""
    return [([a, b], [float(int(a) ^ int(b))]) for a in (0.0, 1.0) for b in (0.0, 1.0)]


def moons(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> Dataset:
    """Two interleaving half circles (as scikit-learn's make_moons); targets 0 / 1."""
    rng = random.Random(seed)
    data: Dataset = []
    for i in range(n):
        label = i % 2
        t = math.pi * rng.random()
        if label == 0:
            x, y = math.cos(t), math.sin(t)
        else:
            x, y = 1.0 - math.cos(t), 0.5 - math.sin(t)
        data.append(([x + rng.gauss(0, noise), y + rng.gauss(0, noise)], [float(label)]))
    return data


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0) -> Dataset:
    """A small circle inside a large one; target 1 for the inner circle."""
    rng = random.Random(seed)
    data: Dataset = []
    for i in range(n):
        label = i % 2
        t = 2 * math.pi * rng.random()
        r = factor if label else 1.0
        data.append(
            ([r * math.cos(t) + rng.gauss(0, noise), r * math.sin(t) + rng.gauss(0, noise)], [float(label)])
        )
    return data


DATASETS = {"xor": xor, "moons": moons, "circles": circles, "tutorial": tutorial_samples}


def load_csv(path: str | Path, n_inputs: int) -> Dataset:
    """Rows of numbers: the first ``n_inputs`` columns are inputs, the rest targets.

    A first row that is not numeric is taken as a header. Blank lines and
    lines starting with ``#`` are skipped. Errors name the file and line.
    """
    if n_inputs < 1:
        raise ValueError(f"load_csv: n_inputs must be at least 1, got {n_inputs}")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ValueError(f"{path}: cannot read ({e.strerror})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a text CSV file") from None
    data: Dataset = []
    n_columns: int | None = None
    for line_no, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        try:
            numbers = [float(cell) for cell in row]
        except ValueError:
            if line_no == 1 or (n_columns is None and not data):
                n_columns = len(row)  # a header row
                continue
            bad = next(cell for cell in row if not _is_number(cell))
            raise ValueError(f"{path}, line {line_no}: {bad.strip()!r} is not a number") from None
        if any(not math.isfinite(x) for x in numbers):
            raise ValueError(f"{path}, line {line_no}: every value must be finite, got {row!r}")
        if n_columns is None:
            n_columns = len(numbers)
        if len(numbers) != n_columns:
            raise ValueError(f"{path}, line {line_no}: expected {n_columns} columns, got {len(numbers)}")
        if len(numbers) <= n_inputs:
            raise ValueError(
                f"{path}, line {line_no}: {len(numbers)} columns leave no target after {n_inputs} inputs"
            )
        data.append((numbers[:n_inputs], numbers[n_inputs:]))
    if not data:
        raise ValueError(f"{path}: no data rows (the file is empty or has only a header)")
    return data


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
