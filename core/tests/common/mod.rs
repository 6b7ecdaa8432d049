//! What several integration tests share: the repository root, and the built-in rulebooks' sample
//! tables with the rulebooks that read each.
#![allow(dead_code)] // each test binary uses its own part

use std::path::PathBuf;

/// Each sample table (`core/rulebooks/samples/`) and the built-in rulebooks that read it. The
/// awards items table is not listed: it joins the schools table on its key.
pub const TABLES: &[(&str, &[&str])] = &[
    ("households.csv", &["cn.poverty.household-exit", "sc.poverty.household-exit"]),
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

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A sample table's bytes.
pub fn sample(name: &str) -> Vec<u8> {
    let path = repo().join("core/rulebooks/samples").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
