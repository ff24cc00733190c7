"""The `stepgrad` command: `stepgrad demo` (the main job) and `stepgrad train`.

Bad arguments exit with status 2 and one line saying what was wrong, before
any work is done; Ctrl-C exits with status 130 and the line "interrupted".
Every file is written atomically: an interrupted run leaves no partial file.
"""

from __future__ import annotations

import argparse
import errno
import io
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from autograd.files import write_bytes_atomic, write_text_atomic

if TYPE_CHECKING:
    from autograd import Value

    from .data import Sample

__all__ = ["main"]

TUTORIAL_INPUT = (0.3, 0.5)
TUTORIAL_TARGET = (1.0, 0.0)
AGREEMENT = 1e-9
TRAIN_FILES = ("model.json", "loss.png", "history.csv", "training.html")
LOSS = "squared_error"  # what `stepgrad train` minimises; loss.png names it
DEMO_FILES = ("graph.svg", "backward.html")


class UsageError(Exception):
    """A bad argument found after parsing: reported in one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line: what was wrong and where to look."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def _layers(text: str) -> list[int]:
    parts = text.split(",")
    if parts[-1].strip() == "" and len(parts) > 1:  # a trailing comma: 16,16,
        parts.pop()
    try:
        sizes = [int(part) for part in parts]  # an empty part (16,,16) is a size left out: refused
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 16,16, got {text!r}") from None
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"expected positive sizes like 16,16, got {text!r}")
    return sizes


def _positive_float(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not x > 0 or x == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return x


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return n


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stepgrad")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def check_out(out: Path, names: Sequence[str]) -> None:
    """Refuse an ``--out`` folder that could not take ``names``, before any work is done.

    The nearest folder that exists is tried with a real temporary file, so a
    read-only place, a path under /proc or a file in the way is found now,
    not after training. Nothing is created.
    """
    try:
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out: {out} is a file, not a folder")
        for name in names:
            if (out / name).is_dir():
                raise UsageError(f"--out: {out / name} is a folder; it is where {name} would be written")
        existing = out
        while not existing.exists() and existing != existing.parent:
            # a link to nowhere (or a loop) is "not there", yet mkdir cannot make a folder in its place
            if existing.is_symlink():
                target = os.readlink(existing)
                raise UsageError(f"--out: {existing} is a symbolic link to {target}, {_nowhere(existing)}")
            existing = existing.parent
        if not existing.is_dir():
            raise UsageError(f"--out: {existing} is a file, so the folder {out} cannot be made there")
        fd, probe = tempfile.mkstemp(prefix=".stepgrad-check-", dir=existing)
    except OSError as e:
        raise UsageError(f"--out: cannot write into {out} ({e.strerror or e})") from None
    os.close(fd)
    os.unlink(probe)


def _nowhere(link: Path) -> str:
    """Why a symbolic link leads to no folder: a loop, or a target that does not exist."""
    try:
        link.resolve(strict=True)
    except RuntimeError:  # Python 3.11's pathlib reports a loop so
        return "which loops back on itself; remove it or point it at a folder"
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "which loops back on itself; remove it or point it at a folder"
    return "which does not exist; remove the link or make the folder it points to"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stepgrad",
        description="Learn backpropagation with a scalar autograd engine you can read, draw and step through.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="{demo,train}")

    demo = sub.add_parser(
        "demo",
        help="the tutorial's 2-4-3-2 network: C, its 35 gradients checked, graph.svg, network.svg, backward.html",
        description="Build the tutorial's 2-4-3-2 sigmoid network, feed (0.3, 0.5) with target (1, 0), "
        "print C and all 35 partial derivatives next to the tutorial's matrix formulas, and write "
        "the computation graph (graph.svg), the network view (network.svg) and a step-through of the "
        "backward pass, neuron by neuron (backward.html).",
    )
    demo.add_argument("--out", type=Path, default=Path("stepgrad-out"), help="output folder (default: %(default)s)")
    demo.add_argument("--seed", type=int, default=0, help="seed of the random weights (default: %(default)s)")

    train = sub.add_parser(
        "train",
        help="train an MLP on a generated dataset or a CSV file",
        description="Train an MLP with SGD; writes model.json, loss.png, history.csv and training.html into --out.",
    )
    train.add_argument(
        "--data",
        default="moons",
        help="moons, xor, circles, or a CSV file (inputs first, then targets) (default: %(default)s)",
    )
    train.add_argument(
        "--layers", type=_layers, default=[16, 16], help="hidden layer sizes, e.g. 16,16 (default: 16,16)"
    )
    train.add_argument(
        "--activation",
        default="tanh",
        choices=["sigmoid", "tanh", "relu"],
        help="hidden activation; the output layer is sigmoid (default: %(default)s)",
    )
    train.add_argument(
        "--epochs", type=_positive_int, default=100, help="passes over the whole dataset (default: %(default)s)"
    )
    train.add_argument("--lr", type=_positive_float, default=0.1, help="learning rate (> 0) (default: %(default)s)")
    train.add_argument(
        "--batch-size", type=_positive_int, default=None, help="samples per SGD step (default: the full batch)"
    )
    train.add_argument(
        "--inputs", type=_positive_int, default=2, help="input columns of a CSV file (default: %(default)s)"
    )
    train.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the initial weights and of the sample order (default: %(default)s)",
    )
    train.add_argument(
        "--out",
        type=Path,
        default=Path("stepgrad-out"),
        help="output folder for model.json, loss.png, history.csv and training.html (default: %(default)s)",
    )
    train.add_argument(
        "--no-page", action="store_true", help="do not record training for training.html (default: write it)"
    )
    train.add_argument("--quiet", action="store_true", help="no progress bar (default: show it)")
    train.add_argument(
        "--compile",
        action="store_true",
        help="train through generated programs (autograd.compile per sample, nn.batch_program for big batches) "
        "(default: eager Values)",
    )
    return parser


def run_demo(out: Path, seed: int) -> int:
    """The main job: C, the 35 gradients against the matrix formulas, then the pictures."""
    from .layers import tutorial_network
    from .losses import squared_error
    from .matrix import compare_with_engine

    check_out(out, DEMO_FILES)
    net = tutorial_network(seed=seed)
    comparison = compare_with_engine(net, TUTORIAL_INPUT, TUTORIAL_TARGET)
    # A fresh graph for the pictures, its grads from one clean backward
    # (compare_with_engine's backward already filled the leaves once).
    outputs = net(list(TUTORIAL_INPUT))
    cost = squared_error(outputs, list(TUTORIAL_TARGET))
    net.zero_grad()
    cost.backward()

    print(f"The tutorial's 2-4-3-2 sigmoid network (weights uniform in [-3, 3], seed {seed})")
    print(f"input  a^I = {TUTORIAL_INPUT}, target y = {TUTORIAL_TARGET}")
    print("output a^O = (" + ", ".join(f"{a.data:.6f}" for a in outputs) + ")")
    terms = " + ".join(f"({a.data:.6f} - {y:g})^2" for a, y in zip(outputs, TUTORIAL_TARGET, strict=True))
    print(f"C = {terms} = {comparison.cost:.10f}")
    print()
    print(f"All {len(comparison.rows)} partial derivatives: backward() next to the tutorial's matrix formulas")
    print(comparison.table())
    worst = comparison.max_abs_diff
    print()
    if worst > AGREEMENT:
        print(f"MISMATCH: the largest difference is {worst:.3g} (> {AGREEMENT:g})", file=sys.stderr)
        return 1
    print(f"largest difference {worst:.1e}: the matrix formulas (the tutorial's induction) agree with backprop.")
    return _write_pictures(cost, out, net.parameters())


def _write_pictures(cost: Value, out: Path, parameters: Sequence[Value]) -> int:
    """graph.svg, network.svg and backward.html into ``out``, or say where they will go."""
    from autograd import topological_order

    svg_path, network_path, html_path = out / "graph.svg", out / "network.svg", out / "backward.html"
    try:  # lazily: the views are optional for the numbers above
        from autograd.views.dispatch import save_steps_html, to_svg
    except ImportError as e:
        print(
            f"drawing is not available yet ({e}); the pictures will go to {svg_path}, {network_path} and {html_path}"
        )
        return 0
    n_nodes = len(topological_order(cost))
    out.mkdir(parents=True, exist_ok=True)
    try:
        # at its own size, not fitted to the window: a browser scrolls it and zooms it
        write_text_atomic(svg_path, to_svg(cost, parameters=parameters, fit=False))
        print(f"wrote {svg_path}  (the computation graph: {n_nodes} nodes, clustered by layer and neuron)")
        write_text_atomic(network_path, to_svg(cost, parameters=parameters, view="network"))
        print(f"wrote {network_path}  (the network view: one box per neuron, ∂C/∂a as the sum of its messages)")
        save_steps_html(cost, html_path, parameters=parameters, view="network")
    except RuntimeError as e:  # no Graphviz `dot`: the message says how to install it
        print(f"stepgrad demo: cannot draw: {e}", file=sys.stderr)
        return 1
    print(
        f"wrote {html_path}  (open it in a browser: the backward pass neuron by neuron, a click on a neuron "
        f"shows its detail, and the scalar view steps through all {n_nodes} nodes)"
    )
    print(_step_to_open(cost, html_path, parameters))
    return 0


def _step_to_open(cost: Value, html_path: Path, parameters: Sequence[Value]) -> str:
    """The address of the first step where a neuron adds up three messages: the tutorial's question.

    For the demo's network that is step 7, a_0^{H1}; the page reads ``#step=`` counted from 1.
    """
    from autograd import network_view
    from autograd.views.text import label_unicode

    network = network_view(cost, parameters)
    for k, u in enumerate(network.steps):
        n = len(network.messages(u))
        if n >= 3:
            name = label_unicode(network.units[u].name)
            address = f"{html_path.resolve().as_uri()}#step={k + 1}"
            count = {3: "three", 4: "four"}.get(n, str(n))
            return f"open {address}  (step {k + 1}: {name}, the neuron that adds up {count} messages)"
    return f"open {html_path.resolve().as_uri()}"


def run_train(args: argparse.Namespace) -> int:
    from .data import DATASETS, load_csv
    from .layers import MLP
    from .optim import SGD
    from .record import TrainingRecord, check_drawable, history_csv, training_html
    from .train import fit

    check_out(args.out, TRAIN_FILES)
    if args.data in DATASETS and args.data != "tutorial":
        data = DATASETS[args.data]()
    else:
        path = Path(args.data)
        if not path.is_file():
            raise UsageError(f"--data: {args.data!r} is neither moons, xor, circles nor an existing CSV file")
        data = load_csv(path, args.inputs)  # ValueError names file and line
    n_out = len(data[0][1])
    _check_size(len(data[0][0]), [*args.layers, n_out])
    record = None
    if not args.no_page:
        check_drawable(len(data[0][0]), [*args.layers, n_out])  # the limit named, before any training
        columns = None if args.data in DATASETS else _csv_header(Path(args.data))
        record = TrainingRecord(columns=columns, title=f"Training replayed: {args.data}")
    net = MLP(
        len(data[0][0]),
        [*args.layers, n_out],
        activation=[args.activation] * len(args.layers) + ["sigmoid"],
        seed=args.seed,
    )
    print(f"training {net} on {len(data)} samples for {args.epochs} epochs", flush=True)
    try:
        history = fit(
            net,
            data,
            LOSS,
            SGD(net.parameters(), lr=args.lr),
            epochs=args.epochs,
            batch_size=args.batch_size,
            seed=args.seed,
            quiet=args.quiet,
            compile=args.compile,
            record=record,
        )
    except ArithmeticError as e:  # a value overflowed: the steps were too large
        print(f"stepgrad train: error: training diverged: {e}; try a smaller --lr", file=sys.stderr)
        return 1
    png = _loss_plot_png(history.losses, LOSS)  # drawn before anything is written
    page = training_html(record) if record is not None else None
    args.out.mkdir(parents=True, exist_ok=True)
    model_path = args.out / "model.json"
    net.save(model_path)
    plot_path = args.out / "loss.png"
    write_bytes_atomic(plot_path, png)
    csv_path = args.out / "history.csv"
    write_text_atomic(csv_path, history_csv(history.losses, history.accuracies))
    acc = f", accuracy {history.accuracies[-1]:.1%}" if history.accuracies else ""
    print(f"{net}: final loss {history.losses[-1]:.5g}{acc}")
    print(f"wrote {model_path}, {plot_path} and {csv_path}")
    if page is not None:
        page_path = args.out / "training.html"
        write_text_atomic(page_path, page)
        print(f"wrote {page_path}  (open {page_path.resolve().as_uri()}: the training replayed, epoch by epoch)")
    warning = _no_progress(history.losses, history.accuracies, data, args.lr)
    if warning:
        print(f"stepgrad train: warning: {warning}", file=sys.stderr)
    return 0


def _csv_header(path: Path) -> list[str] | None:
    """The names in a CSV file's header row (the first row with no number in it), or None.

    load_csv has already read the file whole and refused a bad one, so this reads only its first row.
    """
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            try:
                [float(cell) for cell in row]
            except ValueError:
                return row if all(_not_number(cell) for cell in row) else None
            return None
    return None


def _not_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return True
    return False


def _check_size(n_inputs: int, sizes: list[int]) -> None:
    """Refuse a network that `MLP.load` would refuse (before building it: 10^10 weights never finish)."""
    from .serialize import DEFAULT_LIMITS, Config

    limits = DEFAULT_LIMITS
    n = Config(n_inputs, sizes, [], True).n_parameters
    if len(sizes) > limits.max_layers or n > limits.max_parameters:
        raise UsageError(
            f"--layers: {n_inputs} inputs, layers of {','.join(map(str, sizes[:8]))}{',…' if len(sizes) > 8 else ''} "
            f"({len(sizes)} layers, the last one a column per target) make {n:,} parameters; "
            f"a model file holds at most {limits.max_parameters:,} parameters in {limits.max_layers:,} layers"
        )


def _no_progress(
    losses: Sequence[float], accuracies: Sequence[float], data: Sequence[Sample], lr: float
) -> str | None:
    """What says the run learned nothing, and what to try; None if it learned.

    Either the loss never went down (the steps overshoot: a smaller
    learning rate), or the accuracy is at chance, what always answering the
    most common target would score (steps too large, or too few of them).
    """
    if len(losses) > 1 and not losses[-1] < losses[0]:
        return (
            f"the loss did not go down ({losses[0]:.5g} in the first epoch, {losses[-1]:.5g} in the last); "
            f"try a smaller --lr than {lr:g}"
        )
    if accuracies:
        counts: dict[tuple[float, ...], int] = {}
        for _, y in data:
            counts[tuple(y)] = counts.get(tuple(y), 0) + 1
        chance = max(counts.values()) / len(data)
        if accuracies[-1] <= chance < 1.0:  # one class only: always right is not "no better than chance"
            return (
                f"accuracy {accuracies[-1]:.1%} is no better than chance ({chance:.1%}); "
                f"try a smaller --lr than {lr:g}, or more --epochs"
            )
    return None


def _plot_losses(losses: Sequence[float], path: Path, loss_name: str = LOSS) -> None:
    """The loss curve as a PNG at ``path``, written atomically."""
    write_bytes_atomic(path, _loss_plot_png(losses, loss_name))


def _loss_figure(losses: Sequence[float], loss_name: str) -> Any:
    """The loss curve, its loss named in title and axis, its top (the largest loss) a labelled tick.

    On a log axis the first loss often falls between two decades, where no
    tick is labelled: the reader could not tell where the curve starts.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(range(1, len(losses) + 1), losses)
    ax.set_title(f"training loss: {loss_name}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"mean {loss_name} per sample")
    ax.set_yscale("log")
    top = max(losses)
    bottom, _ = ax.get_ylim()
    ax.set_ylim(bottom, top)
    ticks = [t for t in ax.get_yticks() if bottom <= t < top * 0.8] + [top]
    if len(ticks) == 1 and min(losses) < top * 0.8:  # within one decade: no tick but the top
        ticks.insert(0, min(losses))
    ax.set_yticks(ticks, [f"{t:.3g}" for t in ticks])
    ax.minorticks_off()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig


def _loss_plot_png(losses: Sequence[float], loss_name: str = LOSS) -> bytes:
    import matplotlib.pyplot as plt

    fig = _loss_figure(losses, loss_name)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


class _UntilThePipeCloses(io.TextIOBase):
    """stdout that, once its reader has gone (`stepgrad demo | head -1`), drops the rest: the work goes on."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._close()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._close()

    def _close(self) -> None:
        self._gone = True
        try:  # what is still buffered goes nowhere, so the flush at exit cannot fail either
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):
            pass

    def isatty(self) -> bool:
        return self._stream.isatty()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `stepgrad` console script; returns the exit status."""
    stdout = sys.stdout
    sys.stdout = _UntilThePipeCloses(stdout)  # type: ignore[assignment]
    try:
        return _main(argv)
    finally:
        sys.stdout = stdout


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        try:
            if args.command == "demo":
                return run_demo(args.out, args.seed)
            return run_train(args)
        except (UsageError, ValueError, OSError) as e:
            parser.exit(2, f"stepgrad {args.command}: error: {e}\n")
    except KeyboardInterrupt:  # Ctrl-C: files are written atomically, so none is left half-written
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
