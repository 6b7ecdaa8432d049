//! `kaoping builtins`: the built-in rulebooks, one a line: `builtin:<id>`, version, title, and a
//! mark on the illustrative ones.

use kaoping::Rulebook;

use crate::fail::Fail;

/// Run `kaoping builtins`.
pub fn run() -> Result<u8, Fail> {
    for id in Rulebook::builtin_ids() {
        let rb = Rulebook::builtin(id).map_err(|e| Fail::rulebook(&e))?;
        let mark = if rb.is_illustrative() { "  （示例 illustrative）" } else { "" };
        println!("builtin:{id}\t{}\t{}{mark}", rb.version(), rb.title());
    }
    Ok(0)
}
