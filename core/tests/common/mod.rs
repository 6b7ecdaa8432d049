//! What several integration tests share: the repository root, and the built-in rulebooks' sample
//! tables with the rulebooks that read each.
#![allow(dead_code)] // each test binary uses its own part

use std::path::PathBuf;

/// Each sample table (`core/rulebooks/samples/`) and the built-in rulebooks that read it, one row
/// per record. The awards items table is not listed: it joins the schools table on its key; the
/// roll-ups' parent tables are in [`ROLLUPS`].
pub const TABLES: &[(&str, &[&str])] = &[
    ("households.csv", &["cn.poverty.household-exit", "sc.poverty.household-exit"]),
    ("rollup/households.csv", &["sc.poverty.household-exit"]),
    ("rollup/survey.csv", &["cn.poverty.third-party.household"]),
    ("terms.csv", &["cd.school.science-term"]),
    ("villages.csv", &["sc.poverty.village-exit"]),
    (
        "counties.csv",
        &[
            "sc.poverty.county-exit",
            "sc.poverty.county-assessment",
            "sc.poverty.county-combined",
            "sc.poverty.county-combined.acceptance",
            "sc.poverty.county-combined.third-party",
            "sc.poverty.county-combined.departments",
        ],
    ),
    ("schools.csv", &["cd.school.science-education", "cd.school.target"]),
    ("respondents.csv", &["cn.science-literacy"]),
];

/// A built-in that reads sub-units (spec §18), its parent sample table and its child tables by
/// list path (nested levels dotted, as §18.5 names them).
pub struct Rollup {
    /// The built-in.
    pub id: &'static str,
    /// Its parent table.
    pub parent: &'static str,
    /// (list path, child table).
    pub children: &'static [(&'static str, &'static str)],
}

/// Every built-in whose sample is a parent table with child tables.
pub const ROLLUPS: &[Rollup] = &[
    Rollup {
        id: "sc.poverty.village-exit.households",
        parent: "rollup/villages.csv",
        children: &[("households", "rollup/households.csv")],
    },
    Rollup {
        id: "sc.poverty.county-exit.villages",
        parent: "rollup/counties.csv",
        children: &[
            ("villages", "rollup/villages.csv"),
            ("villages.households", "rollup/households.csv"),
            ("survey", "rollup/survey.csv"),
        ],
    },
    Rollup {
        id: "cn.science-literacy.district",
        parent: "districts.csv",
        children: &[("respondents", "respondents.csv")],
    },
    Rollup {
        id: "cd.school.science-education",
        parent: "schools.csv",
        children: &[("awards", "awards.csv"), ("terms", "terms.csv")],
    },
    Rollup {
        id: "cd.school.target",
        parent: "schools.csv",
        children: &[("awards", "awards.csv"), ("terms", "terms.csv")],
    },
];

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A sample table's bytes.
pub fn sample(name: &str) -> Vec<u8> {
    let path = repo().join("core/rulebooks/samples").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
