//! Options shared by the commands that read a data file (`score`, `explain`), and what they
//! mean: how to read the file, the call's profile and scoring date.

use kaoping::table::Encoding;
use kaoping::{Date, Rulebook};

use crate::data::{DataOptions, HeaderRow};
use crate::fail::Fail;

/// Options shared by commands that read a data file.
#[derive(clap::Args, Debug, Clone)]
pub struct TableArgs {
    /// Sheet of an .xlsx file (default: the first sheet).
    #[arg(long, value_name = "SHEET")]
    pub sheet: Option<String>,
    /// CSV encoding: utf-8 or gb18030 (gbk). Default: detected (UTF-8 with or without BOM, else GB18030).
    #[arg(long, value_name = "ENC")]
    pub encoding: Option<String>,
    /// The column naming each unit (default: the rulebook's key_field, by id or label). Items tables join on it.
    #[arg(long, value_name = "COLUMN")]
    pub key: Option<String>,
    /// The column naming each row's profile (片区/类别), when it is not the rulebook's profile_field column.
    #[arg(long, value_name = "COLUMN")]
    pub profile_column: Option<String>,
    /// An items table (one row per item, e.g. a school's awards) joined on the key: NAME=FILE (.csv, or .xlsx[#SHEET]). Repeatable.
    #[arg(long = "items", value_name = "NAME=FILE")]
    pub items: Vec<String>,
    /// Score every row in this profile (instead of each row's profile column).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The header's row (1-based, as the spreadsheet numbers it), when the table has title rows
    /// above it. Default: found — the first of the first 10 rows whose cells name inputs (by id or label).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub header_row: Option<u32>,
    /// Scoring date for dated parameters, YYYY-MM-DD (default: the rulebook's as_of).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

impl TableArgs {
    /// `--encoding`, read.
    pub fn encoding(&self) -> Result<Option<Encoding>, Fail> {
        self.encoding
            .as_deref()
            .map(|e| {
                e.parse::<Encoding>()
                    .map_err(|m| Fail::unusable(format!("--encoding：{m}"), format!("--encoding: {m}")))
            })
            .transpose()
    }

    /// How to read the data file.
    pub fn data_options(&self) -> Result<DataOptions, Fail> {
        Ok(DataOptions {
            sheet: self.sheet.clone(),
            encoding: self.encoding()?,
            key: self.key.clone(),
            profile_column: self.profile_column.clone(),
            header_row: match self.header_row {
                Some(n) => HeaderRow::At(n as usize),
                None => HeaderRow::Find,
            },
            keep: None,
        })
    }

    /// `--as-of`, read.
    pub fn as_of(&self) -> Result<Option<Date>, Fail> {
        self.as_of
            .as_deref()
            .map(|d| {
                d.trim().parse::<Date>().map_err(|_| {
                    Fail::unusable(
                        format!("--as-of 应为日期 YYYY-MM-DD，而不是“{d}”"),
                        format!("--as-of must be a date YYYY-MM-DD, not \"{d}\""),
                    )
                })
            })
            .transpose()
    }

    /// `--profile`, checked by the core as every surface checks a call's profile
    /// (`Rulebook::check_profile`): an undeclared one refuses the command (exit 2) before any row
    /// is read.
    pub fn profile(&self, rb: &Rulebook) -> Result<Option<String>, Fail> {
        match rb.check_profile(self.profile.as_deref()) {
            Ok(()) => Ok(self.profile.clone()),
            Err(_) => {
                let p = self.profile.as_deref().unwrap_or_default();
                Err(Fail::unusable(
                    format!("考核方案 {} 没有片区/类别“{p}”（有：{}）", rb.id(), rb.profiles().join("，")),
                    format!(
                        "rulebook {} has no profile \"{p}\" (profiles: {})",
                        rb.id(),
                        rb.profiles().join(", ")
                    ),
                ))
            }
        }
    }
}
