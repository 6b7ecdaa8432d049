# Type stubs for the native module kaoping._kaoping (hand-written; checked against the module by
# `python -m mypy.stubtest kaoping._kaoping` in the tests).

import datetime
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Literal, Optional, Union, overload

from typing_extensions import final

__version__: str
__all__ = [
    "__version__",
    "Advice",
    "Alternative",
    "Blocker",
    "Change",
    "KaopingError",
    "KaopingWarning",
    "RulebookError",
    "InputError",
    "EvaluationError",
    "RulebookSyntaxError",
    "SchemaError",
    "DuplicateIdError",
    "OrphanIndicatorError",
    "PointsMismatchError",
    "BandOrderError",
    "MissingElseError",
    "DegenerateLinearError",
    "UnknownNameError",
    "TypeMismatchError",
    "CycleError",
    "UnknownProfileError",
    "GradeOrderError",
    "UnknownGradeError",
    "TooDeepError",
    "MissingInputError",
    "InputTypeError",
    "InputOutOfRangeError",
    "NoDatedValueError",
    "DivisionByZeroError",
    "DecimalOverflowError",
    "LookupMissError",
    "PanelTooSmallError",
    "CohortRequiredError",
    "DuplicateKeyError",
    "IoError",
    "Problem",
    "Issue",
    "Rulebook",
    "Result",
    "AggregateLine",
    "Batch",
    "Results",
    "Loc",
    "Indicator",
    "Input",
    "TestFailure",
    "Lint",
    "Finding",
    "Comparison",
    "compare",
    "builtin",
    "builtins",
    "error_kinds",
    "get_language",
    "set_language",
    "_restore_rulebook",
    "_unpickle_compilations",
    "_join_key",
    "_join_column",
    "DesignResult",
    "design_ahp",
    "design_ahp_hierarchy",
    "design_entropy",
    "design_cv",
    "design_topsis",
    "design_write",
]

_Number = Union[Decimal, int, float, str]
"""A number as kaoping reads it: Decimal and int exactly, float by its repr, str as a cell."""

_Value = Union[_Number, bool, None, Sequence[_Number], Sequence[Mapping[str, Any]], datetime.date]
"""A record value: a number, a boolean, text, None (missing), marks (numbers) or items."""

_Record = Mapping[str, Any]
"""A record: input names to values (see `_Value`)."""

_DateLike = Union[datetime.date, str]

def builtin(id: str) -> Rulebook:
    """A built-in rulebook by id (see `builtins()`)."""

def builtins() -> list[str]:
    """The ids of the built-in rulebooks."""

def error_kinds() -> list[tuple[int, str, str]]:
    """Every error kind of the core: (code, name, exception class name), in code order."""

def set_language(lang: str) -> None:
    """Set the language of every exception message and warning kaoping gives from now on: "zh"
    (中文) or "en" (English, the default). Explanations keep their own `lang=` argument."""

def get_language() -> str:
    """The language of exception messages and warnings: "zh" or "en"."""

def _restore_rulebook(state: tuple[Any, ...]) -> Rulebook:
    """Rebuild a pickled `Rulebook` from its state (what `Rulebook.__reduce__` names)."""

def _unpickle_compilations() -> int:
    """How many times this process has compiled a rulebook from a pickled state."""

def _join_key(cell: str) -> str:
    """A join key as the core compares keys (trimmed, full-width as ASCII, 510001.0 as 510001)."""

def _join_column(rb: Rulebook, path: str, header: Sequence[str]) -> int:
    """Which column of a child table's header holds its parent's key (one-level list paths)."""

class KaopingWarning(UserWarning):
    """A column or field kaoping did not use but will not hide (with what it probably meant)."""

class KaopingError(Exception):
    """Base class of every kaoping error."""

    kind: ClassVar[Optional[str]]
    code: ClassVar[Optional[int]]
    problems: Sequence[Problem]
    issues: Sequence[Issue]
    rulebook: Optional[str]
    row: Optional[int]
    """The row's number counting from 1, as in messages (not an index label)."""
    index: Any
    """In a batch: the row's label in `Batch.to_pandas()`'s index (for `res.loc[e.index]`)."""
    key: Optional[str]
    field: Optional[str]
    item: Optional[str]
    """The item of a list input the first issue is in: `households[17] (5100000017)`, nested
    levels joined by `.`; `None` for the record's own problems."""
    value: Optional[str]
    indicator: Optional[str]
    cause: Optional[str]

class RulebookError(KaopingError):
    """A rulebook did not load; `problems` lists every problem found."""

class InputError(KaopingError):
    """A record's values are not acceptable; `field`, `row`, `value` describe the first issue."""

class EvaluationError(KaopingError):
    """A record could not be scored; `indicator` names the place, `cause` says why."""

class RulebookSyntaxError(RulebookError): ...
class SchemaError(RulebookError): ...
class DuplicateIdError(RulebookError): ...
class OrphanIndicatorError(RulebookError): ...
class PointsMismatchError(RulebookError): ...
class BandOrderError(RulebookError): ...
class MissingElseError(RulebookError): ...
class DegenerateLinearError(RulebookError): ...
class UnknownNameError(RulebookError): ...
class TypeMismatchError(RulebookError): ...
class CycleError(RulebookError): ...
class UnknownProfileError(RulebookError, InputError): ...
class GradeOrderError(RulebookError): ...
class UnknownGradeError(RulebookError): ...
class TooDeepError(RulebookError): ...
class MissingInputError(InputError): ...
class InputTypeError(InputError): ...
class InputOutOfRangeError(InputError): ...
class NoDatedValueError(EvaluationError): ...
class DivisionByZeroError(EvaluationError): ...
class DecimalOverflowError(EvaluationError): ...
class LookupMissError(EvaluationError): ...
class PanelTooSmallError(EvaluationError): ...
class CohortRequiredError(EvaluationError): ...
class DuplicateKeyError(InputError): ...
class IoError(RulebookError, OSError): ...

@final
class Problem:
    """One problem found while loading a rulebook."""

    @property
    def kind(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def file(self) -> Optional[str]: ...
    @property
    def line(self) -> Optional[int]: ...
    @property
    def column(self) -> Optional[int]: ...
    @property
    def path(self) -> Optional[str]: ...

@final
class Issue:
    """One problem with a record."""

    @property
    def kind(self) -> str: ...
    @property
    def field(self) -> Optional[str]: ...
    @property
    def at(self) -> Optional[str]: ...
    @property
    def value(self) -> Optional[str]: ...
    @property
    def item(self) -> Optional[str]: ...
    @property
    def message(self) -> str: ...

@final
class Indicator:
    """One indicator of a rulebook."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def depth(self) -> int: ...
    @property
    def parent(self) -> Optional[str]: ...
    @property
    def points(self) -> Decimal: ...
    @property
    def rule(self) -> Optional[str]: ...
    @property
    def source(self) -> Optional[str]: ...
    @property
    def is_leaf(self) -> bool: ...

@final
class Input:
    """One input of a rulebook."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> Literal["decimal", "integer", "boolean", "text", "numbers", "items"]: ...
    @property
    def label(self) -> Optional[str]: ...
    @property
    def unit(self) -> Optional[str]: ...
    @property
    def required(self) -> bool: ...
    @property
    def values(self) -> Optional[list[str]]: ...
    @property
    def min(self) -> Optional[Decimal]: ...
    @property
    def max(self) -> Optional[Decimal]: ...
    @property
    def fields(self) -> list[tuple[str, str]]: ...
    @property
    def rulebook(self) -> Optional[str]: ...
    @property
    def actionable(self) -> bool: ...

@final
class TestFailure:
    """One expectation of a rulebook's embedded test that did not hold."""

    @property
    def test(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def expected(self) -> str: ...
    @property
    def got(self) -> str: ...

@final
class Rulebook:
    """A loaded, validated rulebook. Immutable; safe to share between threads."""

    @staticmethod
    def from_str(
        text: str,
        format: Literal["toml", "json"] = "toml",
        *,
        components: Optional[Iterable[Rulebook]] = None,
        search: Optional[Iterable[Union[str, os.PathLike[str]]]] = None,
        file_lookup: bool = True,
    ) -> Rulebook: ...
    @staticmethod
    def from_file(
        path: Union[str, os.PathLike[str]],
        *,
        components: Optional[Iterable[Rulebook]] = None,
        search: Optional[Iterable[Union[str, os.PathLike[str]]]] = None,
        file_lookup: bool = True,
    ) -> Rulebook: ...
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def scale(self) -> int: ...
    @property
    def illustrative(self) -> bool: ...
    @property
    def description(self) -> Optional[str]: ...
    @property
    def source(self) -> Optional[str]: ...
    @property
    def text(self) -> Optional[str]: ...
    @property
    def profiles(self) -> list[str]: ...
    @property
    def grades(self) -> list[str]: ...
    @property
    def key_field(self) -> Optional[str]: ...
    @property
    def profile_field(self) -> Optional[str]: ...
    @property
    def indicators(self) -> list[Indicator]: ...
    @property
    def inputs(self) -> list[Input]: ...
    def item_rulebook(self, name: str) -> Optional[Rulebook]: ...
    @property
    def has_relative_rules(self) -> bool: ...
    def result_schema(self, *, points: bool = True, ranks: bool = True) -> Any:
        """The `pyarrow.Schema` of `score_many(...).to_arrow(points=…, ranks=…)`."""
    def __reduce__(self) -> tuple[Any, tuple[tuple[Any, ...]]]: ...
    def max(self, profile: Optional[str] = None) -> Optional[Decimal]: ...
    def score(
        self,
        record: _Record,
        *,
        profile: Optional[str] = None,
        as_of: Optional[_DateLike] = None,
        cohort: Optional[Mapping[Union[str, tuple[str, Optional[str]]], _Number]] = None,
        unknown: Literal["warn", "error", "ignore"] = "warn",
        keep_items: bool = False,
    ) -> Result: ...
    def score_many(
        self,
        records: Any,
        *,
        profile: Optional[str] = None,
        as_of: Optional[_DateLike] = None,
        parallel: bool = True,
        explain: bool = False,
        unknown: Literal["warn", "error", "ignore"] = "warn",
        items: Optional[Mapping[str, Any]] = None,
        keep_items: bool = False,
    ) -> Batch: ...
    def check_columns(
        self, columns: Sequence[str], *, unknown: Literal["warn", "error", "ignore"] = "warn"
    ) -> list[str]: ...
    def with_params(self, params: Mapping[str, _Number]) -> Rulebook: ...
    def with_changes(self, changes: Sequence[str]) -> Rulebook: ...
    @property
    def variant_of(self) -> Optional[dict[str, Any]]: ...
    @property
    def provenance(self) -> list[dict[str, Any]]: ...
    def run_tests(self) -> list[TestFailure]: ...
    def _repr_html_(self) -> str: ...
    def lint(self) -> Lint:
        """What the rulebook can and cannot do, proven from the rulebook alone."""
    def advise(
        self,
        record: Mapping[str, Any],
        goal: Union[str, int, Decimal],
        *,
        profile: Optional[str] = None,
        as_of: Optional[_DateLike] = None,
        max_inputs: int = 3,
        alternatives: int = 5,
        budget: int = 20000,
    ) -> Advice:
        """Advice (整改建议): the least changes of the record's actionable inputs that reach
        `goal` (a grade, "passed", or a total), each verified by scoring the changed record."""

@final
class Finding:
    """One proven finding of `Rulebook.lint()`: a stable code, a severity, the place, the words."""

    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> Literal["info", "warning", "error"]: ...
    @property
    def file(self) -> Optional[str]: ...
    @property
    def line(self) -> Optional[int]: ...
    @property
    def column(self) -> Optional[int]: ...
    @property
    def path(self) -> Optional[str]: ...
    def message(self, lang: Literal["zh", "en"] = "zh") -> str: ...

@final
class Lint:
    """`Rulebook.lint()`: findings, and the reachable ranges per profile and period."""

    @property
    def rulebook(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def findings(self) -> list[Finding]: ...
    @property
    def is_clean(self) -> bool: ...
    @property
    def ranges(self) -> list[dict[str, Any]]:
        """Per profile and period: profile, from, until, as_of, total, indicators, grades, passed;
        a range is {"min": Decimal | None, "max": Decimal | None, "text": str}."""
    def text(self, lang: Literal["zh", "en"] = "zh") -> str: ...
    def to_json(self) -> str: ...

@final
class Comparison:
    """`kaoping.compare(old, new, data)`: two rulebooks over the same units."""

    def __len__(self) -> int: ...
    @property
    def old(self) -> dict[str, Any]: ...
    @property
    def new(self) -> dict[str, Any]: ...
    @property
    def summary(self) -> dict[str, Any]: ...
    @property
    def transitions(self) -> dict[str, Any]:
        """{"states": [...], "counts": [[...]]}: counts[i][j] units from old state i to new state j."""
    @property
    def movers(self) -> list[dict[str, Any]]: ...
    def to_arrow(self) -> Any: ...
    def to_pandas(self) -> Any: ...
    def text(self, lang: Literal["zh", "en"] = "zh") -> str: ...
    def to_json(self) -> str: ...
    def _repr_html_(self) -> str: ...

def compare(
    old: Rulebook,
    new: Rulebook,
    data: Any,
    *,
    items: Optional[Mapping[str, Any]] = None,
    profile: Optional[str] = None,
    as_of: Optional[_DateLike] = None,
    movers: int = 10,
    parallel: bool = True,
    unknown: Literal["warn", "error", "ignore"] = "warn",
) -> Comparison:
    """Compare two rulebooks over the same units: which change total, grade or verdict, and why."""

@final
class Result:
    """A scored record: total, grade, every indicator's points and how they were reached."""

    @property
    def key(self) -> str: ...
    @property
    def profile(self) -> Optional[str]: ...
    @property
    def as_of(self) -> Optional[datetime.date]: ...
    @property
    def total(self) -> Optional[Decimal]: ...
    @property
    def max(self) -> Optional[Decimal]: ...
    @property
    def grade(self) -> Optional[str]: ...
    @property
    def passed(self) -> Optional[bool]: ...
    @property
    def base(self) -> Optional[Decimal]: ...
    @property
    def bonus(self) -> Optional[Decimal]: ...
    @property
    def penalty(self) -> Optional[Decimal]: ...
    @property
    def vetoes(self) -> list[str]: ...
    @property
    def component_vetoes(self) -> list[tuple[str, str, str]]: ...
    @property
    def next_grade(self) -> Optional[tuple[str, Optional[Decimal]]]: ...
    @property
    def next_grade_blocked_by(self) -> list[tuple[str, str, str]]: ...
    @property
    def warnings(self) -> list[str]: ...
    @property
    def rulebook(self) -> str: ...
    @property
    def position(self) -> Optional[int]: ...
    @property
    def aggregates(self) -> list[AggregateLine]: ...
    def items(self, name: str) -> list[Result]: ...
    def points(self, id: str) -> Optional[Decimal]: ...
    def lost(self) -> list[tuple[str, str, Decimal]]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self, *, pretty: bool = False) -> str: ...
    def explain(self, lang: Literal["zh", "en"] = "zh") -> str: ...
    def advise(
        self,
        goal: Union[str, int, Decimal],
        *,
        max_inputs: int = 3,
        alternatives: int = 5,
        budget: int = 20000,
    ) -> Advice:
        """Advice (整改建议) for the scored record (a result of `Rulebook.score`)."""
    def _repr_html_(self) -> str: ...

@final
class Change:
    """One input changed by an alternative of `Advice`."""

    @property
    def input(self) -> str: ...
    @property
    def label(self) -> Optional[str]: ...
    @property
    def before(self) -> Union[int, Decimal, bool, str]: ...
    @property
    def after(self) -> Union[int, Decimal, bool, str]: ...
    @property
    def delta(self) -> Optional[Decimal]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Alternative:
    """One way to the goal, verified by scoring the changed record."""

    @property
    def changes(self) -> list[Change]: ...
    @property
    def effects(self) -> list[tuple[str, str, Optional[Decimal], Optional[Decimal], Decimal]]:
        """(id, label, before, after, delta) of each indicator, bonus or penalty item that changes."""
    @property
    def total(self) -> Optional[Decimal]: ...
    @property
    def grade(self) -> Optional[str]: ...
    @property
    def passed(self) -> Optional[bool]: ...
    @property
    def size(self) -> Decimal: ...
    def text(self, lang: Literal["zh", "en"] = "zh") -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Blocker:
    """A veto, grade rule or criterion in the way of the goal, with the single changes that clear it."""

    @property
    def kind(self) -> Literal["veto", "grade_rule", "criterion"]: ...
    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def when(self) -> str: ...
    @property
    def cleared_by(self) -> list[Change]: ...
    def text(self, lang: Literal["zh", "en"] = "zh") -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Advice:
    """Advice (整改建议) for one record: blockers, ranked alternatives, or why there are none."""

    @property
    def key(self) -> str: ...
    @property
    def goal(self) -> str: ...
    @property
    def total(self) -> Optional[Decimal]: ...
    @property
    def grade(self) -> Optional[str]: ...
    @property
    def passed(self) -> Optional[bool]: ...
    @property
    def reached(self) -> bool: ...
    @property
    def blockers(self) -> list[Blocker]: ...
    @property
    def alternatives(self) -> list[Alternative]: ...
    @property
    def unreachable(self) -> Optional[tuple[Literal["beyond_profile", "nothing_actionable", "blocked", "not_found"], str, str]]:
        """(reason, Chinese, English) when no alternative is given."""
    @property
    def scored(self) -> int: ...
    @property
    def exhausted(self) -> bool: ...
    def text(self, lang: Literal["zh", "en"] = "zh") -> str: ...
    def to_json(self, *, pretty: bool = False) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class AggregateLine:
    """One aggregate call of a result's explanation: what it read and what it found."""

    @property
    def place(self) -> str: ...
    @property
    def call(self) -> str: ...
    @property
    def function(self) -> Literal["count", "sum", "mean", "min", "max", "first", "last", "share"]: ...
    @property
    def list(self) -> str: ...
    @property
    def list_label(self) -> Optional[str]: ...
    @property
    def x(self) -> Optional[str]: ...
    @property
    def cond(self) -> Optional[str]: ...
    @property
    def selected(self) -> int: ...
    @property
    def of(self) -> Optional[int]: ...
    @property
    def value(self) -> Optional[str]: ...
    @property
    def no_data_item(self) -> Optional[int]: ...

@final
class Results:
    """A batch's results, one slot per row (`None` where the row failed), explained when read."""

    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, key: int, /) -> Optional[Result]: ...
    @overload
    def __getitem__(self, key: slice, /) -> list[Optional[Result]]: ...
    def __iter__(self) -> Iterator[Optional[Result]]: ...

@final
class Loc:
    """`Batch.loc[label]`: a row's `Result` (or `None` where it failed) by its index label."""

    def __getitem__(self, key: Any, /) -> Optional[Result]: ...

@final
class Batch:
    """A scored batch: every input row has a slot, in input order."""

    def __len__(self) -> int: ...
    @property
    def results(self) -> Results: ...
    @property
    def errors(self) -> list[Optional[KaopingError]]: ...
    def result(self, i: int) -> Optional[Result]: ...
    def error(self, i: int) -> Optional[KaopingError]: ...
    @property
    def summary(self) -> dict[str, Any]: ...
    @property
    def unknown_columns(self) -> list[str]: ...
    def to_arrow(self, *, points: bool = True, ranks: bool = True, details: bool = False) -> Any: ...
    def to_excel(
        self, path: Union[str, os.PathLike[str]], *, headers: Literal["both", "labels", "ids"] = "both", ranks: bool = False
    ) -> None:
        """The .xlsx sheet `kaoping score RULEBOOK data --out x.xlsx` writes (行号 empty)."""
    def to_polars(self, *, points: bool = True, ranks: bool = True, details: bool = False) -> Any: ...
    def to_pandas(
        self,
        *,
        numbers: Literal["arrow", "decimal", "float"] = "arrow",
        dtype_backend: Optional[Literal["pyarrow"]] = None,
        points: bool = True,
        ranks: bool = True,
        details: bool = False,
    ) -> Any:
        """numbers: "arrow" exact decimal128 columns (default), "decimal" exact `Decimal` objects
        (publication), "float" float64 (exploration: describe(), nsmallest(), mean())."""
    def lowest(self, n: int = 20) -> list[Any]:
        """Labels of `to_pandas()`'s index (the input DataFrame's labels, else positions from 0)."""
    def label(self, i: int) -> Any: ...
    def positions(self, labels: Iterable[Any]) -> list[int]: ...
    @property
    def loc(self) -> Loc: ...
    @property
    def _path(self) -> str: ...
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...
    @overload
    def __getitem__(self, key: int, /) -> Optional[Result]: ...
    @overload
    def __getitem__(self, key: slice, /) -> list[Optional[Result]]: ...
    def __iter__(self) -> Iterator[Optional[Result]]: ...
    def _repr_html_(self) -> str: ...

# The native half of `kaoping.design` (use that module: it converts DataFrames and returns
# dataclasses).

@final
class DesignResult:
    """A design result that can be written into a rulebook (AHP or cohort weights)."""

    def to_json(self) -> str: ...

def design_ahp(
    labels: Sequence[str],
    rows: Sequence[Sequence[Optional[str]]],
    method: str,
    ri: str,
    accept_inconsistent: bool,
) -> DesignResult: ...
def design_ahp_hierarchy(
    nodes: Sequence[tuple[Optional[str], Sequence[str], Sequence[Sequence[Optional[str]]]]],
    method: str,
    ri: str,
    accept_inconsistent: bool,
) -> tuple[list[tuple[Optional[str], DesignResult]], str]: ...
def design_entropy(
    labels: Sequence[str], keys: Sequence[str], rows: Sequence[Sequence[float]], directions: Sequence[str]
) -> DesignResult: ...
def design_cv(labels: Sequence[str], keys: Sequence[str], rows: Sequence[Sequence[float]]) -> DesignResult: ...
def design_topsis(
    labels: Sequence[str],
    keys: Sequence[str],
    rows: Sequence[Sequence[float]],
    weights: Sequence[float],
    directions: Sequence[str],
) -> str: ...
def design_write(
    rulebook: Rulebook,
    parts: Sequence[tuple[Optional[str], DesignResult]],
    written_as: Optional[str],
    places: Optional[int],
    date: _DateLike,
) -> Rulebook: ...
