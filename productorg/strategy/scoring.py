"""Prioritisation scores: the built-in models and leaders' own formulas, evaluated safely.

Pure Python, no ORM. A formula is parsed once, checked against a whitelist of syntax (numbers,
the variables below, arithmetic, comparisons, a few functions) and then evaluated per
initiative by simpleeval's tree walker: nothing is ever handed to `eval`.
"""

from __future__ import annotations

import ast
import copy
import difflib
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from simpleeval import SimpleEval

MAX_FORMULA_LENGTH = 500
MAX_EXPONENT = 100


@dataclass(frozen=True)
class Variable:
    """A number of an initiative that a formula may use."""

    name: str  # as written in a formula
    field: str  # the Initiative field it reads
    label: str
    help: str


VARIABLES: tuple[Variable, ...] = (
    Variable("value", "value_estimate", "Value", "The value estimate, in the portfolio's units."),
    Variable("effort", "effort_estimate", "Effort (pw)", "Effort estimate in person-weeks."),
    Variable("reach", "reach", "Reach", "People or events affected per quarter."),
    Variable("impact", "impact", "Impact", "0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive."),
    Variable("confidence", "confidence", "Confidence (%)", "100 high, 80 medium, 50 low."),
    Variable("ease", "ease", "Ease", "1 (hard) to 10 (easy)."),
    Variable("business_value", "business_value", "Business value", "Relative, 1 to 100."),
    Variable("time_criticality", "time_criticality", "Time criticality", "Relative, 1 to 100."),
    Variable(
        "risk_reduction",
        "risk_reduction",
        "Risk reduction",
        "Risk reduction or opportunity enablement, relative, 1 to 100.",
    ),
    Variable("job_size", "job_size", "Job size", "Relative size of the work, 1 to 100."),
    Variable("duration", "duration_quarters", "Duration (quarters)", "1 to 8 quarters."),
)
VARIABLES_BY_NAME: dict[str, Variable] = {variable.name: variable for variable in VARIABLES}
# A formula may also use the field's own name (`effort_estimate` for `effort`).
ALIASES: dict[str, str] = {
    variable.field: variable.name for variable in VARIABLES if variable.field != variable.name
}


@dataclass(frozen=True)
class ScoringSpec:
    """A prioritisation model as the ranking uses it: built in, or a leader's own."""

    slug: str
    name: str
    formula: str
    explanation: str = ""
    custom_id: int | None = None

    @property
    def is_builtin(self) -> bool:
        return self.custom_id is None


BUILTIN_MODELS: tuple[ScoringSpec, ...] = (
    ScoringSpec(
        "rice",
        "RICE",
        "reach * impact * (confidence / 100) / effort",
        "Reach × Impact × Confidence ÷ Effort (Intercom). Reach per quarter; impact 0.25 minimal,"
        " 0.5 low, 1 medium, 2 high, 3 massive; confidence in percent; effort in person-weeks"
        " (Intercom counts person-months, so these scores are about four times theirs, in the"
        " same order).",
    ),
    ScoringSpec(
        "wsjf",
        "WSJF",
        "(business_value + time_criticality + risk_reduction) / job_size",
        "Weighted shortest job first (SAFe): the cost of delay (business value + time"
        " criticality + risk reduction or opportunity enablement) ÷ job size. All four are"
        " relative estimates, usually on the Fibonacci scale 1, 2, 3, 5, 8, 13, 20.",
    ),
    ScoringSpec(
        "ice",
        "ICE",
        "impact * confidence / 100 * ease",
        "Impact × Confidence × Ease (Sean Ellis). Impact on RICE's scale (0.25 to 3), confidence"
        " in percent taken as a share, ease from 1 (hard) to 10 (easy): scores run from 0 to 30.",
    ),
    ScoringSpec(
        "value-effort",
        "Value ÷ effort",
        "value / effort",
        "The value estimate per person-week of effort: the plainest return on investment.",
    ),
)
BUILTIN_BY_SLUG: dict[str, ScoringSpec] = {spec.slug: spec for spec in BUILTIN_MODELS}
DEFAULT_SLUG = "rice"
CUSTOM_PREFIX = "custom-"


def custom_slug(scoring_model_id: int) -> str:
    return f"{CUSTOM_PREFIX}{scoring_model_id}"


def custom_id_of(slug: str) -> int | None:
    """The ScoringModel id a slug names, or None when it names none."""
    digits = slug.removeprefix(CUSTOM_PREFIX)
    if digits == slug or not digits.isdigit() or len(digits) > 18:
        return None
    return int(digits)


# Evaluation.


class _InputError(Exception):
    """An initiative's numbers that this formula cannot score (the message says why)."""


def _power(base: float, exponent: float) -> float:
    if abs(exponent) > MAX_EXPONENT:
        raise _InputError(f"an exponent of {exponent:g} is above the limit of {MAX_EXPONENT}")
    if base < 0 and exponent != int(exponent):
        raise _InputError("a negative number to a fractional power has no real value")
    return float(base) ** exponent


def _sqrt(number: float) -> float:
    if number < 0:
        raise _InputError(f"sqrt of a negative number ({number:g})")
    return math.sqrt(number)


def _log(number: float) -> float:
    if number <= 0:
        raise _InputError(f"log of {number:g} (it needs a number above 0)")
    return math.log(number)


def _round(number: float, digits: float = 0) -> float:
    return round(number, int(digits))


# name: (function, fewest arguments, most arguments or None for any number)
FUNCTIONS: dict[str, tuple[Callable[..., float], int, int | None]] = {
    "min": (min, 2, None),
    "max": (max, 2, None),
    "abs": (abs, 1, 1),
    "round": (_round, 1, 2),
    "sqrt": (_sqrt, 1, 1),
    "log": (_log, 1, 1),
}

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: _power,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
_COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
OPERATORS: dict[type, Callable] = {**_BINARY, **_UNARY, **_COMPARE}
_SYMBOLS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.Invert: "~",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_CONSTRUCTS = {
    ast.Attribute: "attribute access (a dot after a value)",
    ast.Subscript: "indexing with [...]",
    ast.Tuple: "a tuple",
    ast.List: "a list",
    ast.Dict: "a dictionary",
    ast.Set: "a set",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.Lambda: "lambda",
    ast.NamedExpr: "assignment (:=)",
    ast.JoinedStr: "text",
    ast.Starred: "unpacking (*)",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}
_ALLOWED_SUMMARY = (
    "numbers, the variables, + - * / **, comparisons, `a if condition else b`, and, or, not,"
    " and the functions " + ", ".join(FUNCTIONS)
)


@dataclass(frozen=True)
class ScoreResult:
    """One initiative's score, or why it has none."""

    value: float | None
    missing: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def reason(self) -> str:
        """Why there is no score, in words; empty when there is one."""
        if self.missing:
            return "not estimated: " + ", ".join(self.missing)
        return self.error or ""


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


class _Checker(ast.NodeTransformer):
    """Refuses anything outside the whitelist; collects the variables, resolves aliases."""

    def __init__(self) -> None:
        self.positions: dict[str, tuple[int, int]] = {}
        self.unknown: list[str] = []

    @property
    def variables(self) -> list[str]:
        """The variables used, in the order they are first written."""
        return sorted(self.positions, key=self.positions.__getitem__)

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)):
            return node
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp)):
            return super().generic_visit(node)
        construct = _CONSTRUCTS.get(type(node), type(node).__name__)
        raise _invalid(
            f"{construct.capitalize()} is not allowed in a formula; use {_ALLOWED_SUMMARY}.",
            "not_allowed",
        )

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            shown = "Text" if isinstance(node.value, (str, bytes)) else repr(node.value)
            raise _invalid(f"{shown} is not allowed in a formula: only numbers.", "not_allowed")
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        name = ALIASES.get(node.id, node.id)
        if name in VARIABLES_BY_NAME:
            self.positions.setdefault(name, (node.lineno, node.col_offset))
            return ast.copy_location(ast.Name(id=name, ctx=node.ctx), node)
        if node.id in FUNCTIONS:
            raise _invalid(
                f"{node.id} is a function: call it, as in {node.id}(reach, 1).", "not_allowed"
            )
        if node.id not in self.unknown:
            self.unknown.append(node.id)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        if type(node.op) not in _BINARY:
            symbol = _SYMBOLS.get(type(node.op), type(node.op).__name__)
            raise _invalid(f"The operator {symbol} is not allowed in a formula.", "not_allowed")
        if isinstance(node.op, ast.Div) and _is_literal_zero(node.right):
            raise _invalid(
                f"The formula divides by zero ({ast.unparse(node)}).", "division_by_zero"
            )
        return self._visit_children(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        if type(node.op) not in _UNARY:
            symbol = _SYMBOLS.get(type(node.op), type(node.op).__name__)
            raise _invalid(f"The operator {symbol} is not allowed in a formula.", "not_allowed")
        return self._visit_children(node)

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        for comparison in node.ops:
            if type(comparison) not in _COMPARE:
                symbol = _SYMBOLS.get(type(comparison), type(comparison).__name__)
                raise _invalid(
                    f"The comparison {symbol} is not allowed in a formula.", "not_allowed"
                )
        return self._visit_children(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Attribute):
            self.generic_visit(node.func)  # refuses it as attribute access
        if not isinstance(node.func, ast.Name):
            raise _invalid(
                f"Only the functions {', '.join(FUNCTIONS)} can be called in a formula.",
                "not_allowed",
            )
        name = node.func.id
        if name not in FUNCTIONS:
            raise _invalid(
                f"Unknown function “{name}”; a formula can call {', '.join(FUNCTIONS)}.",
                "unknown_function",
            )
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise _invalid(f"Give {name} its numbers plainly, as in {name}(a, b).", "not_allowed")
        _, fewest, most = FUNCTIONS[name]
        if len(node.args) < fewest or (most is not None and len(node.args) > most):
            wanted = {1: "one number", 2: "two numbers"}
            expected = (
                f"at least {wanted[fewest]}"
                if most is None
                else wanted[most]
                if fewest == most
                else f"{wanted[fewest]} or {wanted[most]}"
            )
            raise _invalid(f"{name} takes {expected}.", "not_allowed")
        node.args = [self.visit(arg) for arg in node.args]
        return node

    def _visit_children(self, node: ast.AST) -> ast.AST:
        return super().generic_visit(node)


def _is_literal_zero(node: ast.AST) -> bool:
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and node.value == 0


def _unknown_names_message(unknown: list[str]) -> str:
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, [*VARIABLES_BY_NAME, *ALIASES], n=1)
        hints.append(f"“{name}” (did you mean {close[0]}?)" if close else f"“{name}”")
    noun = "name" if len(unknown) == 1 else "names"
    return f"Unknown {noun}: {', '.join(hints)}. A formula can use {', '.join(VARIABLES_BY_NAME)}."


@dataclass(frozen=True, eq=False)
class Formula:
    """A checked formula, parsed once; `scorer()` evaluates it for many initiatives."""

    text: str
    tree: ast.expr
    variables: tuple[str, ...]
    workings_template: str

    def scorer(self) -> Callable[[Mapping[str, object]], ScoreResult]:
        """A function scoring one initiative's inputs (variable name → number or None).

        Each scorer owns its evaluator, so scorers may run in different threads."""
        score_values = self.values_scorer()
        variables = self.variables
        return lambda inputs: score_values([inputs.get(name) for name in variables])

    def values_scorer(self) -> Callable[[Sequence[object]], ScoreResult]:
        """Like `scorer`, for the inputs as a sequence in the order of `variables`: the
        ranking's fast path over thousands of rows."""
        names: dict[str, float] = {}
        evaluator = SimpleEval(operators=OPERATORS, functions=_function_table(), names=names)
        variables, text, tree = self.variables, self.text, self.tree

        def score_values(values: Sequence[object]) -> ScoreResult:
            if None in values:
                missing = [
                    name for name, value in zip(variables, values, strict=True) if value is None
                ]
                return ScoreResult(None, missing)
            names.update(zip(variables, map(float, values), strict=True))  # type: ignore[arg-type]
            try:
                value = evaluator.eval(text, previously_parsed=tree)
            except ZeroDivisionError:
                return ScoreResult(None, [], self.zero_divisor(evaluator))
            except _InputError as error:
                return ScoreResult(None, [], str(error))
            except OverflowError:
                return ScoreResult(None, [], "the score is too large to compute")
            except RecursionError:
                return ScoreResult(None, [], "the formula is nested too deeply")
            except (ArithmeticError, ValueError, TypeError) as error:
                return ScoreResult(None, [], f"it cannot be computed ({error})")
            if isinstance(value, complex) or not math.isfinite(value):
                return ScoreResult(None, [], "the score is not a finite number")
            return ScoreResult(float(value))

        return score_values

    def zero_divisor(self, evaluator: SimpleEval) -> str:
        """Names what was 0 in a division that failed: "effort is 0"."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                try:
                    divisor = evaluator.eval(self.text, previously_parsed=node.right)
                except Exception:  # noqa: S112 - a divisor that fails itself is not the zero
                    continue
                if divisor == 0:
                    return f"{ast.unparse(node.right)} is 0"
        return "it divides by zero"

    def workings(self, inputs: Mapping[str, object]) -> str:
        """The formula with the initiative's numbers in place of the names: the score argued."""
        return self.workings_template.format_map(
            {
                name: name if inputs.get(name) is None else _plain_number(inputs[name])
                for name in self.variables
            }
        )


def _workings_template(tree: ast.expr) -> str:
    """The formula written out with a `{name}` slot for each variable.

    A checked formula holds no braces (no text, sets or dictionaries), so the slots are the
    only ones."""

    class Slots(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id not in VARIABLES_BY_NAME:  # a function's name
                return node
            return ast.Name(id=f"{{{node.id}}}", ctx=node.ctx)

    return ast.unparse(Slots().visit(copy.deepcopy(tree)))


def _plain_number(number: object) -> str:
    as_float = float(number)  # type: ignore[arg-type]
    shown = str(int(as_float)) if as_float.is_integer() and abs(as_float) < 1e15 else repr(as_float)
    return f"({shown})" if as_float < 0 else shown


def _function_table() -> dict[str, Callable[..., float]]:
    return {name: function for name, (function, _, _) in FUNCTIONS.items()}


@lru_cache(maxsize=256)
def formula_compile(formula: str) -> Formula:
    """Parse and check a formula; raises ValidationError naming what is wrong.

    Refused: syntax errors, unknown names, anything but numbers, the variables, arithmetic,
    comparisons and the whitelisted functions, a literal division by zero, and a formula that
    divides by zero or fails when every input is 1."""
    text = (formula or "").strip()
    if not text:
        raise _invalid("Write a formula, such as value / effort.", "required")
    if len(text) > MAX_FORMULA_LENGTH:
        raise _invalid(f"Keep the formula under {MAX_FORMULA_LENGTH} characters.", "too_long")
    try:
        parsed = ast.parse(text, mode="eval")
    except SyntaxError as error:
        where = f" at character {error.offset}" if error.offset else ""
        raise _invalid(f"The formula is not valid: {error.msg}{where}.", "syntax") from None
    except (RecursionError, MemoryError):
        raise _invalid("The formula is nested too deeply.", "syntax") from None
    except ValueError:
        raise _invalid("The formula holds a character it cannot use.", "syntax") from None
    checker = _Checker()
    try:
        tree = checker.visit(parsed.body)
    except RecursionError:
        raise _invalid("The formula is nested too deeply.", "syntax") from None
    if checker.unknown:
        raise _invalid(_unknown_names_message(checker.unknown), "unknown_name")
    compiled = Formula(
        text=text,
        tree=tree,
        variables=tuple(checker.variables),
        workings_template=_workings_template(tree),
    )
    _try_on_ones(compiled)
    if not checker.variables:
        raise _invalid(
            "The formula uses none of an initiative's numbers, so it would rank nothing. "
            f"A formula can use {', '.join(VARIABLES_BY_NAME)}.",
            "no_variables",
        )
    return compiled


def _try_on_ones(compiled: Formula) -> None:
    names = dict.fromkeys(compiled.variables, 1.0)
    evaluator = SimpleEval(operators=OPERATORS, functions=_function_table(), names=names)
    try:
        value = evaluator.eval(compiled.text, previously_parsed=compiled.tree)
    except ZeroDivisionError:
        raise _invalid(
            "The formula divides by zero when every input is 1"
            f" ({compiled.zero_divisor(evaluator)}).",
            "division_by_zero",
        ) from None
    except _InputError as error:
        raise _invalid(
            f"The formula cannot be computed when every input is 1: {error}.", "not_computable"
        ) from None
    except (OverflowError, RecursionError):
        raise _invalid("The formula gives a number too large to compute.", "too_large") from None
    except (ArithmeticError, ValueError, TypeError) as error:
        raise _invalid(
            f"The formula cannot be computed when every input is 1 ({error}).", "not_computable"
        ) from None
    if isinstance(value, complex) or not math.isfinite(value):
        raise _invalid("The formula gives no finite number.", "not_computable")


def formula_validate(formula: str) -> None:
    """Raises ValidationError with a clear message when the formula cannot be used."""
    formula_compile(formula)


def score(formula: str, inputs: Mapping[str, object]) -> ScoreResult:
    """One initiative's score under a formula; raises ValidationError if the formula is bad."""
    return formula_compile(formula).scorer()(inputs)


def format_number(number: float | Decimal | int | None) -> str:
    """A score or input for people: thousands grouped, three significant digits when small."""
    if number is None:
        return "—"
    number = float(number)
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    if abs(number) >= 100:
        return f"{number:,.0f}"
    if abs(number) >= 1:
        return f"{number:.2f}".rstrip("0").rstrip(".")
    return f"{number:.3g}"
