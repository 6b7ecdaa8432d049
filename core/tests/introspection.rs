//! Introspection the C API lists without JSON: each indicator's points per profile, and the
//! built-in cache that `kp_shutdown` releases.

use kaoping::{Format, Rulebook};
use rust_decimal::Decimal;

const PROFILED: &str = r#"
[rulebook]
id = "t.profiled"
version = "1"
[profiles."山区"]
[profiles."山区".points]
"a" = 30
"a.x" = 10
"a.y" = 20
[inputs]
x = { type = "decimal" }
[[indicator]]
id = "a"
label = "a"
points = 60
[[indicator]]
id = "a.x"
label = "x"
points = 40
formula = "x"
[[indicator]]
id = "a.y"
label = "y"
points = 20
formula = "x"
[[indicator]]
id = "b"
label = "b"
points = 40
formula = "x"
"#;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn indicator_points_per_profile_follow_the_overrides() {
    let rb = Rulebook::from_str(PROFILED, Format::Toml).unwrap();
    let ids: Vec<String> = rb.indicators().into_iter().map(|i| i.id).collect();
    assert_eq!(ids, ["a", "a.x", "a.y", "b"]);
    let base = rb.indicator_points(None).unwrap();
    assert_eq!(base, [d("60"), d("40"), d("20"), d("40")]);
    // The base column is what `indicators()` says.
    let listed: Vec<Decimal> = rb.indicators().into_iter().map(|i| i.points).collect();
    assert_eq!(base, listed);
    let mountain = rb.indicator_points(Some("山区")).unwrap();
    assert_eq!(mountain, [d("30"), d("10"), d("20"), d("40")]);
    assert_eq!(rb.max(Some("山区")), Some(d("70")));
    assert_eq!(rb.indicator_points(Some("海岛")), None);
}

#[test]
fn clearing_the_builtin_cache_keeps_rulebooks_valid_and_builtins_loadable() {
    let before = Rulebook::builtin("example.county-assessment").unwrap();
    Rulebook::clear_builtin_cache();
    Rulebook::clear_builtin_cache(); // twice is harmless
    let after = Rulebook::builtin("example.county-assessment").unwrap();
    assert_eq!(before.fingerprint(), after.fingerprint());
    assert_eq!(before.indicators(), after.indicators());
}
