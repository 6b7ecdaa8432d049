/*
 * kaoping.h — the C API of kaoping (考评): scoring rules as code for government assessments.
 *
 * Load a rulebook (a validated, versioned indicator system), score records with it exactly
 * (exact rational arithmetic, rounded only where the rulebook says: 四舍五入 by default), and read
 * each result's total, grade, points and explanation. All scoring is done by the Rust core; this
 * library only converts and owns memory, so C gets the very results Rust and Python get.
 *
 *     kp_rulebook *rb = NULL; kp_error *err = NULL;
 *     if (kp_rulebook_builtin("example.county-assessment", &rb, &err) != KP_OK) { ... }
 *     kp_record *rec = NULL; kp_record_new(rb, &rec);
 *     kp_record_set_int(rec, "sampled", 320);
 *     kp_record_set_decimal(rec, "income_growth", "6");
 *     kp_result *res = NULL; char *total = NULL;
 *     if (kp_score(rb, rec, NULL, &res, &err) == KP_OK && kp_result_total(res, &total) == KP_OK)
 *         printf("%s\n", total);                        // "80.13", never a double
 *     kp_string_free(total); kp_result_free(res); kp_record_free(rec); kp_rulebook_free(rb);
 *     kp_shutdown();                                      // optional, at exit: see Shutdown
 *
 * Build and link, after `scripts/install-c.sh PREFIX`, with PKG_CONFIG_PATH=PREFIX/lib/pkgconfig:
 *
 *     cc app.c $(pkg-config --cflags --libs kaoping-static) -o app
 *     cc app.c $(pkg-config --cflags --libs kaoping) \
 *         -Wl,-rpath,"$(pkg-config --variable=libdir kaoping)" -o app
 *
 * The first links libkaoping.a: the program needs nothing of kaoping at run time. The second
 * links the shared library, whose SONAME is libkaoping.so.0 (installed as
 * libkaoping.so.KAOPING_VERSION, with the links libkaoping.so.0 and libkaoping.so): the program
 * looks for libkaoping.so.0 when it starts, through the rpath given here, else LD_LIBRARY_PATH,
 * else the loader's own directories (/usr/local/lib after ldconfig), and does not start if none
 * holds it. `pkg-config --static kaoping` still links the shared library (the linker prefers the
 * .so): kaoping-static is what links libkaoping.a.
 *
 * CONVENTIONS (after rustls-ffi)
 *
 * Names.      kp_<object>_<verb>. Handles are opaque structs (kp_rulebook, kp_record, kp_item,
 *             kp_options, kp_result, kp_batch, kp_loader, kp_error), used only through pointers.
 *             Record setters take an input's name or its label (`population` or `户籍人口`), as
 *             CSV headers do.
 *
 * Status.     Every function that can fail returns a kp_status: KP_OK (0) or a failure code. The
 *             numbers are stable: they never change and new codes get new numbers.
 *             kp_status_str(code) describes one. Functions that cannot fail return their value
 *             directly, and a documented default (NULL, 0, false) for a NULL handle.
 *
 * Outputs.    Results come back through out-parameters (pointers to where the result goes), which
 *             are written only on success: after a failure they hold what they held before.
 *             Initialise them to NULL.
 *
 * Errors.     Fallible functions that can fail for reasons beyond their arguments take an optional
 *             last argument `kp_error **err`. Pass NULL to ignore details, or the address of a
 *             `kp_error *` set to NULL: on failure it receives a kp_error (free it with
 *             kp_error_free) with the status, the core's error kind (kp_error_kind: a KP_KIND_*
 *             code, the same numbers as Rust's ErrorKind::code() and Python's exception classes),
 *             the full message, and every problem (kp_error_count, kp_error_problem): every load
 *             problem with its file, line, column and path; every issue of a record with its
 *             field and place, and the item it is in (`households[17] (5100000017)`) for a
 *             problem inside an item of a list. There is no global or thread-local "last error".
 *
 * NULL.       A NULL pointer where the function needs one gives KP_NULL_ARGUMENT (never a crash).
 *             Arguments documented as "may be NULL" take NULL to mean a default. Freeing NULL
 *             (kp_*_free(NULL)) is a no-op.
 *
 * Strings.    Names, ids and short values are NUL-terminated UTF-8 (`const char *`). Whole
 *             documents (rulebook text, record JSON, CSV) are a pointer and a length in bytes and
 *             need no NUL. Text that is not UTF-8 gives KP_INVALID_UTF8. File paths are
 *             NUL-terminated bytes, used as they are. GBK / GB18030 text: CSV is detected or
 *             named (kp_options_set_encoding); a record's or item's setters read it after
 *             kp_record_set_encoding / kp_item_set_encoding(KP_ENCODING_GB18030). Everything
 *             kaoping returns is UTF-8.
 *
 * Decimals.   Numbers cross as decimal text, never as double: "93.50" goes in and comes out
 *             exactly, at the scale the rulebook publishes. kp_record_set_double exists for data
 *             that only exists as double; it reads the double's shortest round-trip text and
 *             refuses NaN and infinities (KP_INVALID_NUMBER).
 *
 * Lists.      What a rulebook declares and what a result holds are read without JSON through
 *             counted, indexed accessors: kp_<object>_<thing>_count(handle) says how many (0 for
 *             NULL), and kp_<object>_<thing>_at(handle, index, &out) fills a struct (or a
 *             `const char *`) whose strings are borrowed from the handle, valid until it is
 *             freed; an index not below the count gives KP_NOT_FOUND.
 *
 * Sub-units.  A list input whose items another rulebook scores (a village's households, spec §18)
 *             is filled with kp_item_* and kp_record_add_item; an item holds lists of its own
 *             (kp_item_add_item, kp_item_add_number, kp_item_start_list: a county's villages with
 *             their households). With kp_options_set_keep_items(options, true), a result (of
 *             kp_score, kp_score_json, kp_batch_row) keeps each item's own result:
 *             kp_result_item_count / _at (position, key) and kp_result_item_result (a new
 *             kp_result, read like any). Every aggregate call is a line of
 *             kp_result_aggregate_count / _at and of the explanation.
 *
 * Rows.       A batch's rows are named three ways, with the same names as Python and the command:
 *               index  0-based position in the batch: the `index` argument of kp_batch_row and
 *                      kp_batch_row_* (Python: `batch.result(i)`, `batch.error(i)`).
 *               row    1-based, index + 1: kp_error_row, `"row"` in kp_batch_to_json (Python:
 *                      `KaopingError.row`; the command: its `row` column). A row's key is its row
 *                      when the rulebook has no key_field.
 *               line   1-based line of a CSV batch's source where the row starts:
 *                      kp_batch_row_line, `"line"` in kp_batch_to_json (the command: its `line`
 *                      column and its file:line messages). The header is line 1 and quoted
 *                      cells may span lines, so a line is not a row + 1 in general.
 *
 * Memory.     Rust frees what Rust allocates. Every `char **` output is a new string for the
 *             caller, freed with kp_string_free; every handle given through a `kp_<object> **`
 *             output is the caller's, freed with kp_<object>_free. A `const char *` a function
 *             returns is borrowed: static (kp_version, kp_status_str, kp_error_kind_name,
 *             kp_builtin_ids) or valid until the handle it came from is freed. Never free a
 *             pointer twice, use it after freeing it, or free it with free().
 *
 * Panics.     Every function runs inside a panic boundary: an internal bug returns KP_PANIC (or
 *             the function's default) and never unwinds into C or aborts the process.
 *
 * Threads.    A kp_rulebook is immutable: any number of threads may score with one rulebook at
 *             once, without locks. Records, items, results, batches, options and errors belong to
 *             the caller: use each from one thread at a time (results, batches and errors may be
 *             read from several threads at once). kp_rulebook_free only after the last use; records
 *             and results stay valid after their rulebook is freed. Batches use every core unless
 *             kp_options_set_parallel(options, false), on threads of kaoping's own, started by the
 *             first parallel batch.
 *
 * Shutdown.   kaoping keeps two things for the life of the process: those threads, and the
 *             compiled built-in rulebooks (kp_rulebook_builtin loads each once). kp_shutdown(),
 *             optional, at the end of a program, ends the threads (joining them) and drops the
 *             cache, so that `valgrind --leak-check=full --error-exitcode=1` reports nothing. A
 *             program that does not call it can pass valgrind the installed suppressions instead:
 *             --suppressions=PREFIX/share/kaoping/valgrind.supp.
 */

#ifndef KAOPING_H
#define KAOPING_H

/* Generated from ffi/src by cbindgen 0.29.4 (ffi/cbindgen.toml). Do not edit. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/** The version of this header, as in Cargo.toml. kp_version() gives the library's: they match. */
#define KAOPING_VERSION "0.1.0"


/**
 * The major version (Cargo.toml's), as the header's `KAOPING_VERSION_MAJOR` macro.
 */
#define KAOPING_VERSION_MAJOR 0

/**
 * The minor version, as the header's `KAOPING_VERSION_MINOR` macro.
 */
#define KAOPING_VERSION_MINOR 1

/**
 * The patch version, as the header's `KAOPING_VERSION_PATCH` macro.
 */
#define KAOPING_VERSION_PATCH 0

/**
 * The text is not valid TOML or JSON.
 */
#define KP_KIND_SYNTAX 1

/**
 * A key is unknown, missing or has the wrong type of value.
 */
#define KP_KIND_SCHEMA 2

/**
 * Two items share an id (indicators, inputs, parameters, derived values, vetoes…).
 */
#define KP_KIND_DUPLICATE_ID 3

/**
 * A dotted indicator id whose parent is not declared before it.
 */
#define KP_KIND_ORPHAN_INDICATOR 4

/**
 * Children's points do not add up to their parent's (or to the declared max).
 */
#define KP_KIND_POINTS_MISMATCH 5

/**
 * Band thresholds are not strictly monotonic in the direction their comparator needs.
 */
#define KP_KIND_BAND_ORDER 6

/**
 * A `bands` rule without `else`.
 */
#define KP_KIND_MISSING_ELSE 7

/**
 * A `linear` rule whose two x values are equal.
 */
#define KP_KIND_DEGENERATE_LINEAR 8

/**
 * A name (input, parameter, derived value, indicator, profile, rulebook) that is not declared.
 */
#define KP_KIND_UNKNOWN_NAME 9

/**
 * An expression or value of the wrong type.
 */
#define KP_KIND_TYPE_MISMATCH 10

/**
 * Derived values that depend on each other.
 */
#define KP_KIND_CYCLE 11

/**
 * A profile that is not declared (in a rulebook override, named by a record, or given for a whole call).
 */
#define KP_KIND_UNKNOWN_PROFILE 12

/**
 * Grade bounds that do not strictly decrease.
 */
#define KP_KIND_GRADE_ORDER 13

/**
 * A grade label used by a veto or grade rule that no `[[grade]]` declares.
 */
#define KP_KIND_UNKNOWN_GRADE 14

/**
 * Nesting beyond what the loader accepts (an expression or document nested too deep).
 */
#define KP_KIND_TOO_DEEP 15

/**
 * A required input is missing from a record.
 */
#define KP_KIND_MISSING_INPUT 16

/**
 * An input value of the wrong type (text where a number belongs, NaN, a non-integral integer…).
 */
#define KP_KIND_INPUT_TYPE 17

/**
 * An input outside its declared `min`/`max`/`values`, or outside the decimal range.
 */
#define KP_KIND_INPUT_OUT_OF_RANGE 18

/**
 * A dated parameter has no value on or before the scoring date.
 */
#define KP_KIND_NO_DATED_VALUE 19

/**
 * A division by zero while scoring.
 */
#define KP_KIND_DIVISION_BY_ZERO 20

/**
 * A published value that cannot be represented as a decimal.
 */
#define KP_KIND_OVERFLOW 21

/**
 * A `lookup` or `items` key not in the table, where the rule has no `else`.
 */
#define KP_KIND_LOOKUP_MISS 22

/**
 * A panel with too few marks for its method.
 */
#define KP_KIND_PANEL_TOO_SMALL 23

/**
 * A relative rule scored without cohort figures.
 */
#define KP_KIND_COHORT_REQUIRED 24

/**
 * A file that could not be read.
 */
#define KP_KIND_IO 25

/**
 * Rows of a table that a child table joins on share a key (§18.5): they fail, and their items are given to no one.
 */
#define KP_KIND_DUPLICATE_KEY 26

/**
 * The status a fallible function returns. `KP_OK` (0) is success; anything else is a failure, and
 * the function's outputs were not written (except `*err`, when the caller passed one).
 *
 * The numbers are stable: they never change between versions, and new codes get new numbers.
 */
enum kp_status
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * Success.
   */
  KP_OK = 0,
  /**
   * A pointer argument that must not be NULL was NULL.
   */
  KP_NULL_ARGUMENT = 1,
  /**
   * A string argument is not valid UTF-8 (or not valid GB18030, given to a record or item set
   * to `KP_ENCODING_GB18030`).
   */
  KP_INVALID_UTF8 = 2,
  /**
   * An argument is outside what the function accepts: an unknown format, language, input type
   * or encoding code, a date that is not YYYY-MM-DD, a length beyond the address space.
   */
  KP_INVALID_ARGUMENT = 3,
  /**
   * A number given as text is not a decimal kaoping can hold exactly (or a double is NaN or
   * infinite).
   */
  KP_INVALID_NUMBER = 4,
  /**
   * The field is neither the name nor the label of an input of the rulebook: the value was
   * ignored, and the record remembers the name, so the result warns about it (spec §3), as in
   * Rust and Python. Check for it to catch misspelt field names.
   */
  KP_UNKNOWN_FIELD = 5,
  /**
   * The input's declared type never takes this kind of value (a boolean for an integer input,
   * 2.5 for an integer, a number for a text input, an item for an input that is not a list of
   * items): nothing was set. Reported by the setter, not later when the record is scored.
   */
  KP_WRONG_TYPE = 6,
  /**
   * No such thing: an indicator id not in the result, an input or profile not in the rulebook,
   * a row index beyond the batch, an index beyond a list (`kp_*_at`).
   */
  KP_NOT_FOUND = 7,
  /**
   * The value exists but is null in this result (a criteria-only rulebook has no total, a
   * left-out indicator has no points, a rulebook without criteria has no `passed`).
   */
  KP_NO_VALUE = 8,
  /**
   * The rulebook did not load. The `kp_error` lists every problem with its location.
   */
  KP_LOAD_ERROR = 9,
  /**
   * The record could not be scored. The `kp_error` lists every issue of the record.
   */
  KP_RECORD_ERROR = 10,
  /**
   * The input of a batch could not be read at all: a CSV table (encoding, quoting, header) or a
   * JSON text that is not an array. A bad row is not this: it is that row's error inside the
   * batch.
   */
  KP_TABLE_ERROR = 11,
  /**
   * kaoping panicked: a bug in kaoping, caught before it reached C. Please report it.
   */
  KP_PANIC = 12,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum kp_status kp_status;
#else
typedef int32_t kp_status;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A scored batch: one row per input record, in input order, each a result or an error; ranks
 * and a summary. Owned by the caller (free it with `kp_batch_free`); reading it from several
 * threads at once is safe.
 */
typedef struct kp_batch kp_batch;

/**
 * A rich error: a status, the core's error kind, a message and every problem. Made by the
 * library when a call fails and the caller passed `kp_error **err`; freed with `kp_error_free`.
 * Strings borrowed from it stay valid until it is freed.
 */
typedef struct kp_error kp_error;

/**
 * One item of an items input (e.g. one award of a school): named fields. Owned by the caller.
 */
typedef struct kp_item kp_item;

/**
 * A loader: resolves `component` references against the rulebooks added to it, the directories
 * it searches, and the built-ins. Not to be changed by one thread while another uses it.
 */
typedef struct kp_loader kp_loader;

/**
 * Scoring options. Made with `kp_options_new` (the defaults), changed with the `kp_options_set_*`
 * functions, freed with `kp_options_free`. May be shared by threads that score with it, as long as
 * none changes it meanwhile.
 */
typedef struct kp_options kp_options;

/**
 * A record: one slot per input of the rulebook it was made for. Owned by the caller; one thread
 * at a time. It stays valid after its rulebook is freed. Reuse it with `kp_record_clear`.
 */
typedef struct kp_record kp_record;

/**
 * A scored record with its full explanation. Owned by the caller; free it with
 * `kp_result_free`. Reading it from several threads at once is safe.
 */
typedef struct kp_result kp_result;

/**
 * A loaded rulebook: validated, compiled and immutable. One rulebook may be used by many threads
 * at once (scoring only reads it); free it once, after the last use, with `kp_rulebook_free`.
 * Records and results made from it stay valid after it is freed.
 */
typedef struct kp_rulebook kp_rulebook;

/**
 * The language of an explanation or an error message: `KP_LANG_ZH` or `KP_LANG_EN`.
 */
typedef int32_t kp_lang;

/**
 * One problem of an error (a load problem, a record issue, a table error, or the one message of
 * an argument error), as `kp_error_problem` fills it in. The strings are borrowed from the
 * `kp_error` and stay valid until it is freed; fields that do not apply are NULL or 0.
 */
typedef struct kp_problem {
  /**
   * The core's error kind (a `KP_KIND_*` code), or 0 for argument errors and panics.
   */
  int32_t kind;
  /**
   * What is wrong, in words (without the location, which the fields below give).
   */
  const char *message;
  /**
   * Load problems: the file the rulebook came from (`builtin:<id>` for built-ins), or NULL.
   */
  const char *file;
  /**
   * Load problems and table errors: the 1-based line, or 0 when unknown.
   */
  uint32_t line;
  /**
   * Load problems: the 1-based column (in characters), or 0 when unknown.
   */
  uint32_t column;
  /**
   * Load problems: the place inside the rulebook (`indicator "a.b" bands`), or NULL.
   */
  const char *path;
  /**
   * Record issues: the input field concerned, or NULL.
   */
  const char *field;
  /**
   * Record issues: the indicator, derived value, parameter, veto or criterion being evaluated,
   * or NULL.
   */
  const char *at;
  /**
   * Record issues: the offending value as text, or NULL.
   */
  const char *value;
  /**
   * Record issues: the item of a list input the problem is in (spec §18.2) — the list, the
   * item's 1-based position as given and its key, `households[17] (5100000017)`, nested levels
   * joined by `.` (`villages[3] (510003).households[1] (5100000020)`) — `field` then naming the
   * item's field; NULL for a problem of the record itself.
   */
  const char *item;
} kp_problem;

/**
 * The text format of a rulebook: `KP_FORMAT_TOML` or `KP_FORMAT_JSON`.
 */
typedef int32_t kp_format;

/**
 * The declared type of an input (or of an item's field): one of the `KP_INPUT_*` codes.
 */
typedef int32_t kp_input_type;

/**
 * One field of an items input (an award's `level`, `year`…): its name and declared type.
 * Borrowed from the rulebook.
 */
typedef struct kp_item_field {
  /**
   * The field's name.
   */
  const char *name;
  /**
   * Its declared type (a `KP_INPUT_*` code).
   */
  kp_input_type ty;
} kp_item_field;

/**
 * One input of a rulebook, as `kp_rulebook_input_at` fills it in. Every pointer is borrowed from
 * the rulebook and stays valid until `kp_rulebook_free`; fields that do not apply are NULL or 0.
 */
typedef struct kp_input_info {
  /**
   * The input's name (`population`), what records and JSON use.
   */
  const char *name;
  /**
   * Its label (`户籍人口`), what CSV headers and the setters may use instead, or NULL.
   */
  const char *label;
  /**
   * Its declared type (a `KP_INPUT_*` code).
   */
  kp_input_type ty;
  /**
   * Its unit (`%`, `元`), or NULL.
   */
  const char *unit;
  /**
   * Whether a record must give it (false when it is optional or has a default).
   */
  bool required;
  /**
   * The smallest value allowed, as decimal text, or NULL.
   */
  const char *min;
  /**
   * The largest value allowed, as decimal text, or NULL.
   */
  const char *max;
  /**
   * Text inputs with a closed list: the `value_count` values allowed; NULL when any text is.
   */
  const char *const *values;
  /**
   * The number of allowed values (0 when any text is).
   */
  size_t value_count;
  /**
   * Items inputs: the `field_count` fields of each item; NULL for other inputs.
   */
  const struct kp_item_field *fields;
  /**
   * The number of item fields (0 for other inputs).
   */
  size_t field_count;
} kp_input_info;

/**
 * One indicator (指标) of a rulebook, in file order, as `kp_rulebook_indicator_at` fills it in.
 * Borrowed from the rulebook; fields that do not apply are NULL.
 */
typedef struct kp_indicator_info {
  /**
   * The dotted id (`reduction.income`).
   */
  const char *id;
  /**
   * The label (`收入增幅`).
   */
  const char *label;
  /**
   * The parent's id, or NULL at the top level.
   */
  const char *parent;
  /**
   * 0 at the top level, 1 below it, and so on.
   */
  uint32_t depth;
  /**
   * Whether it is a leaf (scored by a rule) rather than the sum of its children.
   */
  bool is_leaf;
  /**
   * Its points (maximum) with the base values, as decimal text. A profile may give other
   * points: see `kp_rulebook_indicator_points`.
   */
  const char *points;
  /**
   * A leaf's rule kind (`bands`, `linear`, `ratio`…), or NULL for an inner indicator.
   */
  const char *rule;
  /**
   * The clause of the source document it implements, or NULL.
   */
  const char *source;
} kp_indicator_info;

/**
 * A criterion (达标条件) or a veto (一票否决) of a rulebook, as `kp_rulebook_criterion_at` and
 * `kp_rulebook_veto_at` fill it in. Borrowed from the rulebook.
 */
typedef struct kp_check_info {
  /**
   * The id.
   */
  const char *id;
  /**
   * The label.
   */
  const char *label;
} kp_check_info;

/**
 * A text encoding, of a CSV table (`kp_options_set_encoding`) or of the strings given to a
 * record's or item's setters (`kp_record_set_encoding`, `kp_item_set_encoding`):
 * `KP_ENCODING_AUTO`, `KP_ENCODING_UTF8` or `KP_ENCODING_GB18030`.
 */
typedef int32_t kp_encoding;

/**
 * How an indicator was scored: one of the `KP_NODE_*` codes.
 */
typedef int32_t kp_node_status;

/**
 * One indicator of a result, in file order, as `kp_result_node_at` fills it in. Borrowed from
 * the result; fields that do not apply are NULL.
 */
typedef struct kp_result_node {
  /**
   * The dotted id.
   */
  const char *id;
  /**
   * The label.
   */
  const char *label;
  /**
   * The parent's id, or NULL at the top level.
   */
  const char *parent;
  /**
   * 0 at the top level.
   */
  uint32_t depth;
  /**
   * The published points as decimal text ("18.75"), or NULL when the indicator was left out.
   */
  const char *points;
  /**
   * The maximum in the record's profile, as decimal text.
   */
  const char *max;
  /**
   * How it was scored (a `KP_NODE_*` code).
   */
  kp_node_status status;
  /**
   * The exact value before rounding, when rounding changed it ("18.745"; "≈13.333333" when it
   * has more than 6 places, the explanation's form); else NULL.
   */
  const char *exact;
  /**
   * The clause of the source document it implements, or NULL.
   */
  const char *source;
} kp_result_node;

/**
 * A veto (一票否决) that fired, as `kp_result_veto_at` fills it in. Borrowed from the result.
 */
typedef struct kp_result_veto {
  /**
   * The id.
   */
  const char *id;
  /**
   * The label.
   */
  const char *label;
  /**
   * Its condition, as written in the rulebook.
   */
  const char *when;
  /**
   * The total it sets, as decimal text, or NULL when it sets none.
   */
  const char *score;
  /**
   * The best grade it allows, or NULL when it caps none.
   */
  const char *grade;
  /**
   * The clause of the source document it implements, or NULL.
   */
  const char *source;
} kp_result_veto;

/**
 * A criterion's (达标条件) verdict, as `kp_result_criterion_at` fills it in. Borrowed from the
 * result.
 */
typedef struct kp_result_criterion {
  /**
   * The id.
   */
  const char *id;
  /**
   * The label.
   */
  const char *label;
  /**
   * Its condition, as written in the rulebook.
   */
  const char *when;
  /**
   * Whether it holds.
   */
  bool holds;
  /**
   * Whether it failed for lack of data (a value it reads was missing).
   */
  bool no_data;
  /**
   * The clause of the source document it implements, or NULL.
   */
  const char *source;
} kp_result_criterion;

/**
 * A grade rule (`[[grade_rule]]`) that fired and capped the grade, as `kp_result_grade_rule_at`
 * fills it in. Borrowed from the result.
 */
typedef struct kp_result_grade_rule {
  /**
   * Its 0-based position among the rulebook's grade rules.
   */
  size_t index;
  /**
   * Its label, or NULL.
   */
  const char *label;
  /**
   * Its condition, as written in the rulebook.
   */
  const char *when;
  /**
   * The best grade it allows.
   */
  const char *grade_at_most;
} kp_result_grade_rule;

/**
 * The next better grade and the points needed to reach it, as `kp_result_next_grade` fills it
 * in. Borrowed from the result.
 */
typedef struct kp_next_grade {
  /**
   * The grade.
   */
  const char *grade;
  /**
   * Its bound, as decimal text at the rulebook's scale ("30.00").
   */
  const char *bound;
  /**
   * Whether the bound is strict (the total must be above it, not at least it).
   */
  bool strict;
  /**
   * The points the total lacks, as decimal text; NULL when the grade is held whatever the
   * points (see `blocked_by`).
   */
  const char *gap;
  /**
   * What holds the grade where it is, whatever the points — the labels of the vetoes that set
   * the total or cap the grade, and of the grade rules that cap it, joined by "、" — or NULL
   * when points alone decide.
   */
  const char *blocked_by;
} kp_next_grade;

/**
 * One aggregate call of a result (`sum(households, item.members, not item.passed)`…), wherever
 * the rulebook writes it, with what it read and found (spec §18.6), as
 * `kp_result_aggregate_at` fills it in. Borrowed from the result; fields that do not apply are
 * NULL.
 */
typedef struct kp_result_aggregate {
  /**
   * Where it is written: `derived "remaining_poor"`, `indicator "exit.rate"`…
   */
  const char *place;
  /**
   * The call as written.
   */
  const char *call;
  /**
   * The function: "count", "sum", "mean", "min", "max", "first", "last" or "share".
   */
  const char *function;
  /**
   * The list input it reads.
   */
  const char *list;
  /**
   * The list input's label, or NULL.
   */
  const char *list_label;
  /**
   * The value taken per item, as written (`item.members`), or NULL.
   */
  const char *x;
  /**
   * The condition selecting items, as written (`not item.passed`), or NULL.
   */
  const char *cond;
  /**
   * How many items were selected.
   */
  uint32_t selected;
  /**
   * How many items the list has (0 when `list_missing`).
   */
  uint32_t of;
  /**
   * Whether the list was missing (or the call never evaluated, in a branch not taken).
   */
  bool list_missing;
  /**
   * The value as the explanation shows it (exact decimal text, "≈" and 6 places for a repeating
   * decimal; text, or "true"/"false", for `first`/`last` of such fields); NULL: no data.
   */
  const char *value;
  /**
   * The first item (1-based position as given) whose condition or value had no data, or 0.
   */
  size_t no_data_item;
} kp_result_aggregate;

/**
 * One item of a list input scored by another rulebook (spec §18.2), as `kp_result_item_at`
 * fills it in; its own result is `kp_result_item_result`. Borrowed from the result.
 */
typedef struct kp_result_item {
  /**
   * Its 1-based position in the list as given (before `order_by`), as error paths name it
   * (`households[17]`).
   */
  size_t position;
  /**
   * Its key (the `key_field` value of the rulebook scoring it), or NULL.
   */
  const char *key;
} kp_result_item;

/**
 * A rulebook written in TOML.
 */
#define KP_FORMAT_TOML 1

/**
 * A rulebook written in JSON.
 */
#define KP_FORMAT_JSON 2

/**
 * A decimal number.
 */
#define KP_INPUT_DECIMAL 1

/**
 * A whole number.
 */
#define KP_INPUT_INTEGER 2

/**
 * true or false.
 */
#define KP_INPUT_BOOLEAN 3

/**
 * Text.
 */
#define KP_INPUT_TEXT 4

/**
 * A list of decimals (a panel's marks).
 */
#define KP_INPUT_NUMBERS 5

/**
 * A list of items, each with named fields.
 */
#define KP_INPUT_ITEMS 6

/**
 * Detect: a UTF-8 BOM or valid UTF-8 is UTF-8, anything else GB18030 (the default for CSV).
 */
#define KP_ENCODING_AUTO 0

/**
 * UTF-8 (the default for records and items; a CSV's leading BOM is skipped).
 */
#define KP_ENCODING_UTF8 1

/**
 * GB18030 (a superset of GBK and GB2312), as Chinese spreadsheets often save CSV and legacy
 * databases hold text.
 */
#define KP_ENCODING_GB18030 2

/**
 * 中文.
 */
#define KP_LANG_ZH 1

/**
 * English.
 */
#define KP_LANG_EN 2

/**
 * Scored by its rule (or, for an inner indicator, from its children).
 */
#define KP_NODE_SCORED 1

/**
 * Its rule read no data: 0 points.
 */
#define KP_NODE_NO_DATA 2

/**
 * Left out for this record (`applies` was false): no points; its parent is scored out of the
 * applicable maximum.
 */
#define KP_NODE_NOT_APPLICABLE 3

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * The version of the library, e.g. `"0.1.0"`: a static string, never freed. Compare it with the
 * header's `KAOPING_VERSION` macro to check that the header and the library match.
 */
const char *kp_version(void);

/**
 * A static, NUL-terminated description of a status code, starting with its name
 * (`"KP_NULL_ARGUMENT: …"`). An unknown code gives `"unknown kp_status"`. Never NULL, never freed.
 */
const char *kp_status_str(int32_t code);

/**
 * The status of the call that made the error. NULL gives `KP_NULL_ARGUMENT`.
 */
kp_status kp_error_status(const struct kp_error *err);

/**
 * The core's error kind of the (first) problem: a `KP_KIND_*` code, or 0 when the error is not
 * one of the core's (an argument error, a panic) or `err` is NULL.
 */
int32_t kp_error_kind(const struct kp_error *err);

/**
 * The spec's name of an error kind code (`"MissingInput"` for `KP_KIND_MISSING_INPUT`): a static
 * string, never freed. NULL for a code that is not a kind.
 */
const char *kp_error_kind_name(int32_t kind);

/**
 * The whole message: for a load error, every problem with its location, one per line; for a
 * record error, every issue. Borrowed from `err` (valid until `kp_error_free`); NULL for NULL.
 */
const char *kp_error_message(const struct kp_error *err);

/**
 * The whole message (as `kp_error_message`) in `lang`: `KP_LANG_ZH` (中文, the words county
 * users read) or `KP_LANG_EN` (the same text as `kp_error_message`). The words come from the
 * core's message catalogue, the same Chinese the command and Python give; a message the catalogue
 * does not know keeps its English words. Borrowed from `err` (valid until `kp_error_free`); NULL
 * for NULL or for another language code.
 */
const char *kp_error_message_lang(const struct kp_error *err, kp_lang lang);

/**
 * The number of problems (at least 1 for any error made by the library; 0 for NULL).
 */
size_t kp_error_count(const struct kp_error *err);

/**
 * Problem `index` (0-based, below `kp_error_count`) of an error. Its strings are borrowed from
 * `err`. `KP_NOT_FOUND` when `index` is out of range.
 */
kp_status kp_error_problem(const struct kp_error *err, size_t index, struct kp_problem *out);

/**
 * A record error's row: 1-based, its batch index + 1 (see Rows at the top), or 0 when it has none
 * (a record scored alone) or `err` is NULL.
 */
size_t kp_error_row(const struct kp_error *err);

/**
 * A record error's record key (its `key_field` value), or NULL when it has none. Borrowed from
 * `err`.
 */
const char *kp_error_key(const struct kp_error *err);

/**
 * A load error's rulebook id, when the rulebook got far enough to have one; else NULL. Borrowed
 * from `err`.
 */
const char *kp_error_rulebook(const struct kp_error *err);

/**
 * The error as JSON: `{"status": 10, "status_name": "KP_RECORD_ERROR", "kind": "InputType",
 * "message": "…", "row": 3, "key": "…", "rulebook": "…", "problems": [{"kind", "message", "file",
 * "line", "column", "path", "field", "at", "value", "item"}]}` (absent fields left out; `kind`
 * null for argument errors). `*out` is freed with `kp_string_free`; `out_len` (may be NULL) gets
 * its length.
 */
kp_status kp_error_to_json(const struct kp_error *err,
                           char **out,
                           size_t *out_len);

/**
 * Free an error. NULL is a no-op.
 */
void kp_error_free(struct kp_error *err);

/**
 * Load a rulebook from `len` bytes of UTF-8 text (not necessarily NUL-terminated) in `format`
 * (`KP_FORMAT_TOML` or `KP_FORMAT_JSON`). Built-in rulebooks are available as components.
 *
 * `KP_LOAD_ERROR` when it does not load: `*err` lists every problem with its line, column and
 * path. `KP_INVALID_ARGUMENT` for an unknown format code, `KP_INVALID_UTF8` for text that is not
 * UTF-8.
 */
kp_status kp_rulebook_from_str(const char *text,
                               size_t len,
                               kp_format format,
                               struct kp_rulebook **out,
                               struct kp_error **err);

/**
 * Load a rulebook from a file (`.json` is JSON, anything else TOML). `path` is NUL-terminated;
 * on Unix its bytes are used as they are. Components are also looked for next to the file, as
 * `<id>.toml` or `<id>.json`.
 *
 * `KP_LOAD_ERROR` when it does not load (a file that cannot be read is a problem of kind
 * `KP_KIND_IO`).
 */
kp_status kp_rulebook_from_file(const char *path, struct kp_rulebook **out, struct kp_error **err);

/**
 * A built-in rulebook by id (see `kp_builtin_ids`). An unknown id is `KP_LOAD_ERROR` with one
 * problem of kind `KP_KIND_UNKNOWN_NAME` listing the ids there are.
 */
kp_status kp_rulebook_builtin(const char *id, struct kp_rulebook **out, struct kp_error **err);

/**
 * The ids of the built-in rulebooks: `*ids` gets a static array of `*count` static NUL-terminated
 * strings (never freed).
 */
kp_status kp_builtin_ids(const char *const **ids, size_t *count);

/**
 * A variant of `rb`: a new rulebook with `count` changes, validated like one loaded from a file
 * (spec §15; issue #23). `keys[i]` names what changes — `NAME` (a parameter's base value),
 * `NAME@PROFILE`, `NAME:YYYY-MM-DD` (a dated parameter from that date on), `points.ID`,
 * `weight.ID` (each with `@PROFILE` too) — and `values[i]` is its new value as decimal text
 * (`"2.5"`); both arrays hold `count` NUL-terminated UTF-8 strings. The variant's version ends in
 * `+variant`, and `kp_rulebook_describe_json` shows its `variant_of` (the base's id, version and
 * fingerprint, and the changes). `rb` stays as it was; free the variant with `kp_rulebook_free`.
 *
 * `KP_LOAD_ERROR` when a change cannot be read or applied (an unknown parameter, profile or
 * indicator: the problem's path names the change) or the changed rulebook does not load (points
 * that no longer add up…): `*err` lists every problem.
 */
kp_status kp_rulebook_with_params(const struct kp_rulebook *rb,
                                  const char *const *keys,
                                  const char *const *values,
                                  size_t count,
                                  struct kp_rulebook **out,
                                  struct kp_error **err);

/**
 * Free a rulebook. NULL is a no-op. Records and results made from it stay valid.
 */
void kp_rulebook_free(struct kp_rulebook *rb);

/**
 * The rulebook's id, borrowed from `rb` (valid until `kp_rulebook_free`); NULL for NULL.
 */
const char *kp_rulebook_id(const struct kp_rulebook *rb);

/**
 * The rulebook's title, borrowed from `rb`; NULL for NULL.
 */
const char *kp_rulebook_title(const struct kp_rulebook *rb);

/**
 * The rulebook's version, borrowed from `rb`; NULL for NULL.
 */
const char *kp_rulebook_version(const struct kp_rulebook *rb);

/**
 * The SHA-256 fingerprint of the rulebook's canonical form (the same whatever its whitespace,
 * comments or key order), borrowed from `rb`; NULL for NULL. Results carry it too.
 */
const char *kp_rulebook_fingerprint(const struct kp_rulebook *rb);

/**
 * The declared type of input `input` (its name or its label; a `KP_INPUT_*` code). `KP_NOT_FOUND`
 * when the rulebook has no such input.
 */
kp_status kp_rulebook_input_type(const struct kp_rulebook *rb,
                                 const char *input,
                                 kp_input_type *out);

/**
 * The declared type of field `field` of the items input `input` (its name or its label).
 * `KP_NOT_FOUND` when there is no such input or field.
 */
kp_status kp_rulebook_item_field_type(const struct kp_rulebook *rb,
                                      const char *input,
                                      const char *field,
                                      kp_input_type *out);

/**
 * The rulebook described as JSON, for building forms and reports: `{"id", "title", "version",
 * "fingerprint", "scale", "illustrative", "source", "key_field", "profile_field", "max",
 * "profiles": [..], "grades": [..], "inputs": [{"name", "ty", "label", "unit", "required",
 * "values", "min", "max", "fields"}], "indicators": [{"id", "label", "depth", "parent", "points",
 * "rule", "source", "is_leaf"}], "variant_of": null or {"id", "version", "fingerprint",
 * "changes": [..]}, "provenance": [{"method", "node", "written_as", "date", "input_fingerprint",
 * "settings"}]}`, decimals as strings. `*out` is freed with `kp_string_free`; `out_len` (may be
 * NULL) gets its length.
 */
kp_status kp_rulebook_describe_json(const struct kp_rulebook *rb, char **out, size_t *out_len);

/**
 * A new loader that knows the built-in rulebooks. Free it with `kp_loader_free`.
 */
kp_status kp_loader_new(struct kp_loader **out);

/**
 * Make `component` available, by its id, to the rulebooks this loader loads. The loader keeps
 * its own reference: `component` may be freed afterwards.
 */
kp_status kp_loader_add(struct kp_loader *loader, const struct kp_rulebook *component);

/**
 * Look for component rulebooks in directory `dir` (NUL-terminated), as `<id>.toml` or `<id>.json`.
 */
kp_status kp_loader_search(struct kp_loader *loader, const char *dir);

/**
 * Whether the loader may look for components in files (default: yes). With `false`, only the
 * rulebooks given with `kp_loader_add` and the built-ins are used, and `kp_loader_from_file`
 * reads no file but the one named (for rulebooks uploaded by users). Either way a component's
 * id is a name, never a path, and a file that is a link leading out of its folder is refused.
 */
kp_status kp_loader_set_file_lookup(struct kp_loader *loader, bool on);

/**
 * `kp_rulebook_from_str` through a loader (its components available).
 */
kp_status kp_loader_from_str(const struct kp_loader *loader,
                             const char *text,
                             size_t len,
                             kp_format format,
                             struct kp_rulebook **out,
                             struct kp_error **err);

/**
 * `kp_rulebook_from_file` through a loader (its components available).
 */
kp_status kp_loader_from_file(const struct kp_loader *loader,
                              const char *path,
                              struct kp_rulebook **out,
                              struct kp_error **err);

/**
 * Free a loader. NULL is a no-op. Rulebooks it loaded stay valid.
 */
void kp_loader_free(struct kp_loader *loader);

/**
 * The number of inputs (0 for NULL), including those only component rulebooks declare.
 */
size_t kp_rulebook_input_count(const struct kp_rulebook *rb);

/**
 * Input `index` (0-based, below `kp_rulebook_input_count`, in declaration order). Its strings
 * and arrays are borrowed from `rb`. `KP_NOT_FOUND` for an index beyond the inputs.
 */
kp_status kp_rulebook_input_at(const struct kp_rulebook *rb,
                               size_t index,
                               struct kp_input_info *out);

/**
 * The number of indicators, at every level (0 for NULL).
 */
size_t kp_rulebook_indicator_count(const struct kp_rulebook *rb);

/**
 * Indicator `index` (0-based, below `kp_rulebook_indicator_count`, in file order: a parent
 * before its children). Its strings are borrowed from `rb`. `KP_NOT_FOUND` for an index beyond
 * the indicators.
 */
kp_status kp_rulebook_indicator_at(const struct kp_rulebook *rb,
                                   size_t index,
                                   struct kp_indicator_info *out);

/**
 * The points (maximum) of indicator `index` in profile `profile` (NUL-terminated; NULL for the
 * base values), as decimal text borrowed from `rb`. `KP_NOT_FOUND` for an index beyond the
 * indicators or a profile the rulebook does not declare.
 */
kp_status kp_rulebook_indicator_points(const struct kp_rulebook *rb,
                                       size_t index,
                                       const char *profile,
                                       const char **out);

/**
 * The maximum total in profile `profile` (NUL-terminated; NULL for the base values), as decimal
 * text borrowed from `rb` ("100.00"). `KP_NO_VALUE` for a criteria-only rulebook, `KP_NOT_FOUND`
 * for a profile the rulebook does not declare.
 */
kp_status kp_rulebook_max(const struct kp_rulebook *rb, const char *profile, const char **out);

/**
 * The number of profiles (0 for NULL, and for a rulebook that declares none).
 */
size_t kp_rulebook_profile_count(const struct kp_rulebook *rb);

/**
 * The name of profile `index` (0-based, in declaration order), borrowed from `rb`.
 * `KP_NOT_FOUND` for an index beyond the profiles.
 */
kp_status kp_rulebook_profile_at(const struct kp_rulebook *rb, size_t index, const char **out);

/**
 * The number of grades (等次; 0 for NULL, and for a rulebook without grades).
 */
size_t kp_rulebook_grade_count(const struct kp_rulebook *rb);

/**
 * The label of grade `index` (0-based, best first), borrowed from `rb`. `KP_NOT_FOUND` for an
 * index beyond the grades.
 */
kp_status kp_rulebook_grade_at(const struct kp_rulebook *rb, size_t index, const char **out);

/**
 * The number of criteria (达标条件; 0 for NULL, and for a rulebook without criteria).
 */
size_t kp_rulebook_criterion_count(const struct kp_rulebook *rb);

/**
 * Criterion `index` (0-based, in file order). Its strings are borrowed from `rb`.
 * `KP_NOT_FOUND` for an index beyond the criteria.
 */
kp_status kp_rulebook_criterion_at(const struct kp_rulebook *rb,
                                   size_t index,
                                   struct kp_check_info *out);

/**
 * The number of vetoes (一票否决; 0 for NULL, and for a rulebook without vetoes).
 */
size_t kp_rulebook_veto_count(const struct kp_rulebook *rb);

/**
 * Veto `index` (0-based, in file order). Its strings are borrowed from `rb`. `KP_NOT_FOUND` for
 * an index beyond the vetoes.
 */
kp_status kp_rulebook_veto_at(const struct kp_rulebook *rb,
                              size_t index,
                              struct kp_check_info *out);

/**
 * New options with the defaults: the record's own profile, the rulebook's `as_of`, no cohort
 * figures, batches on every core without up-front explanations, CSV encoding detected.
 */
kp_status kp_options_new(struct kp_options **out);

/**
 * Score in profile `profile` (NUL-terminated), whatever the record's `profile_field` says. NULL
 * goes back to the default: the record's own profile, else the base values. The name is read as
 * scoring reads it (surrounding spaces ignored; an empty name: the base values for every row).
 *
 * A profile the rulebook does not declare refuses each call made with these options before any
 * row is read or scored: `kp_score`, `kp_score_json`, `kp_score_batch`, `kp_score_batch_json` and
 * `kp_score_csv` return `KP_RECORD_ERROR`, the error of kind `KP_KIND_UNKNOWN_PROFILE` naming the
 * profile and the declared ones (no batch is made) — as Python raises and the command exits 2.
 */
kp_status kp_options_set_profile(struct kp_options *options, const char *profile);

/**
 * Score as of date `date` ("YYYY-MM-DD", NUL-terminated) for dated parameters. NULL goes back to
 * the rulebook's own `as_of`. `KP_INVALID_ARGUMENT` for a date that does not read.
 */
kp_status kp_options_set_as_of(struct kp_options *options, const char *date);

/**
 * For scoring one record alone: the cohort's best value (a decimal as text, e.g. "98.5") of the
 * input of relative indicator `indicator`, overall (`profile` NULL) or within `profile` (for rules
 * `within = "profile"`). Batches work their cohort out themselves and ignore this.
 */
kp_status kp_options_set_cohort_best(struct kp_options *options,
                                     const char *indicator,
                                     const char *profile,
                                     const char *best);

/**
 * Batches: score on every core (`true`, the default) or on the calling thread only. The results
 * are the same either way.
 */
kp_status kp_options_set_parallel(struct kp_options *options, bool parallel);

/**
 * Batches: build every row's full explanation while scoring (`false` by default: `kp_batch_row`
 * then works a row's explanation out when asked, with the batch's cohort figures).
 */
kp_status kp_options_set_explain(struct kp_options *options, bool explain);

/**
 * Keep the items' own results (`true`; `false` by default): each item of a list input scored by
 * another rulebook (spec §18.2: a village's households), explained, in the result of `kp_score`
 * and `kp_score_json` and in each batch row's (`kp_batch_row`), read with `kp_result_item_count`,
 * `kp_result_item_at` and `kp_result_item_result`.
 */
kp_status kp_options_set_keep_items(struct kp_options *options, bool keep);

/**
 * CSV: the encoding of the bytes (`KP_ENCODING_*`). `KP_INVALID_ARGUMENT` for another code.
 */
kp_status kp_options_set_encoding(struct kp_options *options, kp_encoding encoding);

/**
 * Free options. NULL is a no-op.
 */
void kp_options_free(struct kp_options *options);

/**
 * A new, empty record for `rb`. Free it with `kp_record_free`.
 */
kp_status kp_record_new(const struct kp_rulebook *rb, struct kp_record **out);

/**
 * How the strings given to this record's setters are encoded, field names and values alike:
 * `KP_ENCODING_UTF8` (the default), `KP_ENCODING_GB18030` (GBK and GB2312 text is GB18030 too:
 * what legacy Chinese databases hold), or `KP_ENCODING_AUTO` (each string read as UTF-8 when it
 * is valid UTF-8, else as GB18030; a short GBK string can happen to be valid UTF-8, so name the
 * encoding when it is known). Text that is not valid in the encoding is `KP_INVALID_UTF8`.
 * `kp_record_clear` keeps the encoding. Everything kaoping gives back is UTF-8.
 * `KP_INVALID_ARGUMENT` for another code.
 */
kp_status kp_record_set_encoding(struct kp_record *rec, kp_encoding encoding);

/**
 * Set a decimal input from its text (NUL-terminated, e.g. "12.5"): exact, never through a double.
 * `KP_INVALID_NUMBER` when the text is not a decimal kaoping can hold, `KP_WRONG_TYPE` when the
 * input does not take it (a boolean or text input, or 2.5 for an integer input): nothing is set.
 * `KP_UNKNOWN_FIELD` when `field` is not an input.
 *
 * Every setter takes an input's name or its label as `field` (`"population"` or `"户籍人口"`),
 * as CSV headers do, and refuses a value the input's declared type can never take with
 * `KP_WRONG_TYPE`, leaving the record as it was.
 */
kp_status kp_record_set_decimal(struct kp_record *rec, const char *field, const char *value);

/**
 * Set a decimal input from a double, read through its shortest round-trip text (0.1 is 0.1, not
 * 0.1000000000000000055…). `KP_INVALID_NUMBER` for NaN, infinities and values a decimal cannot
 * hold (nothing is set). Prefer `kp_record_set_decimal` when the value exists as text.
 */
kp_status kp_record_set_double(struct kp_record *rec, const char *field, double value);

/**
 * Set an integer input (or a decimal one: whole numbers are decimals too). `KP_WRONG_TYPE` for
 * a boolean, text or list input.
 */
kp_status kp_record_set_int(struct kp_record *rec, const char *field, int64_t value);

/**
 * Set a boolean input. `KP_WRONG_TYPE` for any other input.
 */
kp_status kp_record_set_bool(struct kp_record *rec, const char *field, bool value);

/**
 * Set an input to text (NUL-terminated). For a text input this is its value; for a number or
 * boolean input the text is read by the input's type when the record is scored, as a
 * spreadsheet cell would be ("１２．５", "是"). `KP_WRONG_TYPE` for a list input (use
 * `kp_record_set_cell` for marks written in one cell).
 */
kp_status kp_record_set_text(struct kp_record *rec, const char *field, const char *value);

/**
 * Set an input from a spreadsheet cell (NUL-terminated), as CSV import does: a blank cell is
 * missing; a numbers cell holds several marks separated by `;`, `；`, `、`, `|` or spaces; other
 * cells are read by the input's type when the record is scored. `KP_WRONG_TYPE` for an items
 * input (items come from `kp_record_add_item`).
 */
kp_status kp_record_set_cell(struct kp_record *rec, const char *field, const char *cell);

/**
 * Set a list input (numbers or items) to the empty list, replacing what it held: a panel that
 * sat with no marks is not the same as marks that were not reported (missing).
 * `kp_record_add_number` and `kp_record_add_item` then append. `KP_WRONG_TYPE` when the input is
 * not a list.
 */
kp_status kp_record_start_list(struct kp_record *rec, const char *field);

/**
 * Append a mark (a decimal as text, NUL-terminated) to a numbers input such as a panel's marks;
 * the first call starts the list. `KP_WRONG_TYPE` when the input is not a list of numbers,
 * `KP_INVALID_NUMBER` when the text is not a decimal (nothing is added).
 */
kp_status kp_record_add_number(struct kp_record *rec, const char *field, const char *value);

/**
 * Append a copy of `item` to an items input; the first call starts the list. `item` stays the
 * caller's (free it, or reuse it). `KP_WRONG_TYPE` when the input is not a list of items, or when
 * one of the item's fields — at any level, for items holding items — holds a value its declared
 * type can never take (nothing is added).
 */
kp_status kp_record_add_item(struct kp_record *rec, const char *field, const struct kp_item *item);

/**
 * Remove an input's value (by name or label): it becomes missing. `KP_UNKNOWN_FIELD` when `field`
 * is not an input.
 */
kp_status kp_record_unset(struct kp_record *rec, const char *field);

/**
 * Remove every value (and remembered unknown field), so the record can be filled again for the
 * next unit without a new allocation per record. The record keeps its encoding.
 */
kp_status kp_record_clear(struct kp_record *rec);

/**
 * Free a record. NULL is a no-op.
 */
void kp_record_free(struct kp_record *rec);

/**
 * A new, empty item. Free it with `kp_item_free`.
 */
kp_status kp_item_new(struct kp_item **out);

/**
 * How the strings given to this item's setters are encoded, as `kp_record_set_encoding`.
 */
kp_status kp_item_set_encoding(struct kp_item *item, kp_encoding encoding);

/**
 * Set an item field to a decimal given as text. `KP_INVALID_NUMBER` when it does not read. An
 * item does not know its input, so its fields' types are checked by `kp_record_add_item`.
 */
kp_status kp_item_set_decimal(struct kp_item *item, const char *field, const char *value);

/**
 * Set an item field to an integer.
 */
kp_status kp_item_set_int(struct kp_item *item, const char *field, int64_t value);

/**
 * Set an item field to a boolean.
 */
kp_status kp_item_set_bool(struct kp_item *item, const char *field, bool value);

/**
 * Set an item field to text (read by the field's type when scored, like `kp_record_set_text`).
 */
kp_status kp_item_set_text(struct kp_item *item, const char *field, const char *value);

/**
 * Set a list field of an item (numbers or items: an item scored by a rulebook whose inputs
 * include lists, such as a village holding its households) to the empty list, replacing what it
 * held; `kp_item_add_number` and `kp_item_add_item` then append. Which kind of list it is comes
 * from the field's declared type when the item is added to a record.
 */
kp_status kp_item_start_list(struct kp_item *item, const char *field);

/**
 * Append a mark (a decimal as text, NUL-terminated) to a numbers field of an item; the first
 * call starts the list. `KP_INVALID_NUMBER` when the text is not a decimal (nothing is added).
 */
kp_status kp_item_add_number(struct kp_item *item, const char *field, const char *value);

/**
 * Append a copy of `sub` to an items field of `item` (a household to a village); the first call
 * starts the list. `sub` stays the caller's (free it, or reuse it; adding an item to itself adds
 * a copy of what it held). Field types are checked, at every level, when `item` is added to a
 * record. `KP_INVALID_ARGUMENT` when items would nest more than 32 levels deep.
 */
kp_status kp_item_add_item(struct kp_item *item, const char *field, const struct kp_item *sub);

/**
 * Free an item. NULL is a no-op.
 */
void kp_item_free(struct kp_item *item);

/**
 * Score a typed record with `rb` (the record may have been made for another rulebook: its
 * values are then matched by input name). `options` may be NULL (the defaults).
 *
 * `KP_RECORD_ERROR` when the record cannot be scored: `*err` lists every issue (all input
 * problems together, in declaration order, or the evaluation fault and where it happened).
 */
kp_status kp_score(const struct kp_rulebook *rb,
                   const struct kp_record *rec,
                   const struct kp_options *options,
                   struct kp_result **out,
                   struct kp_error **err);

/**
 * Score a record given as a JSON object of `len` bytes of UTF-8 (not necessarily NUL-terminated):
 * `{"county": "甲县", "income_growth": "9.5", "sampled": 320, …}`. Decimals may be JSON numbers
 * (read from their text, never through a double) or strings; `null` is missing. `options` may be
 * NULL.
 *
 * `KP_RECORD_ERROR` when the record cannot be scored (including JSON that does not parse, kind
 * `KP_KIND_SYNTAX`, and a profile in the options that the rulebook does not declare, kind
 * `KP_KIND_UNKNOWN_PROFILE`, checked first).
 */
kp_status kp_score_json(const struct kp_rulebook *rb,
                        const char *json,
                        size_t len,
                        const struct kp_options *options,
                        struct kp_result **out,
                        struct kp_error **err);

/**
 * The published total as decimal text at the rulebook's scale ("93.50"). `KP_NO_VALUE` for a
 * criteria-only rulebook. `*out` is freed with `kp_string_free`.
 */
kp_status kp_result_total(const struct kp_result *result, char **out);

/**
 * The maximum total in the record's profile ("100.00"). `KP_NO_VALUE` for a criteria-only
 * rulebook. `*out` is freed with `kp_string_free`.
 */
kp_status kp_result_max(const struct kp_result *result, char **out);

/**
 * The grade (等次) label, e.g. "较好". `KP_NO_VALUE` when the rulebook has no grades. `*out` is
 * freed with `kp_string_free`.
 */
kp_status kp_result_grade(const struct kp_result *result, char **out);

/**
 * Whether every criterion (达标条件) holds. `KP_NO_VALUE` when the rulebook has no criteria.
 */
kp_status kp_result_passed(const struct kp_result *result, bool *out);

/**
 * The record's key: its `key_field` value, or else its 1-based row number (in a batch; "1" for a
 * record scored alone), as the core gives it. `*out` is freed with `kp_string_free`.
 */
kp_status kp_result_key(const struct kp_result *result, char **out);

/**
 * The profile the record was scored in. `KP_NO_VALUE` when it was scored with the base values.
 * `*out` is freed with `kp_string_free`.
 */
kp_status kp_result_profile(const struct kp_result *result, char **out);

/**
 * The published points of indicator `id` (dotted, NUL-terminated, e.g. "reduction.income") as
 * decimal text. `KP_NOT_FOUND` when the rulebook has no such indicator; `KP_NO_VALUE` when it was
 * left out for this record (not applicable). `*out` is freed with `kp_string_free`.
 */
kp_status kp_result_points(const struct kp_result *result, const char *id, char **out);

/**
 * The result as JSON (schema `kaoping.result/2`: every node's points and how they were reached,
 * vetoes, criteria, lost points, the next grade; decimals as strings). `*out` is freed with
 * `kp_string_free`; `out_len` (may be NULL) gets its length in bytes.
 */
kp_status kp_result_to_json(const struct kp_result *result, char **out, size_t *out_len);

/**
 * The result explained in words, in `lang` (`KP_LANG_ZH` or `KP_LANG_EN`): every indicator's
 * points and the rule that gave them, vetoes, criteria, lost points, the gap to the next grade.
 * `KP_INVALID_ARGUMENT` for another language code. `*out` is freed with `kp_string_free`;
 * `out_len` (may be NULL) gets its length in bytes.
 */
kp_status kp_result_explain(const struct kp_result *result,
                            kp_lang lang,
                            char **out,
                            size_t *out_len);

/**
 * Free a result. NULL is a no-op.
 */
void kp_result_free(struct kp_result *result);

/**
 * The number of indicators in the result, at every level (0 for NULL): the rulebook's, in
 * file order.
 */
size_t kp_result_node_count(const struct kp_result *result);

/**
 * Indicator `index` of the result (0-based, below `kp_result_node_count`, in file order: a parent
 * before its children). Its strings are borrowed from `result`. `KP_NOT_FOUND` for an index
 * beyond the indicators.
 */
kp_status kp_result_node_at(const struct kp_result *result,
                            size_t index,
                            struct kp_result_node *out);

/**
 * The number of vetoes that fired (0 for NULL, and when none did).
 */
size_t kp_result_veto_count(const struct kp_result *result);

/**
 * Veto `index` of those that fired (0-based, in file order). Its strings are borrowed from
 * `result`. `KP_NOT_FOUND` for an index beyond them.
 */
kp_status kp_result_veto_at(const struct kp_result *result,
                            size_t index,
                            struct kp_result_veto *out);

/**
 * The number of criteria judged: every criterion of the rulebook (0 for NULL, and for a
 * rulebook without criteria).
 */
size_t kp_result_criterion_count(const struct kp_result *result);

/**
 * Criterion `index`'s verdict (0-based, in file order). Its strings are borrowed from `result`.
 * `KP_NOT_FOUND` for an index beyond the criteria.
 */
kp_status kp_result_criterion_at(const struct kp_result *result,
                                 size_t index,
                                 struct kp_result_criterion *out);

/**
 * The number of grade rules that fired (0 for NULL, and when none did).
 */
size_t kp_result_grade_rule_count(const struct kp_result *result);

/**
 * Grade rule `index` of those that fired (0-based). Its strings are borrowed from `result`.
 * `KP_NOT_FOUND` for an index beyond them.
 */
kp_status kp_result_grade_rule_at(const struct kp_result *result,
                                  size_t index,
                                  struct kp_result_grade_rule *out);

/**
 * The number of warnings (0 for NULL, and when there are none): fields the record set that are
 * not inputs of the rulebook, and the like.
 */
size_t kp_result_warning_count(const struct kp_result *result);

/**
 * Warning `index` (0-based), borrowed from `result`. `KP_NOT_FOUND` for an index beyond them.
 */
kp_status kp_result_warning_at(const struct kp_result *result, size_t index, const char **out);

/**
 * The next better grade and the points needed to reach it. Its strings are borrowed from
 * `result`. `KP_NO_VALUE` when there is none (the best grade already, no grades, or no total).
 */
kp_status kp_result_next_grade(const struct kp_result *result, struct kp_next_grade *out);

/**
 * The number of aggregate calls of the rulebook (0 for NULL, and for a rulebook without
 * aggregates): one each, wherever written, even in a branch not taken (`list_missing`, nothing
 * selected).
 */
size_t kp_result_aggregate_count(const struct kp_result *result);

/**
 * Aggregate call `index` (0-based, in the rulebook's order: its derived values, then where its
 * indicators, vetoes, criteria and grade rules write them). Its strings are borrowed from
 * `result`. `KP_NOT_FOUND` for an index beyond them.
 */
kp_status kp_result_aggregate_at(const struct kp_result *result,
                                 size_t index,
                                 struct kp_result_aggregate *out);

/**
 * The items of list input `list` (NUL-terminated name) whose own results the result kept: only
 * when it was scored with `kp_options_set_keep_items(options, true)` and the list's items are
 * scored by another rulebook (spec §18.2). 0 for NULL arguments, for a list the record left out,
 * and for any other name.
 */
size_t kp_result_item_count(const struct kp_result *result, const char *list);

/**
 * Item `index` of list input `list` (0-based, below `kp_result_item_count`, in list order after
 * `order_by`): its position as given and its key, borrowed from `result`. `KP_NOT_FOUND` for an
 * index beyond them (or a list whose items were not kept).
 */
kp_status kp_result_item_at(const struct kp_result *result,
                            const char *list,
                            size_t index,
                            struct kp_result_item *out);

/**
 * Item `index` of list input `list` (as `kp_result_item_at`), whose own result, explained, goes to
 * `*out`: a new result (free it with `kp_result_free`) read with every `kp_result_*` accessor —
 * its total, grade, criteria, explanation, JSON, and the results of its own items a level down.
 */
kp_status kp_result_item_result(const struct kp_result *result,
                                const char *list,
                                size_t index,
                                struct kp_result **out);

/**
 * Score `count` typed records as one batch. `records` is an array of `count` record pointers (none
 * NULL); the batch keeps its own copies, so the records stay the caller's. `options` may be NULL
 * (profile, as_of, parallel, explain apply; batches work out cohort figures themselves).
 *
 * Rows that cannot be scored hold their errors; this function fails only on its arguments:
 * `KP_RECORD_ERROR` (kind `KP_KIND_UNKNOWN_PROFILE`, no batch made) when the options name a
 * profile the rulebook does not declare.
 */
kp_status kp_score_batch(const struct kp_rulebook *rb,
                         const struct kp_record *const *records,
                         size_t count,
                         const struct kp_options *options,
                         struct kp_batch **out,
                         struct kp_error **err);

/**
 * Score a JSON array of record objects (`len` bytes of UTF-8) as one batch. An element that is
 * not an object fails its own row. `options` may be NULL.
 *
 * `KP_TABLE_ERROR` when the text is not JSON or not an array (nothing is scored);
 * `KP_RECORD_ERROR` (kind `KP_KIND_UNKNOWN_PROFILE`) when the options name a profile the
 * rulebook does not declare (checked first, nothing is read or scored).
 */
kp_status kp_score_batch_json(const struct kp_rulebook *rb,
                              const char *json,
                              size_t len,
                              const struct kp_options *options,
                              struct kp_batch **out,
                              struct kp_error **err);

/**
 * Score a CSV table (`len` bytes, UTF-8 or GB18030: see `kp_options_set_encoding`) as one batch.
 * The header names inputs by name or by label (户籍人口); cells are read by each input's type
 * (full-width digits, 是/否…); a numbers cell holds marks separated by `;`. A ragged line fails its
 * own row. `options` may be NULL.
 *
 * `KP_TABLE_ERROR` when the table cannot be read at all (bad encoding, an unterminated quote, two
 * columns for one input); `KP_RECORD_ERROR` (kind `KP_KIND_UNKNOWN_PROFILE`) when the options
 * name a profile the rulebook does not declare (checked first, nothing is read or scored).
 */
kp_status kp_score_csv(const struct kp_rulebook *rb,
                       const char *csv,
                       size_t len,
                       const struct kp_options *options,
                       struct kp_batch **out,
                       struct kp_error **err);

/**
 * Score a CSV table with its child tables (sub-units: households joined to their village, a
 * school's term records): `count` child tables, `lists[i]` naming the list whose rows
 * `tables[i]` holds (`lens[i]` bytes, encoded as the parent table: see `kp_options_set_encoding`)
 * — `"households"`, or `"villages.households"` for the households of a list's own items. A child
 * row joins the parent row whose key its join column holds (the list's `join` column, else the
 * column named like the parent's key field or its label); one slot per parent row, as
 * `kp_score_csv` gives. Child rows matching no parent are counted in `kp_batch_summary_json`'s
 * `unmatched` (never dropped silently); parent rows sharing a key fail with
 * `KP_KIND_DUPLICATE_KEY`. A child table read by one level is scored as one batch, not a row at a
 * time. `count` may be 0 (then `lists`, `tables` and `lens` may be NULL). `options` may be NULL.
 *
 * `KP_TABLE_ERROR` when the parent or a child table cannot be read or joined (a list the rulebook
 * does not declare, no join column, a ragged child row, a list given twice); `KP_RECORD_ERROR`
 * (kind `KP_KIND_UNKNOWN_PROFILE`) as `kp_score_csv`.
 */
kp_status kp_score_csv_items(const struct kp_rulebook *rb,
                             const char *csv,
                             size_t len,
                             const char *const *lists,
                             const char *const *tables,
                             const size_t *lens,
                             size_t count,
                             const struct kp_options *options,
                             struct kp_batch **out,
                             struct kp_error **err);

/**
 * The number of rows (0 for NULL).
 */
size_t kp_batch_len(const struct kp_batch *batch);

/**
 * How many rows scored (`*ok`) and how many failed (`*failed`).
 */
kp_status kp_batch_counts(const struct kp_batch *batch, size_t *ok, size_t *failed);

/**
 * Row `index` (0-based; its row is index + 1): `KP_OK` and its full result in `*result` (freed
 * with `kp_result_free`), or `KP_RECORD_ERROR` and, when `err` is not NULL, its error in `*err`.
 * `KP_NOT_FOUND` when `index` is not below `kp_batch_len`.
 */
kp_status kp_batch_row(const struct kp_batch *batch,
                       size_t index,
                       struct kp_result **result,
                       struct kp_error **err);

/**
 * Row `index`'s published total as decimal text. `KP_RECORD_ERROR` when the row failed (get the
 * error with `kp_batch_row`), `KP_NO_VALUE` for a criteria-only rulebook, `KP_NOT_FOUND` for an
 * index beyond the batch. `*out` is freed with `kp_string_free`.
 */
kp_status kp_batch_row_total(const struct kp_batch *batch, size_t index, char **out);

/**
 * Row `index`'s grade, as `kp_batch_row_total`.
 */
kp_status kp_batch_row_grade(const struct kp_batch *batch, size_t index, char **out);

/**
 * Row `index`'s published points of indicator `id`, as `kp_batch_row_total`; `KP_NOT_FOUND` when
 * the rulebook has no such indicator, `KP_NO_VALUE` when it was left out for this row.
 */
kp_status kp_batch_row_points(const struct kp_batch *batch,
                              size_t index,
                              const char *id,
                              char **out);

/**
 * Row `index`'s key: its `key_field` value, else its row (index + 1; also for failed rows).
 * `*out` is freed with `kp_string_free`.
 */
kp_status kp_batch_row_key(const struct kp_batch *batch, size_t index, char **out);

/**
 * Whether row `index` passed every criterion, as `kp_batch_row_total`.
 */
kp_status kp_batch_row_passed(const struct kp_batch *batch, size_t index, bool *out);

/**
 * Row `index`'s rank among scored rows by total (competition ranks: 1, 2, 2, 4), as
 * `kp_batch_row_total`.
 */
kp_status kp_batch_row_rank(const struct kp_batch *batch, size_t index, uint32_t *out);

/**
 * Row `index`'s rank within its profile, as `kp_batch_row_rank`; `KP_NO_VALUE` without a profile.
 */
kp_status kp_batch_row_profile_rank(const struct kp_batch *batch, size_t index, uint32_t *out);

/**
 * Row `index`'s line: the 1-based line of its CSV source where it starts (failed rows too; see
 * Rows at the top). `KP_NO_VALUE` for batches not read from CSV.
 */
kp_status kp_batch_row_line(const struct kp_batch *batch, size_t index, size_t *out);

/**
 * The batch summary as JSON: `{"rows", "ok", "failed", "grades": [{"grade", "count", "share"}],
 * "passed", "errors": [["InputType", 3], …], "mean_total", "lowest_total", "highest_total"}`
 * (shares are decimal text, count / scored rows at 4 places; the mean of the scored rows'
 * published totals is exact, rounded once half-up at the rulebook's scale; the three totals are
 * decimal text, null without a scored total); CSV batches add `"table": {"encoding", "ignored_columns", "did_you_mean", "unfilled_inputs"}`.
 * `*out` is freed with `kp_string_free`; `out_len` (may be NULL) gets its length.
 */
kp_status kp_batch_summary_json(const struct kp_batch *batch,
                                char **out,
                                size_t *out_len);

/**
 * The batch as a JSON array, one element per row in order: `{"row": 1, "ok": true, "rank": 1,
 * "profile_rank": null, "result": {…kaoping.result/2…}}` or `{"row": 2, "ok": false, "error":
 * {…as kp_error_to_json…}}`; CSV rows also carry `"line"`. Builds every row's explanation.
 * `*out` is freed with `kp_string_free`; `out_len` (may be NULL) gets its length.
 */
kp_status kp_batch_to_json(const struct kp_batch *batch, char **out, size_t *out_len);

/**
 * Free a batch. NULL is a no-op.
 */
void kp_batch_free(struct kp_batch *batch);

/**
 * Advice for a typed record: the least changes of its actionable inputs (not those declared
 * `actionable = false`, nor its key or profile) that reach `goal` — a grade's label ("较好"),
 * "passed" (or "达标"), or a total ("85") — as JSON (schema `kaoping.advice/1`): where it stands,
 * `blockers` (vetoes, grade rules, criteria in the way, each with the single changes that clear
 * it), `alternatives` best first (each: `changes` {input, label, unit, from, to, delta},
 * `effects` on the indicators, the `total`, `grade` and `passed` of the changed record, and the
 * words `zh` and `en`; every one verified by scoring the changed record), or `unreachable`
 * {reason, zh, en}; decimals as strings. The search is bounded: at most 3 inputs together, 5
 * alternatives, 20,000 records scored. `*out` is freed with `kp_string_free`; `out_len` (may be
 * NULL) gets its length. `options` (may be NULL) gives the profile and scoring date.
 *
 * `KP_INVALID_ARGUMENT` when `goal` is no grade of the rulebook, not "passed" and not a number
 * (or the rulebook has nothing such a goal could read); `KP_RECORD_ERROR` when the record
 * itself cannot be scored.
 */
kp_status kp_advise_json(const struct kp_rulebook *rb,
                         const struct kp_record *rec,
                         const char *goal,
                         const struct kp_options *options,
                         char **out,
                         size_t *out_len,
                         struct kp_error **err);

/**
 * `kp_advise_json` for a record given as a JSON object of `len` bytes of UTF-8 (as
 * `kp_score_json` reads it).
 *
 * `KP_RECORD_ERROR` also when the JSON does not parse (kind `KP_KIND_SYNTAX`).
 */
kp_status kp_advise_record_json(const struct kp_rulebook *rb,
                                const char *json,
                                size_t len,
                                const char *goal,
                                const struct kp_options *options,
                                char **out,
                                size_t *out_len,
                                struct kp_error **err);

/**
 * Compare two rulebooks over a JSON array of record objects (`len` bytes of UTF-8), each
 * rulebook reading every object by its own inputs: which units change total, grade or verdict,
 * and why. `*out` gets the comparison as JSON (schema `kaoping.compare/1`: both rulebooks, every
 * unit's two results side by side with the change, each indicator's points and the exact
 * attribution of the change, the summary — transition matrix, ups and downs, buckets, each
 * profile, the indicators that moved most — and the biggest movers with both results; decimals
 * as strings), freed with `kp_string_free`; `out_len` (may be NULL) gets its length. `options`
 * (may be NULL) gives the profile, scoring date and threads.
 *
 * `KP_TABLE_ERROR` when the text is not a JSON array (nothing is compared); `KP_RECORD_ERROR`
 * (kind `KP_KIND_UNKNOWN_PROFILE`) when the options name a profile either rulebook does not
 * declare (checked first).
 */
kp_status kp_compare_json(const struct kp_rulebook *old_rb,
                          const struct kp_rulebook *new_rb,
                          const char *json,
                          size_t len,
                          const struct kp_options *options,
                          char **out,
                          size_t *out_len,
                          struct kp_error **err);

/**
 * `kp_compare_json` over a CSV table (`len` bytes; the encoding as `kp_options_set_encoding`
 * says, else detected), each rulebook matching the header to its own inputs by name or label. A
 * ragged line fails its own row under both.
 *
 * `KP_TABLE_ERROR` when the table cannot be read at all by either rulebook; `KP_RECORD_ERROR`
 * (kind `KP_KIND_UNKNOWN_PROFILE`) as `kp_compare_json`.
 */
kp_status kp_compare_csv(const struct kp_rulebook *old_rb,
                         const struct kp_rulebook *new_rb,
                         const char *csv,
                         size_t len,
                         const struct kp_options *options,
                         char **out,
                         size_t *out_len,
                         struct kp_error **err);

/**
 * What the rulebook can and cannot do, proven from the rulebook alone, as JSON (schema
 * `kaoping.lint/1`): `findings` (each with `code`, `severity` "info", "warning" or "error",
 * `location` {file, line, column, path} and the words `zh` and `en`) and `ranges` (per profile
 * and period: the reachable range of the total and of every indicator, `{"min", "max", "text"}`
 * with decimals as strings, the grades a record can get, the verdicts possible). `*out` is
 * freed with `kp_string_free`; `out_len` (may be NULL) gets its length.
 */
kp_status kp_rulebook_lint_json(const struct kp_rulebook *rb, char **out, size_t *out_len);

/**
 * Optional, at the end of a program: release what kaoping keeps for the life of the process, so
 * that a leak checker (valgrind `--leak-check=full`) has nothing to report. It waits for batches
 * being scored on other threads to finish, ends the threads batches run on (joining them), and
 * drops the cache of compiled built-in rulebooks. Handles still held stay valid, and kaoping may
 * be used again afterwards: the threads and the cache come back when needed.
 *
 * Call it from one thread, after every other call has returned; a program that does not call it
 * loses nothing (the operating system reclaims all at exit).
 */
void kp_shutdown(void);

/**
 * Free a string this library returned (through a `char **` out-parameter). NULL is a no-op.
 * Never pass a string that did not come from kaoping, and never free one twice.
 */
void kp_string_free(char *s);

#if defined(KP_TEST_PANIC)
/**
 * Test builds only: panics inside the panic boundary. Returns `KP_PANIC`, and writes a
 * `kp_error` saying so to `*err` when `err` is not NULL.
 */
kp_status kp_test_panic(struct kp_error **err);
#endif

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* KAOPING_H */
