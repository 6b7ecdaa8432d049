//! CSV rows read a block at a time, for tables too large to hold in memory (spec §12: streaming
//! with bounded memory). The result is the same as [`table::decode`] then [`table::parse_csv`]
//! on the whole file — same cells, same line numbers, same errors — but memory stays bounded by
//! the longest record plus one block.
//!
//! Blocks are cut after a `\n` byte. In UTF-8 and in GB18030 that byte is always the character
//! `\n` (it is never part of a multi-byte sequence), so a cut there is a character boundary in
//! both encodings and each block decodes on its own.
//!
//! Encoding detection differs in one way from [`table::decode`]: without a BOM, the choice between
//! UTF-8 and GB18030 is made on the first block (1 MiB), not on the whole file. A file that is
//! valid UTF-8 there and invalid later fails at the line where it stops being valid, with a
//! message suggesting the encoding be given.
//!
//! [`table::decode`]: crate::table::decode
//! [`table::parse_csv`]: crate::table::parse_csv

use std::collections::VecDeque;
use std::io::Read;

use crate::error::ErrorKind;
use crate::table::{CsvRow, Encoding, TableError};

const BLOCK: usize = 1 << 20;

/// Reads CSV rows (RFC 4180, as [`crate::table::parse_csv`]) from a byte source, a block at a time.
///
/// ```
/// use kaoping::table::CsvStream;
/// let bytes = "县名,片区\n甲县,凉山彝区\n\"乙县\",片区外\n".as_bytes();
/// let mut csv = CsvStream::new(bytes, None).unwrap();
/// assert_eq!(csv.header(), ["县名", "片区"]);
/// let rows = csv.next_rows(100).unwrap();
/// assert_eq!(rows[1].cells, ["乙县", "片区外"]);
/// assert_eq!(rows[1].line, 3);
/// assert!(csv.next_rows(100).unwrap().is_empty());
/// ```
pub struct CsvStream<R: Read> {
    source: R,
    encoding: Encoding,
    block: usize,
    /// Bytes read but not yet decoded (after the last `\n` handed to the parser).
    pending: Vec<u8>,
    /// Line number of the first line in `pending`.
    pending_line: usize,
    eof: bool,
    finished: bool,
    bytes_read: u64,
    parser: Parser,
    ready: VecDeque<CsvRow>,
    header: Vec<String>,
}

impl<R: Read> std::fmt::Debug for CsvStream<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvStream")
            .field("encoding", &self.encoding)
            .field("header", &self.header)
            .field("bytes_read", &self.bytes_read)
            .finish_non_exhaustive()
    }
}

impl<R: Read> CsvStream<R> {
    /// Open a CSV source: reads the first block, settles the encoding (given, or detected: a UTF-8
    /// BOM or valid UTF-8 → UTF-8, else GB18030) and reads the header row.
    pub fn new(source: R, encoding: Option<Encoding>) -> Result<CsvStream<R>, TableError> {
        CsvStream::with_block_size(source, encoding, BLOCK)
    }

    /// As [`CsvStream::new`], reading `block` bytes at a time (tests use tiny blocks).
    #[doc(hidden)]
    pub fn with_block_size(
        source: R,
        encoding: Option<Encoding>,
        block: usize,
    ) -> Result<CsvStream<R>, TableError> {
        let mut s = CsvStream {
            source,
            encoding: Encoding::Utf8,
            block: block.max(1),
            pending: Vec::new(),
            pending_line: 1,
            eof: false,
            finished: false,
            bytes_read: 0,
            parser: Parser::default(),
            ready: VecDeque::new(),
            header: Vec::new(),
        };
        // The first block decides the encoding: read until it holds a whole line or the file ends.
        while !s.eof && (s.pending.len() < s.block || !s.pending.contains(&b'\n')) {
            s.fill()?;
        }
        let had_bom = s.pending.starts_with(b"\xEF\xBB\xBF");
        s.encoding = match encoding {
            Some(e) => e,
            None if had_bom => Encoding::Utf8,
            None => {
                let upto =
                    if s.eof { s.pending.len() } else { last_newline(&s.pending).map_or(0, |i| i + 1) };
                if std::str::from_utf8(&s.pending[..upto]).is_ok() {
                    Encoding::Utf8
                } else {
                    Encoding::Gb18030
                }
            }
        };
        if s.encoding == Encoding::Utf8 && had_bom {
            s.pending.drain(..3);
        }
        loop {
            if let Some(first) = s.ready.pop_front() {
                s.header = first
                    .cells
                    .into_iter()
                    .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
                    .collect();
                return Ok(s);
            }
            if s.finished {
                return Err(TableError::new(
                    ErrorKind::Syntax,
                    Some(1),
                    "the file is empty: expected a header row",
                ));
            }
            s.step()?;
        }
    }

    /// The header row's cells (trimmed).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The encoding the bytes are read in.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Bytes read from the source so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Up to `max` further data rows, in order; an empty list at the end of the file.
    pub fn next_rows(&mut self, max: usize) -> Result<Vec<CsvRow>, TableError> {
        let mut out = Vec::with_capacity(max.min(self.ready.len().max(1024)));
        while out.len() < max {
            match self.ready.pop_front() {
                Some(row) => out.push(row),
                None if self.finished => break,
                None => self.step()?,
            }
        }
        Ok(out)
    }

    /// Read one more block from the source into `pending`.
    fn fill(&mut self) -> Result<(), TableError> {
        let start = self.pending.len();
        self.pending.resize(start + self.block, 0);
        let n = loop {
            match self.source.read(&mut self.pending[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.pending.truncate(start);
                    return Err(TableError::io(e));
                }
            }
        };
        self.pending.truncate(start + n);
        self.bytes_read += n as u64;
        if n == 0 {
            self.eof = true;
        }
        Ok(())
    }

    /// Decode and parse the next run of whole lines (or the rest of the file at its end).
    fn step(&mut self) -> Result<(), TableError> {
        while !self.eof && !self.pending.contains(&b'\n') {
            self.fill()?;
        }
        if !self.eof && self.pending.len() < self.block {
            // Top up so that each step parses about one block, not one line.
            self.fill()?;
        }
        let cut =
            if self.eof { self.pending.len() } else { last_newline(&self.pending).map_or(0, |i| i + 1) };
        let bytes: Vec<u8> = self.pending.drain(..cut).collect();
        let text = self.decode(&bytes)?;
        self.pending_line += bytes.iter().filter(|&&b| b == b'\n').count();
        self.parser.feed(&text, &mut self.ready);
        if self.eof && self.pending.is_empty() {
            self.parser.finish(&mut self.ready)?;
            self.finished = true;
        }
        Ok(())
    }

    fn decode(&self, bytes: &[u8]) -> Result<String, TableError> {
        match self.encoding {
            Encoding::Utf8 => match std::str::from_utf8(bytes) {
                Ok(s) => Ok(s.to_owned()),
                Err(e) => {
                    let line =
                        self.pending_line + bytes[..e.valid_up_to()].iter().filter(|&&c| c == b'\n').count();
                    Err(TableError::new(
                        ErrorKind::Syntax,
                        Some(line),
                        format!(
                            "line {line}: the bytes are not valid UTF-8 (is the file GBK/GB18030? give the encoding)"
                        ),
                    ))
                }
            },
            Encoding::Gb18030 => {
                crate::table::gb18030(bytes).map_err(|at| crate::table::gb18030_error(self.pending_line + at))
            }
        }
    }
}

impl<R: Read> Iterator for CsvStream<R> {
    type Item = Result<CsvRow, TableError>;

    fn next(&mut self) -> Option<Result<CsvRow, TableError>> {
        loop {
            if let Some(row) = self.ready.pop_front() {
                return Some(Ok(row));
            }
            if self.finished {
                return None;
            }
            if let Err(e) = self.step() {
                self.finished = true;
                return Some(Err(e));
            }
        }
    }
}

fn last_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().rposition(|&b| b == b'\n')
}

/// The CSV scanner (RFC 4180), kept between blocks. Each block ends with `\n` (or is the end of
/// the file), so a look-ahead never has to cross a block. `table::parse_csv` runs it on a whole
/// text in one block.
#[derive(Debug)]
pub(crate) struct Parser {
    cells: Vec<String>,
    /// Cells of the widest row so far: each new row reserves that many (rows are the bulk of a
    /// chunk's memory, and growing them by doubling wastes up to half).
    width: usize,
    cell: String,
    line: usize,
    row_line: usize,
    quoted: bool,
    quote_line: usize,
    row_has_content: bool,
}

impl Default for Parser {
    fn default() -> Parser {
        Parser {
            cells: Vec::new(),
            width: 0,
            cell: String::new(),
            line: 1,
            row_line: 1,
            quoted: false,
            quote_line: 0,
            row_has_content: false,
        }
    }
}

impl Parser {
    /// Hand over the finished row and start the next one at the widest width seen.
    fn end_row(&mut self, out: &mut VecDeque<CsvRow>) {
        self.width = self.width.max(self.cells.len());
        let cells = std::mem::replace(&mut self.cells, Vec::with_capacity(self.width));
        out.push_back(CsvRow { line: self.row_line, cells });
    }

    /// Parse a whole text: the header and the rows (what `table::parse_csv` gives).
    pub(crate) fn parse_all(text: &str) -> Result<(Vec<String>, Vec<CsvRow>), TableError> {
        let mut p = Parser::default();
        let mut out = VecDeque::new();
        p.feed(text, &mut out);
        p.finish(&mut out)?;
        let mut rows: Vec<CsvRow> = out.into();
        if rows.is_empty() {
            return Err(TableError::new(
                ErrorKind::Syntax,
                Some(1),
                "the file is empty: expected a header row",
            ));
        }
        let header = rows
            .remove(0)
            .cells
            .into_iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
            .collect();
        Ok((header, rows))
    }

    pub(crate) fn feed(&mut self, text: &str, out: &mut VecDeque<CsvRow>) {
        // Runs of ordinary characters are copied whole; only the bytes that mean something (all
        // ASCII, so every cut is a character boundary) are looked at one by one.
        let b = text.as_bytes();
        let run_end = |from: usize, special: fn(u8) -> bool| {
            b[from..].iter().position(|&c| special(c)).map_or(b.len(), |k| from + k)
        };
        let mut i = 0;
        while i < b.len() {
            if self.quoted {
                let end = run_end(i, |c| c == b'"' || c == b'\n');
                self.cell.push_str(&text[i..end]);
                i = end;
                match b.get(i) {
                    Some(b'"') if b.get(i + 1) == Some(&b'"') => {
                        self.cell.push('"');
                        i += 2;
                    }
                    Some(b'"') => {
                        self.quoted = false;
                        i += 1;
                    }
                    Some(_) => {
                        self.line += 1;
                        self.cell.push('\n');
                        i += 1;
                    }
                    None => {}
                }
                continue;
            }
            let end = run_end(i, |c| matches!(c, b',' | b'\n' | b'\r' | b'"'));
            if end > i {
                self.cell.push_str(&text[i..end]);
                self.row_has_content = true;
                i = end;
            }
            let Some(&c) = b.get(i) else { break };
            i += 1;
            match c {
                b'"' if self.cell.trim().is_empty() => {
                    self.cell.clear();
                    self.quoted = true;
                    self.quote_line = self.line;
                    self.row_has_content = true;
                }
                b'"' => {
                    self.cell.push('"');
                    self.row_has_content = true;
                }
                b',' => {
                    self.cells.push(std::mem::take(&mut self.cell));
                    self.row_has_content = true;
                }
                b'\r' if b.get(i) == Some(&b'\n') => {}
                _ => {
                    // '\n' or a lone '\r'.
                    if self.row_has_content || !self.cell.trim().is_empty() {
                        self.cells.push(std::mem::take(&mut self.cell));
                        self.end_row(out);
                    } else {
                        self.cell.clear();
                    }
                    self.row_has_content = false;
                    self.line += 1;
                    self.row_line = self.line;
                }
            }
        }
    }

    pub(crate) fn finish(&mut self, out: &mut VecDeque<CsvRow>) -> Result<(), TableError> {
        if self.quoted {
            let line = self.quote_line;
            return Err(TableError::new(
                ErrorKind::Syntax,
                Some(line),
                format!("line {line}: a quoted cell is never closed"),
            ));
        }
        if self.row_has_content || !self.cell.trim().is_empty() {
            self.cells.push(std::mem::take(&mut self.cell));
            self.end_row(out);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table;

    type Parsed = Result<(Vec<String>, Vec<CsvRow>), (ErrorKind, Option<usize>, String)>;

    fn whole(bytes: &[u8], enc: Option<Encoding>) -> Parsed {
        let (text, _) = table::decode(bytes, enc).map_err(|e| (e.kind, e.line, e.message))?;
        table::parse_csv(&text).map_err(|e| (e.kind, e.line, e.message))
    }

    fn streamed(bytes: &[u8], enc: Option<Encoding>, block: usize, take: usize) -> Parsed {
        let err = |e: TableError| (e.kind, e.line, e.message);
        let mut s = CsvStream::with_block_size(bytes, enc, block).map_err(err)?;
        let header = s.header().to_vec();
        let mut rows = Vec::new();
        loop {
            let got = s.next_rows(take).map_err(err)?;
            if got.is_empty() {
                break;
            }
            rows.extend(got);
        }
        Ok((header, rows))
    }

    #[test]
    fn same_as_whole_file_on_tricky_text() {
        let text =
            "\u{feff}a, b ,c\r\n\"x, \"\"y\"\"\",2,3\r\n\r\n4,\"multi\nline\",\"\"\n  \n5,6\r7\n8,\"q\"x,9";
        for block in [1, 2, 3, 5, 7, 64, 1 << 20] {
            for take in [1, 2, 100] {
                assert_eq!(
                    streamed(text.as_bytes(), None, block, take),
                    whole(text.as_bytes(), None),
                    "{block}/{take}"
                );
            }
        }
        let (h, rows) = whole(text.as_bytes(), None).unwrap();
        assert_eq!(h, ["a", "b", "c"]);
        assert_eq!(rows.len(), 6, "{rows:?}");
    }

    #[test]
    fn errors_name_the_same_line() {
        for text in ["a,b\n1,2\n3,\"never closed\n4,5\n", "", "\n\n", "a\n\u{0}b\n"] {
            for block in [1, 4, 1 << 20] {
                assert_eq!(
                    streamed(text.as_bytes(), None, block, 3),
                    whole(text.as_bytes(), None),
                    "{text:?}"
                );
            }
        }
        // Invalid UTF-8 on line 3, with the encoding given.
        let mut bytes = b"a,b\n1,2\n".to_vec();
        bytes.extend_from_slice(&[0xB8, 0xDF, b',', b'1', b'\n']);
        for block in [1, 3, 1 << 20] {
            let e = streamed(&bytes, Some(Encoding::Utf8), block, 10).unwrap_err();
            assert_eq!((e.0, e.1), (ErrorKind::Syntax, Some(3)));
            assert_eq!(
                streamed(&bytes, Some(Encoding::Utf8), block, 10),
                whole(&bytes, Some(Encoding::Utf8))
            );
        }
    }

    #[cfg(feature = "gbk")]
    #[test]
    fn gb18030_is_detected_and_decoded_per_block() {
        let text = "县名,片区,户籍人口\n甲县,凉山彝区,100000\n乙县,\"高原藏区\",２０００\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        for block in [1, 2, 3, 5, 1 << 20] {
            let s = CsvStream::with_block_size(&gbk[..], None, block).unwrap();
            assert_eq!(s.encoding(), Encoding::Gb18030);
            assert_eq!(streamed(&gbk, None, block, 1), whole(&gbk, None));
        }
        assert_eq!(whole(&gbk, None).unwrap().1[1].cells, ["乙县", "高原藏区", "２０００"]);
    }

    proptest::proptest! {
        #[cfg(feature = "gbk")]
        #[test]
        fn streaming_equals_whole_file(
            text in "[\"a,高 \r\n\u{feff}]{0,60}",
            block in 1usize..9,
            take in 1usize..4,
            gbk in proptest::bool::ANY,
        ) {
            let bytes = if gbk { encoding_rs::GB18030.encode(&text).0.into_owned() } else { text.clone().into_bytes() };
            let enc = if gbk { Some(Encoding::Gb18030) } else { None };
            proptest::prop_assert_eq!(streamed(&bytes, enc, block, take), whole(&bytes, enc));
        }

        #[test]
        fn runs_parse_as_character_by_character(
            text in "[\"a,高 \r\n\u{feff}]{0,80}",
            cut in 0usize..80,
        ) {
            // The scanner copies runs of ordinary characters whole; the character-by-character
            // scanner it replaced is the reference (the same text fed in two pieces, cut at a
            // character boundary, as blocks are).
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let (fast, slow) = (&mut Parser::default(), &mut Reference::default());
            let (mut a, mut b) = (VecDeque::new(), VecDeque::new());
            for piece in [&text[..cut], &text[cut..]] {
                fast.feed(piece, &mut a);
                slow.feed(piece, &mut b);
            }
            let ends = (fast.finish(&mut a).map_err(|e| e.message), slow.finish(&mut b));
            proptest::prop_assert_eq!(ends.0, ends.1);
            let rows = |q: VecDeque<CsvRow>| q.into_iter().map(|r| (r.line, r.cells)).collect::<Vec<_>>();
            proptest::prop_assert_eq!(rows(a), rows(b));
        }
    }

    /// The character-by-character scanner that `Parser::feed` replaced (the reference for the
    /// proptest above).
    #[derive(Default)]
    struct Reference {
        cells: Vec<String>,
        cell: String,
        line: usize,
        row_line: usize,
        quoted: bool,
        quote_line: usize,
        row_has_content: bool,
    }

    impl Reference {
        fn end_row(&mut self, out: &mut VecDeque<CsvRow>) {
            out.push_back(CsvRow { line: self.row_line + 1, cells: std::mem::take(&mut self.cells) });
        }

        fn feed(&mut self, text: &str, out: &mut VecDeque<CsvRow>) {
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                if self.quoted {
                    match c {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            self.cell.push('"');
                        }
                        '"' => self.quoted = false,
                        '\n' => {
                            self.line += 1;
                            self.cell.push('\n');
                        }
                        _ => self.cell.push(c),
                    }
                    continue;
                }
                match c {
                    '"' if self.cell.trim().is_empty() => {
                        self.cell.clear();
                        self.quoted = true;
                        self.quote_line = self.line + 1;
                        self.row_has_content = true;
                    }
                    ',' => {
                        self.cells.push(std::mem::take(&mut self.cell));
                        self.row_has_content = true;
                    }
                    '\r' if chars.peek() == Some(&'\n') => {}
                    '\n' | '\r' => {
                        if self.row_has_content || !self.cell.trim().is_empty() {
                            self.cells.push(std::mem::take(&mut self.cell));
                            self.end_row(out);
                        } else {
                            self.cell.clear();
                        }
                        self.row_has_content = false;
                        self.line += 1;
                        self.row_line = self.line;
                    }
                    _ => {
                        self.cell.push(c);
                        self.row_has_content = true;
                    }
                }
            }
        }

        fn finish(&mut self, out: &mut VecDeque<CsvRow>) -> Result<(), String> {
            if self.quoted {
                let line = self.quote_line;
                return Err(format!("line {line}: a quoted cell is never closed"));
            }
            if self.row_has_content || !self.cell.trim().is_empty() {
                self.cells.push(std::mem::take(&mut self.cell));
                self.end_row(out);
            }
            Ok(())
        }
    }
}
