"""kaoping 考评 — scoring rules as code for government assessments.

A rulebook (考核方案) defines an assessment scheme: the inputs each unit reports, how indicators
turn them into points, vetoes (一票否决), criteria and grades (等次). kaoping validates it
completely and scores records exactly — every result equals exact rational arithmetic, rounded
only where the rulebook says — explaining every point.

    import kaoping
    rb = kaoping.Rulebook.from_file("scheme.toml")     # or kaoping.builtin("…")
    r = rb.score({"population": 120000, ...})           # Decimal / int / str / bool values
    r.total, r.grade, r.points("reduction.incidence")   # Decimal, str, Decimal
    b = rb.score_many(df)                               # list of dicts, DataFrame, Arrow table
    b.to_pandas()                                       # one row per record

Numbers are ``decimal.Decimal`` in and out; floats are read by their repr (0.1 is 0.1). pandas,
pyarrow and polars are optional. Errors are ``KaopingError`` subclasses: ``RulebookError`` (with
``.problems``), ``InputError`` (``.field``, ``.row``, ``.value``) and ``EvaluationError``
(``.indicator``, ``.cause``), with one subclass per error kind of the specification.
"""

import collections.abc as _abc

from kaoping._kaoping import (
    Advice,
    AggregateLine,
    Alternative,
    Blocker,
    Change,
    Batch,
    BandOrderError,
    CohortRequiredError,
    Comparison,
    DuplicateKeyError,
    CycleError,
    DecimalOverflowError,
    DegenerateLinearError,
    DivisionByZeroError,
    DuplicateIdError,
    EvaluationError,
    Finding,
    GradeOrderError,
    Indicator,
    Input,
    InputError,
    InputOutOfRangeError,
    InputTypeError,
    IoError,
    Issue,
    KaopingError,
    KaopingWarning,
    Lint,
    Loc,
    LookupMissError,
    MissingElseError,
    MissingInputError,
    NoDatedValueError,
    OrphanIndicatorError,
    PanelTooSmallError,
    PointsMismatchError,
    Problem,
    Result,
    Results,
    Rulebook,
    RulebookError,
    RulebookSyntaxError,
    SchemaError,
    TestFailure,
    TooDeepError,
    TypeMismatchError,
    UnknownGradeError,
    UnknownNameError,
    UnknownProfileError,
    __version__,
    builtin,
    builtins,
    compare,
    error_kinds,
    get_language,
    set_language,
)

# A batch's results behave as a read-only sequence (explained when read).
_abc.Sequence.register(Results)
# A Batch is a sequence of its results too (`b[0]`, `iter(b)`, `len(b)`), but is not registered as
# one: polars takes a registered Sequence row by row, and `pl.DataFrame(batch)` must stay the
# compact table (through `__arrow_c_stream__`).

from kaoping import design  # noqa: E402  (designing weights: AHP, entropy, TOPSIS; spec §15)

__all__ = [
    "Advice",
    "AggregateLine",
    "Alternative",
    "Blocker",
    "Change",
    "Batch",
    "BandOrderError",
    "CohortRequiredError",
    "Comparison",
    "DuplicateKeyError",
    "CycleError",
    "DecimalOverflowError",
    "DegenerateLinearError",
    "DivisionByZeroError",
    "DuplicateIdError",
    "EvaluationError",
    "Finding",
    "GradeOrderError",
    "Indicator",
    "Input",
    "InputError",
    "InputOutOfRangeError",
    "InputTypeError",
    "IoError",
    "Issue",
    "KaopingError",
    "KaopingWarning",
    "Lint",
    "Loc",
    "LookupMissError",
    "MissingElseError",
    "MissingInputError",
    "NoDatedValueError",
    "OrphanIndicatorError",
    "PanelTooSmallError",
    "PointsMismatchError",
    "Problem",
    "Result",
    "Results",
    "Rulebook",
    "RulebookError",
    "RulebookSyntaxError",
    "SchemaError",
    "TestFailure",
    "TooDeepError",
    "TypeMismatchError",
    "UnknownGradeError",
    "UnknownNameError",
    "UnknownProfileError",
    "__version__",
    "builtin",
    "builtins",
    "compare",
    "design",
    "error_kinds",
    "get_language",
    "set_language",
]
