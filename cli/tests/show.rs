//! `kaoping show`: every built-in printed with Chinese comments (its place in the tree, points
//! and rule in words before each indicator; inputs, parameters, vetoes, grades) loads as the same
//! rulebook; `--plain` prints the text as written; two built-ins against golden files.
//!
//! After a deliberate change, regenerate the goldens with
//! `KAOPING_BLESS=1 cargo test -p kaoping-cli --test show`, read the diff, and commit.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn show(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .arg("show")
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_builtin_shown_with_comments_loads_as_itself() {
    for id in kaoping::Rulebook::builtin_ids() {
        let rb = kaoping::Rulebook::builtin(id).unwrap();
        let shown = show(&[&format!("builtin:{id}")]);
        let again = kaoping::Rulebook::from_str(&shown, kaoping::Format::Toml).unwrap();
        assert_eq!(again.fingerprint(), rb.fingerprint(), "{id}");
        // A comment before every indicator, with its points.
        for ind in rb.indicators() {
            assert!(shown.contains(&format!("{}】", ind.label)), "{id}: {}", ind.id);
        }
        assert!(shown.len() > rb.text().unwrap().len(), "{id}: comments added");
        assert_eq!(show(&["--plain", &format!("builtin:{id}")]), rb.text().unwrap(), "{id}: --plain");
    }
}

#[test]
fn goldens() {
    for id in ["example.county-assessment", "cd.school.science-education"] {
        let shown = show(&[&format!("builtin:{id}")]);
        let golden = root().join(format!("cli/tests/golden/show/{id}.toml"));
        if std::env::var_os("KAOPING_BLESS").is_some() {
            std::fs::write(&golden, &shown).unwrap();
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        assert!(shown == want, "{id}: differs from {} (KAOPING_BLESS=1 to regenerate)", golden.display());
    }
}
