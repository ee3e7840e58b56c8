//! `vernier`: parse the arguments, run the command, turn the outcome into an exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
