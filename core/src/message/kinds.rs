//! Each error kind's name and meaning in Chinese (the English is in `crate::error`).

use crate::ErrorKind;

/// The kind's short Chinese name.
pub(super) fn zh_title(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Syntax => "语法错误",
        ErrorKind::Schema => "格式错误",
        ErrorKind::DuplicateId => "重复标识",
        ErrorKind::OrphanIndicator => "缺少上级指标",
        ErrorKind::PointsMismatch => "分值不符",
        ErrorKind::BandOrder => "分档顺序错误",
        ErrorKind::MissingElse => "缺少 else",
        ErrorKind::DegenerateLinear => "线性规则两点重合",
        ErrorKind::UnknownName => "未知名称",
        ErrorKind::TypeMismatch => "类型不符",
        ErrorKind::Cycle => "循环依赖",
        ErrorKind::UnknownProfile => "未知片区/类别",
        ErrorKind::GradeOrder => "等次顺序错误",
        ErrorKind::UnknownGrade => "未知等次",
        ErrorKind::TooDeep => "嵌套过深",
        ErrorKind::MissingInput => "缺少输入",
        ErrorKind::InputType => "输入类型错误",
        ErrorKind::InputOutOfRange => "输入超出范围",
        ErrorKind::NoDatedValue => "参数无适用值",
        ErrorKind::DivisionByZero => "除数为零",
        ErrorKind::Overflow => "数值溢出",
        ErrorKind::LookupMiss => "查表未命中",
        ErrorKind::PanelTooSmall => "评分人数不足",
        ErrorKind::CohortRequired => "需要参评总体",
        ErrorKind::Io => "无法读取",
        ErrorKind::DuplicateKey => "键重复",
    }
}

/// What the kind means, in one Chinese sentence.
pub(super) fn zh_doc(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Syntax => "文本不是有效的 TOML 或 JSON。",
        ErrorKind::Schema => "某个键未知、缺失，或其值的类型不对。",
        ErrorKind::DuplicateId => "两项使用了同一个标识（指标、输入、参数、计算值、一票否决……）。",
        ErrorKind::OrphanIndicator => "带点的指标标识，其上级指标未在它之前声明。",
        ErrorKind::PointsMismatch => "下级指标分值之和不等于上级指标的分值（或声明的满分）。",
        ErrorKind::BandOrder => "分档阈值没有按比较方向严格单调排列。",
        ErrorKind::MissingElse => "`bands` 规则缺少 `else`。",
        ErrorKind::DegenerateLinear => "`linear` 规则的两个 x 值相等。",
        ErrorKind::UnknownName => "未声明的名称（输入、参数、计算值、指标、片区/类别、考核方案）。",
        ErrorKind::TypeMismatch => "表达式或值的类型不对。",
        ErrorKind::Cycle => "计算值相互依赖。",
        ErrorKind::UnknownProfile => "未声明的片区/类别（在方案覆盖中、由记录指定，或为整次调用指定）。",
        ErrorKind::GradeOrder => "等次下限没有严格递减。",
        ErrorKind::UnknownGrade => "一票否决或等次规则用到的等次，没有任何 `[[grade]]` 声明。",
        ErrorKind::TooDeep => "嵌套超过加载器接受的深度（表达式或文档嵌套过深）。",
        ErrorKind::MissingInput => "记录缺少必填输入项。",
        ErrorKind::InputType => "输入值类型不对（数字处是文字、NaN、整数项不是整数……）。",
        ErrorKind::InputOutOfRange => "输入值超出声明的 `min`/`max`/`values`，或超出小数范围。",
        ErrorKind::NoDatedValue => "分期参数在评分日期当天或之前没有值。",
        ErrorKind::DivisionByZero => "评分时除数为零。",
        ErrorKind::Overflow => "要公布的数值无法用小数表示。",
        ErrorKind::LookupMiss => "`lookup` 或 `items` 的键不在表中，且规则没有 `else`。",
        ErrorKind::PanelTooSmall => "评分组的打分个数不足以使用其计算方法。",
        ErrorKind::CohortRequired => "相对评分规则在没有参评总体数据时评分。",
        ErrorKind::Io => "文件无法读取。",
        ErrorKind::DuplicateKey => {
            "子表所连接的表中，有多行键相同（§18.5）：这些行不予评分，其明细不归入任何单位。"
        }
    }
}
