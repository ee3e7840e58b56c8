//! `vernier synth`: (being written) synthesis of abstract operators.

use super::Failure;
use std::io::Write;

/// Arguments of `vernier synth`.
#[derive(clap::Args, Debug, Clone)]
pub struct SynthArgs {
    /// The abstract domain (`tnum`, `uint`, `sint`).
    #[arg(long)]
    pub domain: Option<String>,
    /// The operation (`add`, `sub`, …).
    #[arg(long)]
    pub op: Option<String>,
}

/// Runs `vernier synth`.
pub fn synth(_args: &SynthArgs, _out: &mut dyn Write) -> Result<(), Failure> {
    Err(Failure::Input("vernier synth: not implemented yet".into()))
}
