//! One file per subcommand: its arguments (clap) and what it does. `main.rs` parses the command
//! line and hands each subcommand's arguments to its `run`, which returns the exit code.

pub mod advise;
pub mod builtins;
pub mod check;
pub mod diff;
pub mod explain;
pub mod lint;
pub mod schema;
pub mod score;
pub mod show;
pub mod template;
pub mod test;
pub mod weights;
