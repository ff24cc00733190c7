"""Writes a Program's source from its tape: forward one line per node, backward one line per message."""

from __future__ import annotations

import builtins
import functools
import keyword
import re
from itertools import count
from typing import Any

from ..ops import OPS as TABLE
from ..value import Value
from .ops import OPS, Node, literal
from .tape import ARG, CONST, OP, PARAM, Entry

__all__ = ["Writer", "identifier"]

# -- names ---------------------------------------------------------------------------

_RESERVED = {"program", "samples", "outputs", "total", "finite", "P", "data", "grad", "exp", "log", "tanh", "math",
             "number", "Recheck", "type", "float", "_e",
             "sigmoid", "relu", "step", "epoch", "lr", "state", "done", "read"}  # fmt: skip


_DROPPED = re.compile(r"[{}\]]")
_OTHER = re.compile(r"[^0-9A-Za-z_]")


@functools.lru_cache(maxsize=4096)
def identifier(label: str) -> str:
    """A Python name for a label: ``a_0^{H1}`` -> ``a_0__H1``, ``x[1]`` -> ``x_1``; "" if none fits.

        >>> identifier("w_{01}^{H2}"), identifier("x[0][1]"), identifier("C")
        ('w_01__H2', 'x_0_1', 'C')
    """
    text = label[:60].replace("^", "__").replace("[", "_")  # a 20k-character label: a readable name
    text = _DROPPED.sub("", text)
    text = _OTHER.sub("_", text).strip("_")
    if text and text[0].isdigit():
        text = "v_" + text
    return text if text.isidentifier() else ""


class _Names:
    """Unique names: one for each value, its gradient's and (a parameter's) its Value's and its
    next value's (``N_``, in the epoch program), never clashing."""

    def __init__(self) -> None:
        self.used = set(_RESERVED) | set(keyword.kwlist) | set(dir(builtins)) | {f"_op_{k}" for k in TABLE}
        self._temps = count(1)

    def take(self, base: str) -> str:
        name, k = base, 2
        while any(n in self.used for n in (name, "g_" + name, "G_" + name, "P_" + name, "N_" + name)):
            name, k = f"{base}_{k}", k + 1
        self.used.update((name, "g_" + name, "G_" + name, "P_" + name, "N_" + name))
        return name

    def temp(self) -> str:
        while True:
            name = f"t{next(self._temps)}"
            if name not in self.used:
                return self.take(name)


def _sample_result(loss: str, outputs: str | None) -> list[str]:
    """A sample's last lines: its loss added to the total, its outputs kept."""
    return [f"total += {loss}", *([] if outputs is None else [f"outputs.append({outputs})"])]


class Writer:
    """Writes the program's source from the tape."""

    def __init__(self, tape: list[Entry], n_loss: int, root: int, params: list[Value],
                 arg_names: list[str], shapes: list[Any], flat_labels: list[str],
                 aux_shape: Any, aux_entries: list[int]) -> None:  # fmt: skip
        self.tape, self.n_loss, self.root = tape, n_loss, root
        self.params, self.shapes, self.flat_labels = params, shapes, flat_labels
        self.aux_shape, self.aux_entries = aux_shape, aux_entries
        self.names = _Names()
        self.arg_vars = [self.names.take(identifier(n) or f"arg{i}") for i, n in enumerate(arg_names)]
        self.expr: list[str] = [""] * len(tape)  # how each entry is written: a name or a literal
        self.grad: list[str] = [""] * len(tape)  # its gradient's variable
        self.locals: dict[tuple[int, int], str] = {}  # (entry, operand) -> variable holding a risky local
        self._nodes: dict[int, Node] = {}
        # where backward's first message into each parameter's .grad is: the epoch program starts it at 0.0
        self._first_messages: dict[int, tuple[str, str]] = {}  # line of backward -> (grad variable, message)
        self._epoch_parts: tuple[list[str], list[str], list[str], str, str | None] | None = None

    def node(self, i: int) -> Node:
        n = self._nodes.get(i)
        if n is None:
            n = self._nodes[i] = self._make_node(i)
        return n

    def _make_node(self, i: int) -> Node:
        e = self.tape[i]
        x = tuple(self.expr[r] if isinstance(r, int) else literal(r) for r in e.refs)
        const = None if e.const_side is None else e.refs[e.const_side]
        return Node(x, self.expr[i], const, e.const_side)  # type: ignore[arg-type]

    def source(self) -> str:
        tape, names = self.tape, self.names
        # names first: parameters and arguments keep their labels
        flat_vars: list[str] = [""] * len(self.flat_labels)
        k = 0
        for shape, var in zip(self.shapes, self.arg_vars, strict=True):
            if shape is None:  # a number: the argument is its own name
                flat_vars[k] = var
            k += _count_numbers(shape)
        for i, e in enumerate(tape):
            if e.kind == CONST:
                self.expr[i] = literal(e.data)
            elif e.kind == ARG and flat_vars[e.index]:
                self.expr[i] = flat_vars[e.index]
            elif e.kind in (PARAM, ARG):
                base = identifier(e.label) or (f"p{e.index}" if e.kind == PARAM else "")
                if e.kind == ARG:
                    base = base or identifier(self.flat_labels[e.index]) or f"x{e.index}"
                self.expr[i] = names.take(base)
                if e.kind == ARG:
                    flat_vars[e.index] = self.expr[i]
            # op nodes are named as the forward reaches them, so t1, t2, ... read in order
        for k, v in enumerate(flat_vars):
            if not v:  # an argument the loss never reads
                flat_vars[k] = names.take(identifier(self.flat_labels[k]) or f"x{k}")

        head = ["def program(samples, outputs):"]
        param_entries = sorted((i for i, e in enumerate(tape) if e.kind == PARAM), key=lambda i: tape[i].index)
        values: list[str] = []
        if param_entries:
            by_index = {tape[i].index: i for i in param_entries}
            for i in param_entries:
                self.grad[i] = "G_" + self.expr[i]
            values = [self.expr[by_index[j]] if j in by_index else "_" for j in range(len(self.params))]
            used = [v for v in values if v != "_"]
            head.append("    # the parameters (P), read afresh at every call, and their .grad, into which")
            head.append("    # every message of every sample is added, in the order backward() adds them")
            head += _wrapped(["P_" + v if v != "_" else "_" for v in values], " = P")
            # one attribute read per local: about three times faster than map(attrgetter, P)
            head += _wrapped(used, " = (") + _wrapped([f"P_{v}.data" for v in used], "", "        ", opener="")
            head += _wrapped(["G_" + v for v in used], " = (")
            head += _wrapped([f"P_{v}.grad" for v in used], "", "        ", opener="")
        head.append("    total = -0.0  # x + -0.0 is x for every x (-0.0 too): one sample's loss comes back as it is")
        target = ", ".join(self.arg_vars)
        loop = f"for ({target}{',' if len(self.arg_vars) == 1 else ''}) in samples:"
        head.append("    " + loop)

        forward = self._unpack(flat_vars)
        forward += ["# forward: one line per node"]
        forward += self._forward()
        forward += self._finite_check(flat_vars)
        backward = ["# backward: one line per message, the root first", *self._backward()]
        aux = None if self.aux_shape is None else self._aux_expr(self.aux_shape)
        result = _sample_result(self.expr[self.root], aux)
        self._epoch_parts = (values, [loop, *forward], backward, self.expr[self.root], aux)

        tail = []
        if param_entries:
            tail.append("    # a gradient that left the float range: replay eagerly, which raises")
            tail += _sum_check([self.grad[i] for i in param_entries], "    ")
            for i in param_entries:
                tail.append(f"    P_{self.expr[i]}.grad = {self.grad[i]}")
        tail.append("    return total")
        body = [*forward, *backward, *result]
        return "\n".join([*head, *("        " + line if line else "" for line in body), *tail]) + "\n"

    def epoch_source(self) -> str:
        """`source`'s program with plain SGD's step after every sample, the parameters kept in locals.

        ``epoch(samples, lr, outputs, state, total)`` does, for each sample in
        turn, what zeroing the grads, ``program`` on the sample and
        ``nn.SGD(params, lr).step()`` do, in the same floats: each grad starts
        at 0.0 (its first message is added to 0.0, as ``+=`` after zero_grad
        adds it), then ``p - lr * g`` for every parameter, all computed and
        checked before any is taken. The parameters' ``.data`` and ``.grad``
        are read once and written once, on every exit: the samples done,
        then ``state`` gets (samples done, their summed loss added to
        ``total``). A sample it cannot finish (a non-finite number, an error)
        is left undone, its parameters as before it, for the caller to run
        its own way. Call `source` first: the epoch reuses its lines.
        """
        if self._epoch_parts is None:
            raise RuntimeError("Writer.epoch_source: call source() first")
        values, forward, backward, loss, aux = self._epoch_parts
        used = [v for v in values if v != "_"]
        sent = {g for g, _ in self._first_messages.values()}  # the grads backward writes
        moving = [v for v in used if "G_" + v in sent]  # w - lr * 0.0 is w: the others keep their value
        backward = list(backward)
        for k, (g, message) in self._first_messages.items():
            backward[k + 1] = f"{g} = 0.0 + {message}"  # + 1: the comment line before backward's lines
        head = ["def epoch(samples, lr, outputs, state, total):"]
        if used:
            # a loop over the parameters, not a line each: the program compiles in less time
            head.append("    # the parameters the program reads (P: every one) and their .data, read once for the")
            head.append("    # whole epoch; the grads start at 0.0 as zero_grad leaves them (a parameter no message")
            head.append("    # reaches keeps it)")
            if len(used) == len(values):
                head.append("    read = P")
            else:
                head.append(f"    read = [P[i] for i in {tuple(i for i, v in enumerate(values) if v != '_')}]")
            head += _wrapped(used, " = [p.data for p in read]")
            head += _wrapped(["G_" + v for v in used], f" = (0.0,) * {len(used)}")
        head += ["    done = 0", "    try:", "        " + forward[0]]
        step = []
        result = _sample_result(loss, aux)
        if moving:
            # the loss and the outputs read before the step: either may be a parameter itself
            kept_loss, kept_aux = self.names.take("sample_loss"), None
            step.append(f"{kept_loss} = {loss}")
            if aux is not None:
                kept_aux = self.names.take("sample_outputs")
                step.append(f"{kept_aux} = {aux}")
            result = _sample_result(kept_loss, kept_aux)
            step.append("# SGD's step (nn.SGD.step: p.data - lr * p.grad), every new value checked before any is taken")
            step += [f"N_{v} = {v} - lr * G_{v}" for v in moving]
            step += _sum_check(["N_" + v for v in moving], "")
            step += [line.strip() for line in _wrapped(moving, " = (", "")]
            step += [line.strip() for line in _wrapped(["N_" + v for v in moving], "", "", opener="")]
        body = [*forward[1:], *backward, *step, *result, "done += 1"]
        tail = ["    finally:", "        # written back on every exit: what the samples done left"]
        if used:
            tail.append("        for p, x in zip(read, (")
            tail += _wrapped(used, "):", "            ", opener="")
            tail.append("            p.data = x")
            tail.append("        for p, g in zip(read, (")
            tail += _wrapped(["G_" + v for v in used], "):", "            ", opener="")
            tail.append("            p.grad = g")
        tail += ["        state += (done, total)", "    return total"]
        return "\n".join([*head, *("            " + line if line else "" for line in body), *tail]) + "\n"

    def _unpack(self, flat_vars: list[str]) -> list[str]:
        lines: list[str] = []
        k = 0

        def walk(shape: Any, var: str, label: str) -> None:
            nonlocal k
            if shape is None:
                return
            items = []
            for j, s in enumerate(shape):
                if s is None:
                    items.append(flat_vars[k])
                    k += 1
                else:
                    items.append(self.names.take(identifier(f"{label}[{j}]") or "seq"))
            lines.append(f"{', '.join(items)}{',' if len(items) == 1 else ''} = {var}")
            for j, s in enumerate(shape):
                if s is not None:
                    walk(s, items[j], f"{label}[{j}]")

        for shape, var in zip(self.shapes, self.arg_vars, strict=True):
            if shape is None:
                k += 1
            else:
                walk(shape, var, var)
        # ints and numpy scalars become floats as Value() makes them; anything else raises
        lines += [f"if type({v}) is not float: {v} = number({v})" for v in flat_vars]
        return lines

    def _forward(self) -> list[str]:
        lines: list[str] = []
        group = None
        for i in self._reading_order():
            e = self.tape[i]
            if e.kind != OP:
                continue
            if e.group != group and e.group is not None:
                lines.append(f"# {e.group}")
            group = e.group
            op = OPS[e.op]
            self.expr[i] = self.names.take(identifier(e.label)) if identifier(e.label) else self.names.temp()
            n = self.node(i)
            lines.append(f"{self.expr[i]} = {op.value(n)}{_comment(e.label, self.expr[i])}")
            if op.risky(n):  # computed now and checked, as eager does
                for slot, operand in enumerate(self._operands(e)):
                    var = self.names.take(f"d{slot}_{self.expr[i]}")
                    self.locals[(i, operand)] = var
                    lines.append(f"{var} = {op.local(n, operand)}")
        return lines

    def _reading_order(self) -> list[int]:
        """A topological order that visits first parents first: the order fn made the nodes in.

        Any topological order gives the same forward values; backward() walks
        the other way round (second parents first), which the backward keeps.
        """
        tape, order, done = self.tape, [], [False] * len(self.tape)
        for start in [self.root, *self.aux_entries]:
            stack = [(start, False)]
            while stack:
                i, expanded = stack.pop()
                if done[i]:
                    continue
                if expanded:
                    done[i] = True
                    order.append(i)
                    continue
                stack.append((i, True))
                stack.extend((p, False) for p in reversed(tape[i].parents) if not done[p])
        return order

    def _operands(self, e: Entry) -> list[int]:
        """The operand position of each Value parent slot."""
        if e.const_side is None:
            return list(range(len(e.parents)))
        return [1 - e.const_side]

    def _finite_check(self, flat_vars: list[str]) -> list[str]:
        """One sum over every value a non-finite number could hide behind.

        inf and nan survive + * - and the like, so a non-finite node shows in
        the loss, unless an op absorbs it (relu(nan) is 0, exp(-inf) is 0):
        those ops' inputs are summed too, with the risky local derivatives.
        """
        terms: list[str] = []
        used_args: set[int] = set()
        for i, e in enumerate(self.tape):
            if e.kind == ARG:
                used_args.add(e.index)
            if e.kind != OP:
                continue
            n = self.node(i)
            if not OPS[e.op].strict(n):
                terms += [self.expr[r] for r in e.refs if isinstance(r, int) and self.tape[r].live]
            terms += [self.locals[(i, o)] for o in self._operands(e) if (i, o) in self.locals]
        terms += [v for k, v in enumerate(flat_vars) if k not in used_args]
        terms += [self.expr[i] for i in [self.root, *self.aux_entries] if self.tape[i].live]
        terms = list(dict.fromkeys(terms))
        if not terms:
            return []
        return ["# inf or nan anywhere: replay eagerly, which raises the error eager raises", *_sum_check(terms, "")]

    def _backward(self) -> list[str]:
        tape = self.tape
        messages = [0] * len(tape)
        for i in range(self.n_loss):
            e = tape[i]
            if e.kind == OP and e.needs_grad:
                for p in e.parents:
                    if tape[p].needs_grad:
                        messages[p] += 1
        received = [0] * len(tape)
        lines: list[str] = []
        root = tape[self.root]
        first = self._first_messages
        if root.kind == PARAM:
            first[0] = (self.grad[self.root], "1.0")
            return [f"{self.grad[self.root]} += 1.0  # the loss is this parameter: its grad grows by 1"]
        if not root.needs_grad:
            return lines
        self.grad[self.root] = "g_" + self.expr[self.root]
        lines.append(f"{self.grad[self.root]} = 1.0")
        group = None
        for i in range(self.n_loss - 1, -1, -1):
            e = tape[i]
            if e.kind != OP or not e.needs_grad:
                continue
            if e.group != group and e.group is not None:
                lines.append(f"# {e.group}")
            group = e.group
            op = OPS[e.op]
            n = self.node(i)
            upstream = self.grad[i]
            for slot, operand in zip(e.parents, self._operands(e), strict=True):
                p = tape[slot]
                if not p.needs_grad:
                    continue
                local = self.locals.get((i, operand)) or op.local(n, operand)
                if local == "1.0":
                    message = upstream
                elif local == "-1.0":
                    message = f"-{upstream}"
                else:
                    message = f"{local} * {upstream}"
                received[slot] += 1
                if p.kind == PARAM:
                    if received[slot] == 1:
                        first[len(lines)] = (self.grad[slot], message)
                    lines.append(f"{self.grad[slot]} += {message}")
                elif messages[slot] == 1 and local == "1.0":
                    self.grad[slot] = upstream  # its only message, times 1: the same number
                elif received[slot] == 1:
                    self.grad[slot] = "g_" + self.expr[slot]
                    lines.append(f"{self.grad[slot]} = {message}")
                else:
                    lines.append(f"{self.grad[slot]} += {message}")
        return lines

    def _aux_expr(self, shape: Any) -> str:
        if isinstance(shape, int):
            return self.expr[self.aux_entries[shape]]
        return "[" + ", ".join(self._aux_expr(s) for s in shape) + "]"


def _count_numbers(shape: Any) -> int:
    return 1 if shape is None else sum(_count_numbers(s) for s in shape)


def _comment(label: str, name: str) -> str:
    r"""``  # label`` after a line of the program, or "" when the name says it already.

    A label is user text inside source code: a newline in it would end the
    comment and make the rest a line of code, and a NUL would stop Python's
    compile(). Every character that is not printable is written escaped,
    and a long label is shortened.

        >>> _comment("a\nimport os", "a")
        '  # a\\nimport os'
    """
    if not label or label == name:
        return ""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in label[:_COMMENT_CHARS])
    return f"  # {text}{'…' if len(label) > _COMMENT_CHARS else ''}"


_COMMENT_CHARS = 120


def _wrapped(names: list[str], rest: str, indent: str = "    ", opener: str = "(") -> list[str]:
    """``(a, b, ...) = rest`` over lines of at most about 110 characters.

    With ``opener=""`` it continues a tuple the line before opened: ``a, b, ...)``.
    """
    lines, line = [], indent + opener
    for k, name in enumerate(names):
        piece = name + (", " if k < len(names) - 1 else ",)" if len(names) == 1 else ")")
        if len(line) + len(piece) > 110 and line.strip() != opener:
            lines.append(line.rstrip())
            line = indent + " " * len(opener)
        line += piece
    return [*lines, line + rest]


def _sum_check(terms: list[str], indent: str) -> list[str]:
    lines = []
    for k in range(0, len(terms), 8):
        chunk = " + ".join(terms[k : k + 8])
        lines.append(f"{indent}finite = {chunk}" if k == 0 else f"{indent}finite += {chunk}")
    lines.append(f"{indent}if finite - finite != 0.0: raise Recheck")
    return lines
