// Public enums may grow: a match needs a wildcard arm.
fn status(s: kaoping::Status) -> &'static str {
    match s {
        kaoping::Status::Scored => "scored",
        kaoping::Status::NoData => "no data",
        kaoping::Status::NotApplicable => "not applicable",
    }
}

fn main() {
    let _ = status;
}
