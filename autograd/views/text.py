r"""The words the views write with: numbers, grads as sums, node names, labels as markup.

Numbers are short (4 significant digits). Labels written like TeX,
``w_{01}^{H1}`` or ``z_0^{O}``, are drawn with real subscripts and
superscripts; any other label is shown exactly as typed. The sentences
are made of these where they describe something: the narration of a step
in `Trace.narrate` and `Network.narrate`, the legends next to the
drawings that they explain.

    >>> format_sum([0.5, -0.25])
    '0.5 + (-0.25)'
    >>> label_html("w_{01}^{H1}")
    'w<sub>01</sub><sup>H1</sup>'
    >>> label_html("my_var <x>")     # not TeX-like: as typed, escaped
    'my_var &lt;x&gt;'
    >>> label_dot("a\\")            # Graphviz reads one backslash from two
    'a\\\\'
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from ..numeric import shorten
from ..value import Value

__all__ = [
    "MAX_LABEL_CHARS",
    "UNIT_STATES",
    "grad_lines",
    "grad_text",
    "text_width",
    "format_factor",
    "format_number",
    "format_sum",
    "label_dot",
    "op_dot",
    "plain_dot",
    "label_html",
    "label_parts",
    "label_plain",
    "label_unicode",
    "natural_key",
    "node_name",
    "text_html",
    "variable_name",
]

#: Labels longer than this are shortened for display (system dot refuses
#: HTML-like labels over 16,384 characters, markup included).
MAX_LABEL_CHARS = 15_000
#: Tooltips and cluster names are shorter still (see `attribute_text`).
MAX_ATTRIBUTE_CHARS = 1_000
#: A name inside a sum or a sentence (``∂C/∂a``) is shortened to this.
MAX_NAME_CHARS = 200

#: Where a unit of the network view is in the backward pass; ``{step}`` is
#: the step (counted from 1) it is processed at. The page gets them as data.
UNIT_STATES = {
    "target": "a target: a number the cost compares an output with; nothing is sent to it",
    "waiting": "waiting: it is processed at step {step}",
    "current": "being processed at this step ({step})",
    "done": "done at step {step}",
}

# -- numbers -------------------------------------------------------------------

# One picture or step writes every number with one count of digits, so an
# edge's 0.17291 is the 0.17291 of the sum it enters (see `number_digits`).
DIGITS: ContextVar[int] = ContextVar("stepgrad_digits", default=4)


@contextmanager
def number_digits(digits: int) -> Iterator[None]:
    """Inside, numbers are written with ``digits`` significant digits (4 outside).

        >>> with number_digits(5):
        ...     format_number(0.172913)
        '0.17291'
    """
    token = DIGITS.set(digits)
    try:
        yield
    finally:
        DIGITS.reset(token)


def digits_needed(sums: list[tuple[list[float], float]], products: list[tuple[list[float], float]] = ()) -> int:
    """4, or 5 where some sum or product in ``sums``/``products`` adds up as written only with 5.

        >>> digits_needed([([0.5, 0.25], 0.75)]), digits_needed([([0.17291, -0.011372, 0.13063], 0.292169)])
        (4, 5)
    """
    token = DIGITS.set(4)
    try:
        if any(digits_for(t, r) == 5 for t, r in sums) or any(digits_for(f, r, True) == 5 for f, r in products):
            return 5
        return 4
    finally:
        DIGITS.reset(token)


def format_number(x: float, digits: int | None = None) -> str:
    """Short, readable: 4 significant digits (or the step's, see `number_digits`), no exponent for everyday sizes."""
    if x == 0:
        return "0"
    return f"{x:.{digits or DIGITS.get()}g}"


def format_factor(x: float, digits: int | None = None) -> str:
    """A number inside a product: negative ones in parentheses."""
    text = format_number(x, digits)
    return f"({text})" if x < 0 else text


def format_sum(terms: list[float], digits: int | None = None) -> str:
    """``0.12 + (-0.05) + 0.3``: negative terms in parentheses."""
    parts = []
    for i, t in enumerate(terms):
        text = format_number(t, digits)
        parts.append(f"({text})" if i and t < 0 else text)
    return " + ".join(parts)


def _agrees(shown: list[float], result: float, digits: int, combine: Callable[[list[Decimal]], Decimal]) -> bool:
    """Does the arithmetic of the numbers as shown give the result as shown?"""
    if result == 0 or any(not math.isfinite(x) for x in [*shown, result]):
        return True
    exact = combine([Decimal(format_number(x, digits)) for x in shown])
    return format_number(float(exact), digits) == format_number(result, digits)


def _sum(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def _product(values: list[Decimal]) -> Decimal:
    out = Decimal(1)
    for v in values:
        out *= v
    return out


def digits_for(shown: list[float], result: float, product: bool = False) -> int | None:
    """4 or 5: the fewest significant digits at which ``shown`` visibly add (or multiply) to ``result``.

    A learner checks the sums by hand: ``0.1729 + (-0.01137) + 0.1306``
    must not read ``= 0.2922``, which rounding the exact total alone gives.
    None where 5 digits do not agree either: the caller writes ``≈``.

        >>> digits_for([0.17291, -0.011372, 0.13063], 0.292169), digits_for([0.5, 0.25], 0.75)
        (5, 4)
    """
    combine = _product if product else _sum
    for digits in range(min(DIGITS.get(), 5), 6):
        if _agrees(shown, result, digits, combine):
            return digits
    return None


def sum_text(terms: list[float], total: float) -> str:
    """``0.1 + (-0.2) = -0.1``, with a fifth digit where four would not add up as shown (else ``≈``)."""
    digits = digits_for(terms, total)
    equals = "=" if digits else "≈"
    digits = digits or DIGITS.get()
    return f"{format_sum(terms, digits)} {equals} {format_number(total, digits)}"


def product_text(factors: list[float], result: float) -> str:
    """``(-3) × 2 = -6``, with a fifth digit where four would not multiply out as shown (else ``≈``)."""
    digits = digits_for(factors, result, product=True)
    equals = "=" if digits else "≈"
    digits = digits or DIGITS.get()
    return " × ".join(format_factor(f, digits) for f in factors) + f" {equals} {format_number(result, digits)}"


# -- grads as sums -----------------------------------------------------------------

# Sums of more terms than this are cut in the scalar view's picture (the
# narration and `explain` still list every term).
MAX_TERMS_SHOWN = 12
TERMS_PER_LINE = 3  # in a unit of the network view, longer sums wrap after this many terms
MAX_TERMS = 9  # a unit of the network view lists at most this many messages (three rows)


def _short_sum(terms: list[float]) -> str:
    if len(terms) <= MAX_TERMS_SHOWN:
        return format_sum(terms)
    head = format_sum(terms[: MAX_TERMS_SHOWN - 1])
    return f"{head} + … ({len(terms) - MAX_TERMS_SHOWN + 1} more)"


def grad_text(terms: list[float], total: float | None, complete: bool) -> str:
    """``grad 0.3``, ``grad = 0.1 + 0.2 = 0.3``, or a partial ``grad = 0.1 + …``.

    ``complete`` says whether every message has arrived: only then is the
    sum written with its total, and only before is it followed by "+ …".
    """
    if not terms:
        return "grad 0" if complete else "grad …"
    if len(terms) == 1 and complete:
        return f"grad {format_number(terms[0] if total is None else total)}"
    if not complete:
        return f"grad = {_short_sum(terms)} + …"
    total = sum(terms) if total is None else total
    if len(terms) <= MAX_TERMS_SHOWN:
        return f"grad = {sum_text(terms, total)}"
    return f"grad = {_short_sum(terms)} = {format_number(total)}"


def grad_lines(symbol: str, terms: list[float], total: float | None, complete: bool) -> list[str]:
    """``∂C/∂a = 0.1 + 0.2 = 0.3`` (wrapped after `TERMS_PER_LINE` terms), or a partial sum."""
    if not terms:
        return [f"{symbol} = …" if not complete else f"{symbol} = 0"]
    if len(terms) == 1 and complete:
        return [f"{symbol} = {format_number(terms[0] if total is None else total)}"]
    shown = terms if len(terms) <= MAX_TERMS else terms[: MAX_TERMS - 1]
    total = sum(terms) if total is None else total
    digits = digits_for(terms, total) if complete and len(shown) == len(terms) else DIGITS.get()
    equals = "=" if digits else "≈"
    digits = digits or DIGITS.get()
    per_line = TERMS_PER_LINE if digits == 4 else TERMS_PER_LINE - 1  # longer numbers: fewer a line
    chunks = [shown[i : i + per_line] for i in range(0, len(shown), per_line)]
    lines = []
    for i, chunk in enumerate(chunks):
        if i == 0:
            lines.append(f"{symbol} = {format_sum(chunk, digits)}")
        else:
            lines.append("+ " + " + ".join(format_factor(t, digits) for t in chunk))
    if len(shown) < len(terms):  # the page's detail and the narration list them all
        lines[-1] += f" + … ({len(terms) - len(shown)} more)"
    end = f" {equals} {format_number(total, digits)}" if complete else " + …"
    lines[-1] += end
    return lines


# -- names -----------------------------------------------------------------------


def node_name(node: Value, number: int) -> str:
    """The node's label, or its number and op when it has none (``#7 (*)``).

    The number is the node's position in the trace; drawings show it in
    unlabelled nodes, so the narration's ``#7`` can be found in the picture.
    """
    label = checked_label(node)
    name = label or (f"#{number} ({node.op})" if node.op else f"#{number}")
    return _SURROGATE.sub("\ufffd", name)  # a lone surrogate cannot be written as UTF-8


def checked_label(node: Value) -> str:
    """``node.label``, refusing a label that is not a str with a clear error."""
    label = node.label
    if not isinstance(label, str):
        raise TypeError(
            f"the label of {node.op or 'leaf'} node with data {node.data!r} is a "
            f"{type(label).__name__} ({label!r:.60}); labels must be str"
        )
    return label


# -- labels as markup ------------------------------------------------------------

# one script: _ or ^, then {text without braces or scripts} or one letter/digit
_SCRIPT = re.compile(r"([_^])(?:\{([^{}_^]+)\}|([A-Za-z0-9]))")
# characters no drawing can carry: shown as the Unicode "control pictures"
_CONTROL = re.compile("[\x00-\x1f\x7f]")  # a newline too: Graphviz drops a label of newlines alone
_SURROGATE = re.compile("[\ud800-\udfff]")


def _visible(text: str) -> str:
    """Control characters and lone surrogates as visible stand-ins."""
    text = _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group()) if m.group() != "\x7f" else 0x2421), text)
    return _SURROGATE.sub("\ufffd", text)


def label_parts(label: str) -> list[tuple[str, str]]:
    """A label split into ``("", text)``, ``("sub", text)`` and ``("sup", text)`` pieces.

    A label is TeX-like when every ``_`` and ``^`` in it starts a script,
    ``{...}`` or one letter or digit that is not followed by another one,
    and it has no other brace. Anything else is one plain piece, as typed.

        >>> label_parts("a^{0}_{1}")
        [('', 'a'), ('sup', '0'), ('sub', '1')]
        >>> label_parts("loss_fn")
        [('', 'loss_fn')]
    """
    parts: list[tuple[str, str]] = []
    text: list[str] = []
    i, n = 0, len(label)
    while i < n:
        c = label[i]
        if c in "{}":
            return [("", label)]
        if c not in "_^":
            text.append(c)
            i += 1
            continue
        m = _SCRIPT.match(label, i)
        if m is None or i == 0:
            return [("", label)]
        if m.group(3) is not None and m.end() < n and label[m.end()].isalnum():
            return [("", label)]  # my_var: an underscore inside a word
        if text:
            parts.append(("", "".join(text)))
            text = []
        parts.append(("sub" if m.group(1) == "_" else "sup", m.group(2) or m.group(3)))
        i = m.end()
    if text:
        parts.append(("", "".join(text)))
    return parts or [("", label)]


def variable_name(label: str) -> str:
    """What ``∂C/∂·`` names a unit by: the letter of ``a_0^{H1}``, a name like ``out_h1`` whole, else ``a``.

        >>> variable_name("a_0^{H1}"), variable_name("out_h1"), variable_name("layer 1/neuron 0")
        ('a', 'out_h1', 'a')
    """
    parts = label_parts(label)
    if len(parts) > 1 and parts[0][0] == "" and len(parts[0][1]) == 1 and parts[0][1].isalpha():
        return parts[0][1]
    return shorten(label, MAX_NAME_CHARS) if label.isidentifier() else "a"


def label_plain(label: str) -> str:
    """The label as plain text fit for any drawing: shortened, controls made visible."""
    return _visible(shorten(label, MAX_LABEL_CHARS))


def label_html(label: str) -> str:
    """The label as HTML for a browser: ``<sub>``/``<sup>`` for scripts, the rest escaped."""
    out = []
    for kind, text in label_parts(label_plain(label)):
        text = html.escape(text, quote=True)
        out.append(f"<{kind}>{text}</{kind}>" if kind else text)
    return "".join(out)


def dot_escape(text: str) -> str:
    """Plain text for inside a Graphviz HTML-like label.

    Markup characters are escaped, and each backslash doubled: Graphviz
    would read ``\\G``, ``\\N``, ``\\E``... as the graph's or node's name.
    """
    return html.escape(_visible(text), quote=True).replace("\\", "\\\\")


def text_html(text: str) -> str:
    r"""Plain text for an HTML ``<pre>``: escaped, controls visible, but each line its own line.

        >>> text_html("a < b\nc\td")
        'a &lt; b\nc␉d'
    """
    return "\n".join(html.escape(_visible(line), quote=True) for line in text.split("\n"))


def label_dot(label: str, script_size: float | None = None) -> str:
    """The label as markup inside a Graphviz HTML-like label (``<SUB>``/``<SUP>``).

    ``script_size`` sets the point size of scripts (Graphviz draws them
    at full size otherwise). The result goes between ``<`` and ``>``.
    """

    def markup(text: str) -> str:
        out = []
        for kind, piece in label_parts(text):
            piece = dot_escape(piece)
            if kind:
                if script_size is not None:
                    piece = f'<FONT POINT-SIZE="{script_size:g}">{piece}</FONT>'
                piece = f"<{kind.upper()}>{piece}</{kind.upper()}>"
            out.append(piece)
        return "".join(out)

    return _fitted(label, markup)


def _fitted(text: str, markup: Callable[[str], str], most: int = MAX_LABEL_CHARS) -> str:
    """``markup(text)``, with ``text`` shortened until the markup fits in ``most`` characters.

    Escaping can make markup several times longer than the text.
    """
    limit = most
    while True:
        out = markup(shorten(text, limit))
        if len(out) <= most or limit < 64:
            return out
        limit //= 2


def plain_dot(text: str, most: int = MAX_LABEL_CHARS) -> str:
    """`dot_escape` of ``text``, shortened so the markup is at most ``most`` characters."""
    return _fitted(text, dot_escape, most)


def op_dot(op: str) -> str:
    """An op's name inside a Graphviz HTML-like label, shortened like a label."""
    return plain_dot(op) if op else "&#160;"  # Graphviz refuses an empty <B></B>


def attribute_text(text: str) -> str:
    """Plain text for a quoted Graphviz attribute such as ``tooltip``.

    Quotes become ``&quot;`` and backslashes are doubled, so no string can
    end the attribute or be read as an escape like ``\\N``. A tooltip is
    shortened to 1,000 characters: the graphviz package checks quoted
    strings with a regex that takes quadratic time on runs of backslashes.
    """
    return _fitted(text, dot_escape, MAX_ATTRIBUTE_CHARS)


def dot_id(text: str) -> str:
    """User text (a scope name) inside a DOT identifier: quotes and backslashes escaped.

    A long one is shortened and made unique again with a hash of the whole.

        >>> len(dot_id("x" * 20_000))
        217
    """
    if len(text) > MAX_ATTRIBUTE_CHARS // 5:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        text = f"{shorten(text, MAX_ATTRIBUTE_CHARS // 5)} {digest}"
    return _visible(text).replace("\\", "\\\\").replace('"', '\\"')


# -- labels as plain Unicode (network view: tooltips, printed narration) -------------

_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
_SUP = dict(
    zip(
        "0123456789+-=()ABDEGHIJKLMNOPRTUWabcdefghijklmnoprstuvwxyz",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁᵂᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ",
        strict=True,
    )
)


def label_unicode(label: str) -> str:
    """The label in plain Unicode, for tooltips and printed text: ``a_0^{H1}`` as ``a₀ᴴ¹``.

    A script with a character Unicode has no small form is written in parentheses.
    Names are shortened to `MAX_NAME_CHARS`: they go into sums and sentences.
    """
    out = []
    for kind, text in label_parts(shorten(label, MAX_NAME_CHARS)):
        table = _SUB if kind == "sub" else _SUP if kind == "sup" else None
        if table is None:
            out.append(text)
        elif all(c in table for c in text):
            out.append("".join(table[c] for c in text))
        else:
            out.append(f"({text})")
    return "".join(out)


# -- how wide a text is -----------------------------------------------------------

# Helvetica advance widths in 1/1000 em (the font Graphviz is asked to use).
_WIDTHS = {
    **dict.fromkeys("0123456789", 556),
    " ": 278,
    "\u00a0": 278,
    ".": 278,
    ",": 278,
    "-": 333,
    "(": 333,
    ")": 333,
    "+": 584,
    "=": 584,
    "×": 584,
    "←": 1000,
    "…": 1000,
    "∂": 494,
    "/": 278,
    "Σ": 713,
    "i": 222,
    "l": 222,
    "j": 222,
    "f": 278,
    "t": 278,
    "r": 333,
    "m": 833,
    "w": 722,
    "W": 944,
    "M": 833,
}


def text_width(text: str, size: float) -> float:
    """A generous estimate of ``text``'s width in points (Helvetica at ``size``)."""
    total = 0
    for c in text:
        total += _WIDTHS.get(c, 667 if c.isupper() else 556)
    return total * size / 1000 * 1.06


def natural_key(text: str) -> list[object]:
    """Sort key that puts "neuron 2" before "neuron 10".

        >>> sorted(["neuron 10", "neuron 2"], key=natural_key)
        ['neuron 2', 'neuron 10']
    """
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]
