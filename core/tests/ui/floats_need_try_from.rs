// A float may be NaN: it becomes a value through TryFrom, never silently.
fn main() {
    let rb = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
    let mut r = rb.record();
    let _ = r.set("income_growth", 6.5_f64);
}
