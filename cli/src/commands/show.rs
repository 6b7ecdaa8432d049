//! `kaoping show`: a rulebook's text (a built-in's TOML, to copy and adapt), or with `--set` the
//! variant's text.

use std::path::Path;

use kaoping::Rulebook;

use crate::fail::Fail;
use crate::load::{SET_HELP, load, located, with_sets};

/// `kaoping show RULEBOOK [--set NAME=VALUE…]`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// builtin:<id> (or the bare id), or a rulebook file.
    rulebook: String,
    #[arg(long = "set", value_name = "NAME=VALUE", help = SET_HELP)]
    set: Vec<String>,
}

/// Run `kaoping show`.
pub fn run(args: Args) -> Result<u8, Fail> {
    let Args { rulebook, set } = args;
    let rb = if !rulebook.starts_with("builtin:") && Path::new(&rulebook).is_file() {
        load(&rulebook, &set)?
    } else {
        // A bare id names a built-in.
        let id = rulebook.strip_prefix("builtin:").unwrap_or(&rulebook);
        let rb = Rulebook::builtin(id).map_err(|e| Fail::rulebook(&e))?;
        with_sets(rb, &set).map_err(|e| Fail::rulebook(&located(e, &rulebook)))?
    };
    print!("{}", rb.text().unwrap_or_default());
    Ok(0)
}
