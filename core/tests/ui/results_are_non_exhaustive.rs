// Result structs may grow: an application reads them, it does not build them.
fn main() {
    let _ = kaoping::ValueRead { name: "x".into(), label: None, value: None };
}
