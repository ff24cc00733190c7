"""explain(): the chain rule written out, one term per path.

d(root)/d(node) is the sum, over every path from ``node`` up to ``root``,
of the product of the local derivatives along that path. That sum is what
the backward pass computes, one addition per fan-out, without listing the
paths; `explain` lists them, so the two can be compared.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> b = a * 3
    >>> b.label = "b"
    >>> c = a + b
    >>> c.label = "c"
    >>> c.backward()
    >>> e = explain(c, a)
    >>> len(e.paths), e.total, a.grad
    (2, 4.0, 4.0)
    >>> print(e)
    ∂c/∂a over 2 paths:
      ∂c/∂b · ∂b/∂a = 1 × 3 = 3
      ∂c/∂a = 1
    sum = 3 + 1 = 4
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..backprop import topological_order
from ..numeric import shorten
from ..value import Value
from .text import format_number, format_sum, label_parts, label_plain, node_name, product_text, sum_text

__all__ = [
    "DEFAULT_MAX_HOPS",
    "DEFAULT_MAX_PATHS",
    "Explanation",
    "Path",
    "TooManyPathsError",
    "explain",
    "latex_label",
]

DEFAULT_MAX_PATHS = 1000
#: The most hops (edges, summed over all paths) `explain` lists: its memory and time.
DEFAULT_MAX_HOPS = 1_000_000
#: Names longer than this are shortened: the text grows with hops times name length.
MAX_NAME_CHARS = 80

# what each LaTeX special character becomes in text
_LATEX_TEXT = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_MATH_TEXT = re.compile(r"[A-Za-z0-9 ,.;:!?'()\[\]/+\-*=<>|∂\u0370-\u03ff]*")


def latex_label(label: str) -> str:
    r"""A label for LaTeX math: TeX-like labels as they are, anything else as escaped text.

        >>> latex_label("w_{01}^{H1}")
        'w_{01}^{H1}'
        >>> latex_label("50% & $x_{")
        '\\text{50\\% \\& \\$x\\_\\{}'
    """
    label = label_plain(label)  # a newline or NUL as a visible stand-in: a blank line ends LaTeX math
    parts = label_parts(label)
    if all(_MATH_TEXT.fullmatch(text) for _, text in parts):
        return label  # TeX-like already: the scripts are the label's own
    return r"\text{" + "".join(_LATEX_TEXT.get(c, c) for c in label) + "}"


class TooManyPathsError(ValueError):
    """More paths than `explain` was asked to list."""


@dataclass(frozen=True)
class Path:
    """One path from the node up to the root: its nodes (node first) and the
    local derivative of each hop."""

    nodes: tuple[Value, ...]
    local_grads: tuple[float, ...]
    #: for each hop, the parent slot it enters (0 or 1): tells apart the two uses in ``d * d``
    slots: tuple[int, ...] = ()

    @property
    def product(self) -> float:
        p = 1.0
        for g in self.local_grads:
            p *= g
        return p


@dataclass(frozen=True)
class Explanation:
    """Every path from ``node`` to ``root``; ``total`` is the sum of their products."""

    root: Value
    node: Value
    paths: tuple[Path, ...]
    names: dict[Value, str]

    @property
    def total(self) -> float:
        return sum(p.product for p in self.paths)

    def _factors(self, path: Path) -> tuple[list[tuple[Value, Value, str]], list[float]]:
        """The path cut at its labelled nodes: (upper, lower, use) triples and their derivatives.

        Unlabelled nodes in between are multiplied into one factor, so a
        path reads like the tutorial: ∂C/∂a_0^{O} · ∂a_0^{O}/∂z_0^{O} · ...
        ``use`` is "[1]" or "[2]" where the hop enters a node that uses its
        parent twice (``d * d``), "" otherwise.
        """
        pairs: list[tuple[Value, Value, str]] = []
        values: list[float] = []
        lower = path.nodes[0]
        factor = 1.0
        slots = path.slots or (0,) * len(path.local_grads)
        for upper, g, slot in zip(path.nodes[1:], path.local_grads, slots, strict=True):
            factor *= g
            if upper.label or upper is path.nodes[-1]:
                parents = upper.parents
                twice = len(parents) == 2 and parents[0] is parents[1]
                pairs.append((upper, lower, f"[{slot + 1}]" if twice else ""))
                values.append(factor)
                lower, factor = upper, 1.0
        return pairs[::-1], values[::-1]  # root side first, as the chain rule is read

    def _uses_twice(self) -> list[Value]:
        """The nodes on these paths that take one parent twice (``d * d``), in path order."""
        seen: list[Value] = []
        for path in self.paths:
            for upper, _, use in self._factors(path)[0]:
                if use and upper not in seen:
                    seen.append(upper)
        return seen

    def __str__(self) -> str:
        root, node = self.names[self.root], self.names[self.node]
        lines = [f"∂{root}/∂{node} over {len(self.paths)} path{'s' if len(self.paths) != 1 else ''}:"]
        for path in self.paths:
            pairs, values = self._factors(path)
            symbols = " · ".join(f"∂{self.names[hi]}/∂{self.names[lo]}{use}" for hi, lo, use in pairs)
            if len(values) == 1:
                lines.append(f"  {symbols} = {format_number(values[0])}")
            else:
                lines.append(f"  {symbols} = {product_text(values, path.product)}")
        products = [p.product for p in self.paths]
        lines.append(f"sum = {sum_text(products, self.total)}")
        for v in self._uses_twice():
            p = self.names[v.parents[0]]
            lines.append(
                f"[1], [2]: {self.names[v]} = {p} {v.op} {p} uses {p} twice; each use is its own path "
                f"and sends its own message"
            )
        return "\n".join(lines)

    def _latex_name(self, v: Value) -> str:
        return latex_label(self.names[v])

    def _repr_latex_(self) -> str:
        root, node = self._latex_name(self.root), self._latex_name(self.node)
        rows = []
        for i, path in enumerate(self.paths):
            pairs, _ = self._factors(path)
            fracs = "".join(
                rf"\frac{{\partial {self._latex_name(hi)}}}{{\partial {self._latex_name(lo)}{use}}}"
                for hi, lo, use in pairs
            )
            lead = rf"\frac{{\partial {root}}}{{\partial {node}}} &= " if i == 0 else r"&\quad + "
            rows.append(f"{lead}{fracs} && = {format_number(path.product)}")
        products = format_sum([p.product for p in self.paths])
        rows.append(rf"&= {products} = {format_number(self.total)}")
        return "$$\\begin{aligned}" + " \\\\ ".join(rows) + "\\end{aligned}$$"


def _short_name(v: Value, otherwise: str) -> str:
    label = v.label if isinstance(v.label, str) else ""
    return repr(shorten(label, MAX_NAME_CHARS)) if label else otherwise


def _count(n: int) -> str:
    return str(n) if n < 10**15 else f"about 10^{len(str(n)) - 1}"


def count_paths(root: Value, node: Value, order: list[Value] | None = None) -> int:
    """How many paths lead from ``node`` up to ``root`` (0 if it is not in the graph).

    Dynamic programming over the topological order: the paths from a parent
    are the sum of the paths from each child slot, so nothing is listed.
    """
    if order is None:
        order = topological_order(root)
    paths = {id(v): 0 for v in order}
    paths[id(root)] = 1
    for child in reversed(order):
        n = paths[id(child)]
        if n:
            for parent in child.parents:
                paths[id(parent)] += n
    return paths.get(id(node), 0)


def count_hops(root: Value, node: Value, order: list[Value]) -> int:
    """The number of edges over all paths from ``node`` up to ``root``: the work of listing them.

    Same dynamic programming as `count_paths`: each path through a child
    edge is one hop longer than the child's.
    """
    paths = {id(v): 0 for v in order}
    hops = {id(v): 0 for v in order}
    paths[id(root)] = 1
    for child in reversed(order):
        n = paths[id(child)]
        if n:
            h = hops[id(child)] + n
            for parent in child.parents:
                paths[id(parent)] += n
                hops[id(parent)] += h
    return hops.get(id(node), 0)


def explain(
    root: Value, node: Value, max_paths: int = DEFAULT_MAX_PATHS, max_hops: int = DEFAULT_MAX_HOPS
) -> Explanation:
    """Every path from ``node`` to ``root`` with the product of its local derivatives.

    Their sum (``.total``) equals ``node.grad`` after ``root.backward()``
    (for a leaf whose grad was zero before). Paths are counted first; more
    than ``max_paths`` raises `TooManyPathsError` saying how many there are,
    and so do paths longer than ``max_hops`` edges all together (listing
    them would take that much time and memory).
    """
    if not isinstance(root, Value) or not isinstance(node, Value):
        raise TypeError("explain(root, node) takes two Values")
    order = topological_order(root)
    n = count_paths(root, node, order)
    node_says = _short_name(node, "the node")
    root_says = _short_name(root, "the root")
    if n == 0:
        raise ValueError(f"explain: {node_says} is not in the graph of {root_says}")
    if n > max_paths:
        raise TooManyPathsError(
            f"explain: there are {_count(n)} paths from {node_says} to {root_says}, "
            f"more than max_paths={max_paths}; pass max_paths={n} to list them all"
            if n < 10**15
            else f"explain: there are {_count(n)} paths from {node_says} to {root_says}, "
            f"more than max_paths={max_paths}: too many to list"
        )
    hops = count_hops(root, node, order)
    if hops > max_hops:
        raise TooManyPathsError(
            f"explain: the {n} path{'s' if n != 1 else ''} from {node_says} to "
            f"{root_says} have {hops} edges in all, more than max_hops={max_hops}; "
            f"pass max_hops={hops} to list them anyway"
        )
    names = {v: shorten(node_name(v, i), MAX_NAME_CHARS) for i, v in enumerate(order)}
    # children of every node, with the local derivative of each edge
    up: dict[int, list[tuple[Value, float, int]]] = {}
    for child in order:
        for slot, (parent, g) in enumerate(zip(child.parents, child.local_grads, strict=True)):
            up.setdefault(id(parent), []).append((child, g, slot))
    paths: list[Path] = []
    # Iterative depth-first walk with one shared path (a path can be as long
    # as the graph is deep): `branch[i]` is the next child to try at depth i.
    path_nodes: list[Value] = [node]
    path_grads: list[float] = []
    path_slots: list[int] = []
    branch = [0]
    while branch:
        last = path_nodes[-1]
        if last is root:
            paths.append(Path(tuple(path_nodes), tuple(path_grads), tuple(path_slots)))
            children: list[tuple[Value, float, int]] = []
        else:
            children = up.get(id(last), [])
        i = branch[-1]
        if i < len(children):
            branch[-1] = i + 1
            child, g, slot = children[i]
            path_nodes.append(child)
            path_grads.append(g)
            path_slots.append(slot)
            branch.append(0)
        else:
            branch.pop()
            path_nodes.pop()
            if path_grads:
                path_grads.pop()
                path_slots.pop()
    return Explanation(root, node, tuple(paths), names)
