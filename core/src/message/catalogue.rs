//! The patterns: each English message as the core writes it, with `{}` where a value goes (a name,
//! a number, a list: copied as it is) or `{*}` where another message goes (translated in turn, and
//! possibly empty: a hint such as " (did you mean `x`?)"); and its Chinese, with `{0}`, `{1}`… for
//! the holes in English order (Chinese may put them in another order).
//!
//! The first pattern that matches a message whole is used, so a specific pattern comes before a
//! general one.

/// The holes of `pattern` filled from `text`, if `text` is `pattern` with values in its holes.
pub(super) fn match_pattern(pattern: &str, text: &str) -> Option<Vec<String>> {
    let parts = split(pattern);
    let mut holes = Vec::new();
    if walk(&parts, text, &mut holes) { Some(holes) } else { None }
}

/// A piece of a pattern.
#[derive(Clone, Copy)]
enum Part<'p> {
    Lit(&'p str),
    Copy,
    Translate,
}

fn split(pattern: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut rest = pattern;
    loop {
        let copy = rest.find("{}");
        let tr = rest.find("{*}");
        let (at, len, part) = match (copy, tr) {
            (Some(c), Some(t)) if t < c => (t, 3, Part::Translate),
            (Some(c), _) => (c, 2, Part::Copy),
            (None, Some(t)) => (t, 3, Part::Translate),
            (None, None) => break,
        };
        if at > 0 {
            parts.push(Part::Lit(&rest[..at]));
        }
        parts.push(part);
        rest = &rest[at + len..];
    }
    if !rest.is_empty() {
        parts.push(Part::Lit(rest));
    }
    parts
}

/// Match `parts` against all of `text`, pushing each hole's value (backtracking over where a hole
/// ends: the shortest value first).
fn walk(parts: &[Part<'_>], text: &str, holes: &mut Vec<String>) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return text.is_empty();
    };
    match *first {
        Part::Lit(l) => text.strip_prefix(l).is_some_and(|t| walk(rest, t, holes)),
        hole => {
            let mark = holes.len();
            // Where the hole may end: before an occurrence of the next literal, or at the end.
            let ends: Vec<usize> = match rest.first() {
                Some(Part::Lit(next)) => text.match_indices(next).map(|(i, _)| i).collect(),
                None => vec![text.len()],
                // Two holes side by side: the first takes as little as it can.
                Some(_) => text.char_indices().map(|(i, _)| i).chain([text.len()]).collect(),
            };
            for end in ends {
                let value = &text[..end];
                let filled = match hole {
                    Part::Copy if value.is_empty() => continue,
                    Part::Copy => value.to_owned(),
                    _ => match super::zh(value) {
                        Some(t) => t,
                        None => continue,
                    },
                };
                holes.push(filled);
                if walk(rest, &text[end..], holes) {
                    return true;
                }
                holes.truncate(mark);
            }
            false
        }
    }
}

/// `zh` with `{0}`, `{1}`… replaced by the holes.
pub(super) fn fill(zh: &str, holes: &[String]) -> Option<String> {
    let mut out = String::with_capacity(zh.len() + 16);
    let mut rest = zh;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}')? + open;
        let index: usize = rest[open + 1..close].parse().ok()?;
        out.push_str(holes.get(index)?);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// English pattern → Chinese.
pub(super) const PATTERNS: &[(&str, &str)] = &[
    // Hints, places and lists that end many messages.
    (" (did you mean `{}`?)", "（是否应为「{0}」？）"),
    ("; did you mean \"{}\" (input {})?", "；是否应为「{0}」（输入 {1}）？"),
    ("; did you mean \"{}\"?", "；是否应为「{0}」？"),
    ("; did you mean `{}`?", "；是否应为「{0}」？"),
    ("; expected one of: {}", "；应为以下之一：{0}"),
    (" in profile \"{}\"", "（片区/类别「{0}」）"),
    (" (in `{}`)", "（在 `{0}` 中）"),
    (" (in ``)", "（在空表达式中）"),
    (" (in the array that starts at {})", "（在始于 {0} 的数组中）"),
    (" (in the object that starts at {})", "（在始于 {0} 的对象中）"),
    // An error inside a component rulebook, passed up: its own message inside.
    ("component {}: {} [at {}]: {*}", "子方案 {0}：{1}［位于 {2}］：{3}"),
    ("component {}: {} [field {}]: {*}", "子方案 {0}：{1}［字段 {2}］：{3}"),
    ("component {}: {}: {*}", "子方案 {0}：{1}：{2}"),
    // Names.
    ("unknown input `{}`{*}", "未知的输入项「{0}」{1}"),
    ("unknown key `{}`{*}{*}", "未知的键「{0}」{1}{2}"),
    ("unknown name `{}`{*}{*}", "未知的名称「{0}」{1}{2}"),
    ("unknown parameter `{}`{*}", "未知的参数「{0}」{1}"),
    ("unknown indicator \"{}\"{*}{*}", "未知的指标「{0}」{1}{2}"),
    ("points override for unknown indicator \"{}\"{*}", "分值覆盖指向未知的指标「{0}」{1}"),
    ("unknown function {}(); available: {}{*}", "未知的函数 {0}()；可用的有：{1}{2}"),
    ("unknown input type `{}`{*}", "未知的输入类型「{0}」{1}"),
    ("unknown rounding `{}`{*}", "未知的舍入方式「{0}」{1}"),
    (
        "unknown panel method `{}`; expected mean, median or trimmed_mean",
        "未知的评分组计算方法「{0}」；应为 mean、median 或 trimmed_mean",
    ),
    (
        "unknown aggregate `{}`; expected \"sum\" or \"weighted\"",
        "未知的汇总方式「{0}」；应为 \"sum\" 或 \"weighted\"",
    ),
    (
        "unknown `round` setting `{}`; expected \"each\" (the default) or \"total_only\"",
        "未知的 `round` 设置「{0}」；应为 \"each\"（默认）或 \"total_only\"",
    ),
    ("profile \"{}\" is not declared{*}; declared: {}", "片区/类别「{0}」未声明{1}；已声明的有：{2}"),
    ("profile \"{}\" is not declared in [profiles]{*}", "片区/类别「{0}」未在 [profiles] 中声明{1}"),
    (
        "profile \"{}\" is not declared: this rulebook has no profiles",
        "片区/类别「{0}」未声明：本考核方案没有片区/类别",
    ),
    ("grade \"{}\" is not declared in [[grade]]{*}", "等次「{0}」未在 [[grade]] 中声明{1}"),
    (
        "no rulebook with id `{}` is available (built-in, or loaded alongside){*}",
        "没有标识为「{0}」的考核方案（内置的或一同加载的）{1}",
    ),
    ("{} `{}` is not a declared input{*}", "{0}「{1}」不是已声明的输入项{2}"),
    (
        "no rulebook with id `{}` is available to score these items (built-in, given to the loader, or {}.toml beside this file){*}",
        "没有标识为「{0}」的考核方案为这些明细项评分（内置的、交给加载器的，或本文件旁的 {1}.toml）{2}",
    ),
    ("`{}` is not a field of {}{*}", "「{0}」不是 {1} 的字段{2}"),
    // Declarations.
    (
        "`{}` is already declared as an input, parameter or derived value",
        "「{0}」已声明为输入项、参数或计算值",
    ),
    ("`{}` is already declared as an input or parameter", "「{0}」已声明为输入项或参数"),
    ("{} \"{}\" is declared twice", "{0}「{1}」重复声明"),
    ("bonus item \"{}\" is declared twice", "加分项「{0}」重复声明"),
    ("its parent \"{}\" is not declared before it", "其上级指标「{0}」未在它之前声明"),
    ("derived values depend on each other: {}", "计算值相互依赖：{0}"),
    ("missing the [rulebook] table (id, title, version…)", "缺少 [rulebook] 表（id、title、version……）"),
    ("missing key `{}` ({})", "缺少键「{0}」（{1}）"),
    ("missing key `{}`", "缺少键「{0}」"),
    ("a leaf indicator needs a rule ({})", "叶指标需要一条规则（{0}）"),
    ("a leaf has exactly one rule; found {} and {}", "叶指标只能有一条规则；却有 {0} 和 {1}"),
    (
        "a parameter needs a base `value` or `dated` table (profiles only replace it)",
        "参数需要基础的 `value` 或 `dated` 表（片区/类别只替换它）",
    ),
    ("a dated parameter needs at least one date", "分期参数至少需要一个日期"),
    (
        "an items input declares its `fields` (name = type), or the `rulebook` that scores each item",
        "items 输入项需声明其 `fields`（名称 = 类型），或为每一项评分的 `rulebook`",
    ),
    (
        "only the last grade may have no bound (`at_least` or `above`)",
        "只有最后一个等次可以没有下限（`at_least` 或 `above`）",
    ),
    ("a grade has `at_least` or `above`, not both", "等次只能有 `at_least` 或 `above` 之一，不能两者都有"),
    ("profile_field `{}` must be a text input, not {*}", "profile_field「{0}」必须是文本输入项，而不是 {1}"),
    ("profile_field `{}` must be a text input, not {}", "profile_field「{0}」必须是文本输入项，而不是 {1}"),
    // Points, bands, grades, linear.
    (
        "its children's points add up to {}{*}, not its {} points",
        "其下级指标分值之和为 {0}{1}，而不是其分值 {2}",
    ),
    (
        "the top-level indicators add up to {}, not the declared max {}",
        "一级指标分值之和为 {0}，而不是声明的满分 {1}",
    ),
    (
        "its points {} are too large to publish at {} decimal places (a result holds at most 28 digits)",
        "其分值 {0} 太大，无法保留 {1} 位小数公布（结果最多 28 位数字）",
    ),
    ("{} thresholds must strictly decrease: {} then {}{*}", "{0} 的阈值必须严格递减：{1} 之后是 {2}{3}"),
    ("{} thresholds must strictly increase: {} then {}{*}", "{0} 的阈值必须严格递增：{1} 之后是 {2}{3}"),
    (
        "grade bounds must strictly decrease: \"{}\" has {} after {}",
        "等次下限必须严格递减：「{0}」的下限 {1} 在 {2} 之后",
    ),
    ("bands need `else`: the points when no band holds", "bands 需要 `else`：没有任何分档成立时的分值"),
    ("bands need one of at_most, below, at_least, above", "bands 需要 at_most、below、at_least、above 之一"),
    (
        "bands use exactly one of at_most, below, at_least, above",
        "bands 只能使用 at_most、below、at_least、above 中的一个",
    ),
    ("bands need at least one [threshold, points] pair", "bands 至少需要一对 [阈值, 分值]"),
    ("linear needs two different x values; both are {}", "linear 需要两个不同的 x 值；两者都是 {0}"),
    ("expected a pair [x, points]", "应为一对 [x, 分值]"),
    ("`best` is \"max\" or \"min\", not \"{}\"", "`best` 应为 \"max\" 或 \"min\"，而不是 \"{0}\""),
    ("`{}` must be a whole number from {} to {}", "「{0}」必须是 {1} 到 {2} 的整数"),
    // Types of rulebook values.
    ("`{}` must be true or false, found {*}", "「{0}」必须是 true 或 false，却是 {1}"),
    ("`{}` must be true or false, found {}", "「{0}」必须是 true 或 false，却是 {1}"),
    ("`{}` must be a string, found {*}", "「{0}」必须是字符串，却是 {1}"),
    ("`{}` must be a string, found {}", "「{0}」必须是字符串，却是 {1}"),
    ("`{}` must be an array, found {*}", "「{0}」必须是数组，却是 {1}"),
    ("`{}` must be an array, found {}", "「{0}」必须是数组，却是 {1}"),
    ("`{}` must be a table, found {*}", "「{0}」必须是表，却是 {1}"),
    ("`{}` must be a table, found {}", "「{0}」必须是表，却是 {1}"),
    ("expected a number, found {*}", "应为数字，却是 {0}"),
    ("expected a number, found {}", "应为数字，却是 {0}"),
    ("expected a string, found {*}", "应为字符串，却是 {0}"),
    ("expected a string, found {}", "应为字符串，却是 {0}"),
    ("expected a table, found {*}", "应为表，却是 {0}"),
    ("expected a table, found {}", "应为表，却是 {0}"),
    ("expected an array, found {*}", "应为数组，却是 {0}"),
    ("expected an array, found {}", "应为数组，却是 {0}"),
    ("expected a date (YYYY-MM-DD), found {*}", "应为日期（YYYY-MM-DD），却是 {0}"),
    ("expected a date (YYYY-MM-DD), found {}", "应为日期（YYYY-MM-DD），却是 {0}"),
    ("`{}` is not a number: {*}", "「{0}」不是数字：{1}"),
    ("`{}` is not a date (YYYY-MM-DD)", "「{0}」不是日期（YYYY-MM-DD）"),
    ("`{}` is neither a number nor a parameter name", "「{0}」既不是数字，也不是参数名"),
    ("nan and inf are not allowed in rulebooks", "考核方案中不允许 nan 和 inf"),
    (
        "write numbers with more than 15 significant digits as strings ({}), so no TOML reader rounds them",
        "有效数字超过 15 位的数请写成字符串（{0}），以免 TOML 读取器将其舍入",
    ),
    ("a formula must be a number expression; `{}` is a {}", "formula 必须是数值表达式；`{0}` 是{1}"),
    (
        "the condition of check must be a boolean expression; `{}` is a {}",
        "check 的条件必须是布尔表达式；`{0}` 是{1}",
    ),
    ("the input of {} must be a number expression; `{}` is a {}", "{0} 的输入必须是数值表达式；`{1}` 是{2}"),
    // Expressions.
    ("empty expression: expected an expression{*}", "空表达式：此处应有表达式{0}"),
    (
        "'{}' is not an operator: use `not` to negate, or != to compare{*}",
        "「{0}」不是运算符：取反用 `not`，比较用 !={1}",
    ),
    ("'{}' is not an operator: use `{}`{*}", "「{0}」不是运算符：请用 `{1}`{2}"),
    (
        "'{}' cannot follow an `in` list: arithmetic binds tighter than `in`; write `(x in [..])` in parentheses to use the test's value{*}",
        "「{0}」不能跟在 `in` 列表之后：算术运算比 `in` 优先；要使用判断的值，请加括号写成 `(x in [..])`{1}",
    ),
    (
        "`if … then` without `else`: expected `else`, found the end{*}",
        "`if … then` 缺少 `else`：此处应为 `else`，却到了结尾{0}",
    ),
    (
        "`{}` is a list input (numbers or items): its rules (panel, items, count) read it, and aggregates such as count({}), sum({}, …), mean({}, …){*}",
        "「{0}」是列表输入项（numbers 或 items）：由其规则（panel、items、count）和 count({1})、sum({2}, …)、mean({3}, …) 等汇总函数读取{4}",
    ),
    ("a text in a list compared with a number{*}", "列表中的文本与数字比较{0}"),
    ("cannot compare a {} with a {}{*}", "不能将{0}与{1}比较{2}"),
    ("an operand of {} must be a {}, found a {}{*}", "{0} 的操作数必须是{1}，却是{2}{3}"),
    ("the operand of {} must be a {}, found a {}{*}", "{0} 的操作数必须是{1}，却是{2}{3}"),
    ("the branches of if have different types: {} and {}{*}", "if 的各分支类型不同：{0} 和 {1}{2}"),
    (
        "comparisons don't chain: use `and`, as in `a < b and b < c`{*}",
        "比较不能连写：请用 `and`，如 `a < b and b < c`{0}",
    ),
    ("expected an expression after '{}', found {}{*}", "「{0}」之后应为表达式，却是 {1}{2}"),
    ("expected an operator or the end after '{}', found {}{*}", "「{0}」之后应为运算符或结尾，却是 {1}{2}"),
    (
        "expression nested too deeply: more than 64 levels of parentheses, unary operators, `if`s, calls and lists{*}",
        "表达式嵌套过深：括号、一元运算符、`if`、函数调用和列表超过 64 层{0}",
    ),
    (
        "malformed number {}: a number is digits with at most one decimal point, and a name can't start with a digit{*}",
        "数字 {0} 格式错误：数字由数字和至多一个小数点组成，名称不能以数字开头{1}",
    ),
    ("{}() takes two or more arguments{*}", "{0}() 需要两个或更多参数{1}"),
    (
        "round(x, n) needs n as a whole-number literal from 0 to 28{*}",
        "round(x, n) 中的 n 必须是 0 到 28 的整数字面量{0}",
    ),
    ("unclosed '(': expected ')' before the end{*}", "未闭合的「(」：结尾之前应有「)」{0}"),
    ("unclosed string: expected a closing '\"'{*}", "未闭合的字符串：应有结束的「\"」{0}"),
    ("unexpected character '{}' (a control character){*}", "意外的字符「{0}」（控制字符）{1}"),
    ("unexpected character '{}': use ASCII {}{*}", "意外的字符「{0}」：请用 ASCII {1}{2}"),
    ("unexpected character '{}'{*}", "意外的字符「{0}」{1}"),
    // The words of expression types.
    ("number", "数字"),
    ("integer", "整数"),
    ("float", "小数"),
    ("string", "字符串"),
    ("date", "日期"),
    ("datetime", "日期时间"),
    ("null", "null"),
    ("object", "对象"),
    ("text", "文本"),
    ("boolean", "布尔值"),
    // JSON.
    ("the record is not valid JSON at {}: {*}", "记录不是有效的 JSON（位置 {0}）：{1}"),
    ("not valid JSON at {}: {*}", "不是有效的 JSON（位置 {0}）：{1}"),
    ("empty document", "文档为空"),
    ("NaN and Infinity are not allowed in JSON", "JSON 中不允许 NaN 和 Infinity"),
    ("comments are not allowed in JSON", "JSON 中不允许注释"),
    ("trailing comma before '{}' is not allowed in JSON", "JSON 中「{0}」之前不允许有多余的逗号"),
    ("strings must be in double quotes, not single quotes", "字符串必须用双引号，不能用单引号"),
    ("duplicate key \"{}\": first at {}, again at {}", "重复的键「{0}」：首次在 {1}，再次在 {2}"),
    ("unterminated string (it starts at {})", "字符串未结束（始于 {0}）"),
    ("invalid escape '{}' (JSON allows {})", "无效的转义「{0}」（JSON 允许 {1}）"),
    (
        "lone surrogate {}: a high surrogate must be followed by a {} escape",
        "孤立的代理项 {0}：高位代理项之后必须跟 {1} 转义",
    ),
    (
        "lone surrogate {}: a low surrogate must follow a high one",
        "孤立的代理项 {0}：低位代理项必须跟在高位代理项之后",
    ),
    (
        "control character {} must be escaped inside a string (JSON strings cannot contain raw control characters)",
        "字符串中的控制字符 {0} 必须转义（JSON 字符串不能含原始控制字符）",
    ),
    ("arrays and objects are nested deeper than {} levels", "数组和对象嵌套超过 {0} 层"),
    ("unexpected end of input: expected {}{*}", "输入意外结束：此处应为 {0}{1}"),
    (
        "unexpected '{}': expected a value (strings must be in double quotes; true, false are lower case)",
        "意外的「{0}」：此处应为值（字符串须用双引号；true、false 为小写）",
    ),
    ("unexpected '{}': expected a value", "意外的「{0}」：此处应为值"),
    (
        "unexpected '{}': object keys must be strings in double quotes",
        "意外的「{0}」：对象的键必须是双引号字符串",
    ),
    (
        "unexpected '{}': expected ',' or '}' after an object member",
        "意外的「{0}」：对象成员之后应为「,」或「}」",
    ),
    ("unexpected '{}': no more text may follow the JSON value", "意外的「{0}」：JSON 值之后不能再有文本"),
    ("leading zeros are not allowed in numbers", "数字不允许有前导零"),
    ("numbers must not start with '+'", "数字不能以「+」开头"),
    ("numbers must start with a digit (write 0.5, not .5)", "数字必须以数字开头（写 0.5，而不是 .5）"),
    ("expected a JSON array of records", "应为记录组成的 JSON 数组"),
    // TOML (the reader's words).
    (
        "duplicate key `{}`: a key or table can be defined only once",
        "重复的键「{0}」：一个键或表只能定义一次",
    ),
    ("a dotted key or table header has more than {} parts", "带点的键或表头超过 {0} 段"),
    ("inline arrays and tables are nested deeper than {} levels", "内联数组和表嵌套超过 {0} 层"),
    ("key with no value, expected `=`", "键没有值，此处应为「=」"),
    ("string values must be quoted, expected literal string", "字符串值必须加引号"),
    (
        "unquoted keys cannot be empty, expected letters, numbers, `-`, `_`",
        "不加引号的键不能为空，应为字母、数字、`-`、`_`",
    ),
    ("unexpected leading zero, expected nothing", "意外的前导零"),
    ("missing escaped value, expected {}", "缺少转义值，应为 {0}"),
    ("unclosed {}, expected `{}`", "未闭合的{0}，应为「{1}」"),
    ("invalid {}, expected {}", "无效的{0}，应为 {1}"),
    ("array table", "数组表"),
    ("array", "数组"),
    ("inline table", "内联表"),
    ("table", "表"),
    // Records: values, types, ranges.
    ("{} is required but missing", "缺少必填输入项 {0}"),
    ("a record is a JSON object of field values, not {*}", "记录应为由字段值组成的 JSON 对象，而不是 {0}"),
    ("a record is a JSON object of field values, not {}", "记录应为由字段值组成的 JSON 对象，而不是 {0}"),
    (
        "{} = {} is a percentage, but this input is not measured in % (it has no unit): give the number itself",
        "{0} = {1} 是百分数，但该输入项不以 % 计量（没有单位）：请给出数值本身",
    ),
    (
        "{} = {} is a percentage, but this input is not measured in % (its unit is {}): give the number itself",
        "{0} = {1} 是百分数，但该输入项不以 % 计量（单位是 {2}）：请给出数值本身",
    ),
    ("{} = {} is above the maximum {}", "{0} = {1} 超过最大值 {2}"),
    ("{} = {} is below the minimum {}", "{0} = {1} 低于最小值 {2}"),
    ("{} = {} is not one of the allowed values: {}", "{0} = {1} 不是允许的值之一：{2}"),
    ("{} = {}: {*}", "{0} = {1}：{2}"),
    ("not a finite number (NaN or infinity)", "不是有限数（NaN 或无穷大）"),
    (
        "thousands separators are not allowed (write 1234, not 1,234)",
        "不允许千位分隔符（写 1234，而不是 1,234）",
    ),
    (
        "number out of range (decimals: at most 28 places and 28-29 significant digits, |x| < 7.9e28; integers: 64-bit)",
        "数值超出范围（小数：至多 28 位小数、28–29 位有效数字，|x| < 7.9e28；整数：64 位）",
    ),
    ("not a number literal", "不是数字字面量"),
    ("not a number", "不是数字"),
    ("not an integer", "不是整数"),
    (
        "{} must be true/false (also 1/0, yes/no, 是/否), not {}",
        "{0} 必须是 true/false（也可以是 1/0、yes/no、是/否），而不是 {1}",
    ),
    ("{} must be true or false, not {*}", "{0} 必须是 true 或 false，而不是 {1}"),
    ("{} must be true or false, not {}", "{0} 必须是 true 或 false，而不是 {1}"),
    ("{} must be a decimal number, not {*}", "{0} 必须是小数，而不是 {1}"),
    ("{} must be a decimal number, not {}", "{0} 必须是小数，而不是 {1}"),
    ("{} must be a whole number, not {*}", "{0} 必须是整数，而不是 {1}"),
    ("{} must be a whole number, not {}", "{0} 必须是整数，而不是 {1}"),
    ("{} must be a number, not {*}", "{0} 必须是数字，而不是 {1}"),
    ("{} must be a number, not {}", "{0} 必须是数字，而不是 {1}"),
    ("{} must be text, not {*}", "{0} 必须是文本，而不是 {1}"),
    ("{} must be text, not {}", "{0} 必须是文本，而不是 {1}"),
    ("{} must be a list of numbers, not {*}", "{0} 必须是数字列表，而不是 {1}"),
    ("{} must be a list of numbers, not {}", "{0} 必须是数字列表，而不是 {1}"),
    ("{} must be a list of items, not {*}", "{0} 必须是明细项列表，而不是 {1}"),
    ("{} must be a list of items, not {}", "{0} 必须是明细项列表，而不是 {1}"),
    ("{} must be an object of item fields, not {*}", "{0} 必须是由明细字段组成的对象，而不是 {1}"),
    ("{} must be an object of item fields, not {}", "{0} 必须是由明细字段组成的对象，而不是 {1}"),
    ("mark {} of {} = {} is below the minimum {}", "{1} 的第 {0} 个打分 = {2}，低于最小值 {3}"),
    ("mark {} of {} = {} is above the maximum {}", "{1} 的第 {0} 个打分 = {2}，超过最大值 {3}"),
    ("{} has {} mark(s); a panel needs at least one", "{0} 有 {1} 个打分；评分组至少需要一个"),
    (
        "{} has {} mark(s); dropping {} highest and {} lowest needs more than {}",
        "{0} 有 {1} 个打分；去掉 {2} 个最高分和 {3} 个最低分需要多于 {4} 个",
    ),
    ("columns \"{}\" and \"{}\" both fill input `{}`", "列「{0}」和「{1}」都对应输入项「{2}」"),
    // Scoring.
    ("division by zero", "除数为零"),
    ("{} at {} cannot be represented as a decimal", "{1} 处的 {0} 无法用小数表示"),
    ("parameter {} has no value on or before {}", "参数 {0} 在 {1} 当天或之前没有值"),
    (
        "parameter {} is dated but no scoring date was given (as_of)",
        "参数 {0} 分期取值，但未给出评分日期（as_of）",
    ),
    (
        "`{}` is not in the lookup table of {} and there is no `else`",
        "「{0}」不在 {1} 的查找表中，且没有 `else`",
    ),
    (
        "item {} of {} ({}) is not in the table and there is no `else`",
        "{1} 的第 {0} 项（{2}）不在表中，且没有 `else`",
    ),
    (
        "a relative rule needs the cohort's best value: score the record in a batch, or pass cohort figures",
        "相对评分规则需要参评总体的最优值：请批量评分，或给出总体数据",
    ),
    // Tables.
    ("line {}: {*}", "第 {0} 行：{1}"),
    ("{} cells, but the header has {}", "有 {0} 个单元格，但表头有 {1} 个"),
    ("a quoted cell is never closed", "带引号的单元格没有结束"),
    ("the bytes are not valid GB18030", "字节不是有效的 GB18030"),
    (
        "the bytes are not valid UTF-8 (is the file GBK/GB18030? give the encoding)",
        "字节不是有效的 UTF-8（文件是 GBK/GB18030 吗？请指定编码）",
    ),
    ("the file is empty: expected a header row", "文件为空：应有表头行"),
    // Warnings.
    ("field `{}` is not an input of this rulebook (ignored){*}", "字段「{0}」不是考核方案的输入，已忽略{1}"),
    (
        "field `{}` is not an input of this rulebook (refused: strict mode){*}",
        "字段「{0}」不是考核方案的输入，已拒绝（严格模式）{1}",
    ),
    ("column \"{}\" is not an input of this rulebook (ignored){*}", "列「{0}」不是考核方案的输入，已忽略{1}"),
];
