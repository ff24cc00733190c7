"""Datasets, generated in code (seeded) or read from CSV.

A dataset is a list of ``(inputs, targets)`` pairs of float lists.

    >>> tutorial_samples()[0]
    ([0.3, 0.5], [1.0, 0.0])
    >>> len(moons(100, seed=0)), moons(100, seed=0)[0][1] in ([0.0], [1.0])
    (100, True)
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import random
import re
from pathlib import Path

from autograd.numeric import is_real_number, shorten

__all__ = ["Dataset", "circles", "load_csv", "moons", "tutorial_samples", "xor", "DATASETS"]

Sample = tuple[list[float], list[float]]
Dataset = list[Sample]


def tutorial_samples() -> Dataset:
    """The tutorial's two training pairs: (0.3, 0.5) → (1, 0) and (0.2, 0.7) → (0, 1)."""
    return [([0.3, 0.5], [1.0, 0.0]), ([0.2, 0.7], [0.0, 1.0])]


def xor() -> Dataset:
    """The four XOR points, target 1 where exactly one input is 1."""
    return [([a, b], [float(int(a) ^ int(b))]) for a in (0.0, 1.0) for b in (0.0, 1.0)]


def _check_shape(name: str, n: object, **sizes: object) -> None:
    """``n`` a count of samples and each of ``sizes`` a finite number ≥ 0, or an error naming the argument."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):  # numpy's ints too
        raise TypeError(f"{name}: n must be a whole number of samples, got {type(n).__name__} {n!r}")
    if n < 0:
        raise ValueError(f"{name}: n must be 0 or more, got {n}")
    for key, value in sizes.items():
        if not is_real_number(value):
            raise TypeError(f"{name}: {key} must be a number, got {type(value).__name__} {value!r}")
        if not math.isfinite(value) or value < 0:  # type: ignore[arg-type]
            raise ValueError(f"{name}: {key} must be a finite number of 0 or more, got {value!r}")


def moons(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> Dataset:
    """Two interleaving half circles (as scikit-learn's make_moons); targets 0 / 1."""
    _check_shape("moons", n, noise=noise)
    rng = random.Random(seed)
    data: Dataset = []
    for i in range(int(n)):
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
    _check_shape("circles", n, noise=noise, factor=factor)
    if not factor < 1:
        raise ValueError(f"circles: factor is the inner circle's radius, under the outer one's 1, got {factor!r}")
    rng = random.Random(seed)
    data: Dataset = []
    for i in range(int(n)):
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

    The first row is a header only if none of its cells is a number; a row
    with some numbers is data, and a cell that is not a number is an error
    (``0.1,O.2,1`` is a typo, not a header). Numbers are plain decimals as
    ``float`` writes them (``1_000`` is refused). A UTF-8 byte order mark is
    skipped. Blank lines and lines starting with ``#`` are skipped. Every
    error is one ValueError naming the file and line.
    """
    if n_inputs < 1:
        raise ValueError(f"load_csv: n_inputs must be at least 1, got {n_inputs}")
    path = Path(path)
    text = _read_text(path)
    data: Dataset = []
    n_columns: int | None = None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1  # a quoted field may run over lines: name where the row began
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:  # a field over csv.field_size_limit(), a stray quote, ...
            where = f"line {start}" if reader.line_num <= start else f"lines {start}-{reader.line_num}"
            raise ValueError(f"{path}, {where}: not a CSV row ({e})") from None
        line_no = reader.line_num
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        numbers = [_number(cell) for cell in row]
        if n_columns is None and not data and all(x is None for x in numbers):
            n_columns = len(row)  # a header: not one of its cells is a number
            continue
        for cell, x in zip(row, numbers, strict=True):
            if x is None:
                raise ValueError(f"{path}, line {line_no}: {shorten(cell.strip(), 40)!r} is not a number")
        values = [x for x in numbers if x is not None]
        if any(not math.isfinite(x) for x in values):
            raise ValueError(f"{path}, line {line_no}: every value must be finite, got {shorten(','.join(row), 40)!r}")
        if n_columns is None:
            n_columns = len(values)
        if len(values) != n_columns:
            raise ValueError(f"{path}, line {line_no}: expected {n_columns} columns, got {len(values)}")
        if len(values) <= n_inputs:
            raise ValueError(
                f"{path}, line {line_no}: {len(values)} columns leave no target after {n_inputs} inputs"
            )
        data.append((values[:n_inputs], values[n_inputs:]))
    if not data:
        raise ValueError(f"{path}: no data rows (the file is empty or has only a header)")
    return data


def _read_text(path: Path) -> str:
    """The file as text, without a UTF-8 byte order mark; errors name the file (and line)."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ValueError(f"{path}: cannot read ({e.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ValueError(f"{path}, line {line}: not UTF-8 text, so not a CSV file") from None


# A plain decimal, as float() and every spreadsheet write it: no `_`, no
# non-ASCII digits, no hex. nan and inf are numbers too (and refused later as not finite).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:nan|inf|infinity)", re.I)


def _number(cell: str) -> float | None:
    """The number in ``cell``, or None if it is not one."""
    text = cell.strip()
    if _NUMBER.fullmatch(text) is None:
        return None
    return float(text)


