//! `vernier fuzz`: (being written) verifier fuzz corpora.

use super::Failure;
use std::io::Write;
use std::path::PathBuf;

/// The subcommands of `vernier fuzz`.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum FuzzCommand {
    /// Emit a corpus.
    Emit {
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a corpus against the running kernel.
    Check {
        /// The corpus directory.
        dir: PathBuf,
    },
}

/// Runs `vernier fuzz`.
pub fn fuzz(_command: &FuzzCommand, _out: &mut dyn Write) -> Result<(), Failure> {
    Err(Failure::Input("vernier fuzz: not implemented yet".into()))
}
