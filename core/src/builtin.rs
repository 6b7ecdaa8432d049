//! The built-in rulebooks, embedded in the library so every binding has them (`builtin:<id>`).
//! Each is a TOML file under `core/rulebooks/` named `<id>.toml`; loading compiles it once and
//! caches it. `docs/rulebooks.md` describes them; `core/rulebooks/samples/` holds sample tables.

macro_rules! builtin {
    ($id:literal) => {
        ($id, include_str!(concat!("../rulebooks/", $id, ".toml")))
    };
}

/// (id, TOML text) of every built-in rulebook, in listing order.
pub(crate) const BUILTINS: &[(&str, &str)] = &[
    builtin!("example.county-assessment"),
    // Poverty exit (贫困退出): national and Sichuan criteria.
    builtin!("cn.poverty.household-exit"),
    builtin!("sc.poverty.household-exit"),
    builtin!("sc.poverty.village-exit"),
    builtin!("sc.poverty.county-exit"),
    // Sichuan county performance assessment and the combined evaluation with its components.
    builtin!("sc.poverty.county-assessment"),
    builtin!("sc.poverty.county-combined"),
    builtin!("sc.poverty.county-combined.acceptance"),
    builtin!("sc.poverty.county-combined.third-party"),
    builtin!("sc.poverty.county-combined.departments"),
    // School science and technology education (科技教育) and the school's target assessment.
    builtin!("cd.school.science-education"),
    builtin!("cd.school.target"),
    // Civic scientific literacy (公民科学素质).
    builtin!("cn.science-literacy"),
];
