//! CSV text as kaoping writes it (result files, sheets handed to the core as CSV): RFC 4180
//! lines, a cell quoted only when it must be.

/// Append one CSV line (RFC 4180 quoting) to `out`.
pub fn csv_line<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, c);
    }
    out.push('\n');
}

/// Append one CSV cell, quoted when it holds a separator, a quote, a line break or edge spaces.
pub fn push_cell(out: &mut String, c: &str) {
    if c.contains([',', '"', '\n', '\r']) || c.starts_with(' ') || c.ends_with(' ') {
        out.push('"');
        out.push_str(&c.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(c);
    }
}
