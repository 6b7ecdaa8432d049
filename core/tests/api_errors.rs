//! Errors that compose (issue 31, point 5): every error of the public API works with `?` into a
//! boxed error, I/O errors keep their `std::io::Error` as `source()`, a table error says its line,
//! load problems come in the order of their places, and text can name where it came from.

use std::error::Error as _;
use std::io;

use kaoping::table::{CsvStream, Encoding, TableError};
use kaoping::{ErrorKind, Format, Lang, LoadError, Loader, Rulebook};

type Boxed = Box<dyn std::error::Error + Send + Sync + 'static>;

#[test]
fn lang_parses_with_question_mark() {
    fn lang(s: &str) -> Result<Lang, Boxed> {
        Ok(s.parse::<Lang>()?)
    }
    assert_eq!(lang("EN").unwrap(), Lang::En);
    let e = lang("fr").unwrap_err();
    assert!(e.to_string().contains("`fr`"), "{e}");
    assert!(e.downcast_ref::<kaoping::ParseLangError>().is_some());
}

#[test]
fn a_missing_file_keeps_its_io_error() {
    let e = Rulebook::from_file("/nonexistent/kaoping/nothing.toml").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert_eq!(e.io_kind(), Some(io::ErrorKind::NotFound));
    let source = e.source().expect("an I/O error has a source");
    assert_eq!(source.downcast_ref::<io::Error>().unwrap().kind(), io::ErrorKind::NotFound);
    // Through kaoping::Error as well.
    let any: kaoping::Error = e.into();
    assert!(any.source().is_some_and(|s| s.is::<LoadError>() || s.is::<io::Error>()));
    // A rulebook that merely does not load has no source.
    assert!(Rulebook::from_str("[rulebook", Format::Toml).unwrap_err().source().is_none());
}

/// A reader that fails the way a broken network stream does.
struct Broken;
impl io::Read for Broken {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::new(io::ErrorKind::ConnectionReset, "peer went away"))
    }
}

#[test]
fn a_table_that_cannot_be_read_keeps_its_io_error() {
    let e: TableError = CsvStream::new(Broken, Some(Encoding::Utf8)).map(|_| ()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
    assert_eq!(e.io_kind(), Some(io::ErrorKind::ConnectionReset));
    let io = e.source().and_then(|s| s.downcast_ref::<io::Error>()).expect("the io::Error");
    assert_eq!(io.kind(), io::ErrorKind::ConnectionReset);
    assert!(e.clone() == e, "still Clone and PartialEq");
}

#[test]
fn a_table_error_says_its_line() {
    let e = kaoping::table::parse_csv("").unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(e.to_string().starts_with("line 1: "), "{e}");
    // Messages that begin with their line are not given it twice.
    let e = kaoping::table::parse_csv("a,b\n1,\"2\n").unwrap_err();
    assert!(e.to_string().starts_with("line ") && !e.to_string().contains(": line "), "{e}");
}

/// Read problems (an unknown key, found first) and compile problems (an unknown name, found
/// later) come out in the order of their lines.
#[test]
fn load_problems_are_in_the_order_of_their_places() {
    let text = r#"
[rulebook]
id = "demo.order"
title = "t"
version = "1"

[inputs]
a = { type = "integer" }

[[indicator]]
id = "one"
label = "one"
points = 10
formula = "nothere * 2"

[[indicator]]
id = "two"
label = "two"
points = 10
formula = "a"
colour = "red"
"#;
    let e = Rulebook::from_str(text, Format::Toml).unwrap_err();
    assert!(e.problems.len() >= 2, "{e}");
    let lines: Vec<u32> = e.problems.iter().map(|p| p.location.line.unwrap_or(u32::MAX)).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}\n{e}");
    assert_eq!(e.problems[0].kind, ErrorKind::UnknownName, "{e}");
}

#[test]
fn text_can_name_its_source() {
    let e = Loader::new().load_named("uploads/42.toml", "[rulebook]\nid = 1\n", Format::Toml).unwrap_err();
    assert!(e.problems.iter().all(|p| p.location.file.as_deref() == Some("uploads/42.toml")), "{e}");
    assert!(e.to_string().contains("uploads/42.toml:"), "{e}");
}
