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
    // The same exit decisions computed from the units below (spec §18): a village from its
    // registered households, a county from its villages and the third-party sample.
    builtin!("sc.poverty.village-exit.households"),
    builtin!("cn.poverty.third-party.household"),
    builtin!("sc.poverty.county-exit.villages"),
    // Sichuan county performance assessment and the combined evaluation with its components.
    builtin!("sc.poverty.county-assessment"),
    builtin!("sc.poverty.county-combined"),
    builtin!("sc.poverty.county-combined.acceptance"),
    builtin!("sc.poverty.county-combined.third-party"),
    builtin!("sc.poverty.county-combined.departments"),
    // School science and technology education (科技教育) and the school's target assessment.
    builtin!("cd.school.science-education"),
    builtin!("cd.school.target"),
    // One term's process record, rolled up into the school's process evaluation.
    builtin!("cd.school.science-term"),
    // Civic scientific literacy (公民科学素质).
    builtin!("cn.science-literacy"),
    // A district's weighted share, overall and per population group, from its respondents.
    builtin!("cn.science-literacy.district"),
];
