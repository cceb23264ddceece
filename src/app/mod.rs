//! The command line: arguments, subcommands, baselines and diffs as the user asks for
//! them, and applying fixes to files.

pub mod cli;
pub mod diff;
pub mod fix;
