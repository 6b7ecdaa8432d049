//! `kaoping schema`: the JSON Schema of the rulebook format, for editors.

/// Run `kaoping schema`.
pub fn run() -> u8 {
    println!("{}", kaoping::schema::rulebook_json_schema());
    0
}
