//! Which cells of an .xlsx sheet are formatted as percentages. A cell shown as 8.90% holds
//! 0.089: read as its value, a county's 8.90% growth would score as 0.089%. calamine gives the
//! values only, so the sheet's own styles are read here (the workbook is a zip of XML parts):
//! `xl/styles.xml` (number formats and the cell styles that use them), the sheet's part (each
//! cell's style), found through `xl/workbook.xml` and its relationships.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use quick_xml::events::{BytesStart, Event};

/// The 1-based rows and 0-based columns of a sheet's percent-formatted cells. An error is text for
/// a message; a file that is not an .xlsx zip (.xls, .ods) has no such cells.
pub fn percent_cells(path: &str, sheet: &str) -> Result<HashSet<(usize, usize)>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return Ok(HashSet::new()); // .xls, .ods: formats are not read
    };
    let mut part = |name: &str| -> Result<Option<Vec<u8>>, String> {
        match zip.by_name(name) {
            Ok(mut f) => {
                let mut bytes = Vec::new();
                f.read_to_end(&mut bytes).map_err(|e| format!("{name}: {e}"))?;
                Ok(Some(bytes))
            }
            Err(_) => Ok(None),
        }
    };
    let Some(styles) = part("xl/styles.xml")? else { return Ok(HashSet::new()) };
    let percent_styles = percent_styles(&styles)?;
    if percent_styles.is_empty() {
        return Ok(HashSet::new());
    }
    let workbook = part("xl/workbook.xml")?.ok_or("no xl/workbook.xml")?;
    let rels = part("xl/_rels/workbook.xml.rels")?.ok_or("no xl/_rels/workbook.xml.rels")?;
    let Some(target) = sheet_part(&workbook, &rels, sheet)? else { return Ok(HashSet::new()) };
    let Some(xml) = part(&target)? else { return Ok(HashSet::new()) };
    styled_cells(&xml, &percent_styles)
}

/// An attribute's value (decoded and unescaped), by its local name.
fn attr(e: &BytesStart<'_>, name: &[u8], decoder: quick_xml::encoding::Decoder) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.decode_and_unescape_value(decoder).ok().map(|v| v.into_owned()))
}

/// Whether a number format code shows a percentage: a `%` outside quoted text and not escaped.
fn is_percent_code(code: &str) -> bool {
    let (mut quoted, mut escaped) = (false, false);
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// The indexes of the cell styles (`cellXfs`) whose number format is a percentage: the built-in
/// formats 9 (`0%`) and 10 (`0.00%`), and custom formats whose code shows one.
fn percent_styles(styles: &[u8]) -> Result<HashSet<usize>, String> {
    let mut reader = quick_xml::Reader::from_reader(styles);
    let mut custom: HashMap<u32, bool> = HashMap::new();
    let mut in_cell_xfs = false;
    let mut xf = 0usize;
    let mut out = HashSet::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).map_err(|e| format!("xl/styles.xml: {e}"))? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"numFmt" => {
                    if let (Some(id), Some(code)) =
                        (attr(&e, b"numFmtId", reader.decoder()), attr(&e, b"formatCode", reader.decoder()))
                    {
                        custom.insert(id.parse().unwrap_or(u32::MAX), is_percent_code(&code));
                    }
                }
                b"cellXfs" => in_cell_xfs = true,
                b"xf" if in_cell_xfs => {
                    let id: u32 =
                        attr(&e, b"numFmtId", reader.decoder()).and_then(|v| v.parse().ok()).unwrap_or(0);
                    if matches!(id, 9 | 10) || custom.get(&id).copied().unwrap_or(false) {
                        out.insert(xf);
                    }
                    xf += 1;
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == b"cellXfs" => in_cell_xfs = false,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// The zip path of the sheet named `sheet`.
fn sheet_part(workbook: &[u8], rels: &[u8], sheet: &str) -> Result<Option<String>, String> {
    let mut rid = None;
    let mut reader = quick_xml::Reader::from_reader(workbook);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).map_err(|e| format!("xl/workbook.xml: {e}"))? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == b"sheet"
                    && attr(&e, b"name", reader.decoder()).as_deref() == Some(sheet) =>
            {
                rid = attr(&e, b"id", reader.decoder());
                break;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let Some(rid) = rid else { return Ok(None) };
    let mut reader = quick_xml::Reader::from_reader(rels);
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).map_err(|e| format!("xl/_rels/workbook.xml.rels: {e}"))? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == b"Relationship"
                    && attr(&e, b"Id", reader.decoder()).as_deref() == Some(rid.as_str()) =>
            {
                let target = attr(&e, b"Target", reader.decoder()).unwrap_or_default();
                return Ok(Some(match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_owned(),
                    None => format!("xl/{target}"),
                }));
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// The cells of a sheet part whose style is one of `styles`, as (1-based row, 0-based column).
fn styled_cells(xml: &[u8], styles: &HashSet<usize>) -> Result<HashSet<(usize, usize)>, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = HashSet::new();
    let (mut row, mut col) = (0usize, 0usize);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).map_err(|e| format!("sheet: {e}"))? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"row" => {
                    row = attr(&e, b"r", reader.decoder()).and_then(|r| r.parse().ok()).unwrap_or(row + 1);
                    col = 0;
                }
                b"c" => {
                    // A cell's reference (B5) gives its place; without one it follows the last.
                    if let Some((r, c)) = attr(&e, b"r", reader.decoder()).as_deref().and_then(cell_ref) {
                        (row, col) = (r, c);
                    }
                    let style: usize =
                        attr(&e, b"s", reader.decoder()).and_then(|s| s.parse().ok()).unwrap_or(0);
                    if styles.contains(&style) {
                        out.insert((row, col));
                    }
                    col += 1;
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// "B5" → (5, 1).
fn cell_ref(r: &str) -> Option<(usize, usize)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    let mut col = 0usize;
    for c in letters.chars() {
        if !c.is_ascii_uppercase() {
            return None;
        }
        col = col.checked_mul(26)?.checked_add((c as u8 - b'A' + 1) as usize)?;
    }
    Some((digits.parse().ok()?, col.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_codes() {
        assert!(is_percent_code("0.00%"));
        assert!(is_percent_code("0%;[Red]-0%"));
        assert!(!is_percent_code("0.00\"%\""));
        assert!(!is_percent_code("0.00\\%"));
        assert!(!is_percent_code("#,##0.00"));
    }

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref("A1"), Some((1, 0)));
        assert_eq!(cell_ref("B5"), Some((5, 1)));
        assert_eq!(cell_ref("AA10"), Some((10, 26)));
        assert_eq!(cell_ref("5"), None);
    }
}
