//! The command line: argument parsing, and one small module per subcommand.
//!
//! Exit codes: 0 success, 1 the verifier would reject what was asked, 2 bad input (the message
//! names the place). A closed output pipe (`vernier disasm x | head`) ends quietly with 0.

mod asm;
mod diff;
mod fuzz;
mod precision;
mod states;
mod step;
mod synth;
mod synth_refine;
mod verify;

use clap::{Parser, Subcommand};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Models, proves and tests the Linux eBPF verifier's scalar analysis.
#[derive(Parser, Debug)]
#[command(name = "vernier", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Assemble the verifier log's syntax into raw little-endian instructions.
    Asm {
        /// Assembly source (`-` for standard input).
        input: PathBuf,
        /// Output file for the raw instructions.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print raw little-endian instructions in the verifier log's syntax.
    Disasm {
        /// File of raw instructions (`-` for standard input).
        input: PathBuf,
    },
    /// Run a register-only program through the model as the verifier does, printing the log.
    ///
    /// Prints, for every instruction on every path, the line the kernel prints at log level 2.
    States {
        /// The program: an assembly file, raw instructions, or an ELF object (`prog.o` or
        /// `prog.o:SECTION`).
        prog: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::KernelLog)]
        format: Format,
    },
    /// Compare the model with the running kernel on random register-only programs.
    ///
    /// Prints a fidelity table and the opcode coverage; exits 1 on any disagreement, each of
    /// which is shrunk and written as a regression case.
    Diff(diff::DiffArgs),
    /// Prove abstract operators sound with z3, or find a counterexample.
    ///
    /// Prints one line per operator: valid, counterexample (in the kernel log's syntax) or
    /// unknown with the reason; exits 1 when any operator has a counterexample.
    Verify(verify::VerifyArgs),
    /// Measure an operator's precision against the best transformer or another operator.
    Precision(precision::PrecisionArgs),
    /// Synthesize a sound, precise abstract operator (CEGIS over the operator IR).
    Synth(synth::SynthArgs),
    /// Emit and check verifier fuzz corpora.
    #[command(subcommand)]
    Fuzz(fuzz::FuzzCommand),
    /// Apply one ALU instruction or conditional jump to register states, as Linux 6.18 does.
    Step {
        /// The instruction, in the verifier log's syntax (e.g. 'r0 *= r1', 'if w0 > 0x5 goto pc+1').
        insn: String,
        /// An input register state in the log's syntax (e.g. 'r1=3', 'r0=scalar(smin=-1,smax=0)').
        /// Fields left out take their defaults, and the state is used as given, as the kernel
        /// printed it (not synchronised). Registers not given are fully unknown scalars.
        #[arg(long = "reg", value_name = "rN=STATE")]
        regs: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::KernelLog)]
        format: Format,
    },
}

/// How results are printed.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The verifier log's syntax.
    KernelLog,
    /// JSON.
    Json,
}

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: a message that names the place. Exit code 2.
    Input(String),
    /// The verifier would reject the instruction. Exit code 1.
    Rejected(String),
    /// The check found what it looks for (a disagreement, a counterexample). Exit code 1.
    Finding(String),
    /// Writing the output failed.
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

/// Run the CLI to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with code 0 and usage errors with code 2.
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = run(cli.command, &mut out).and_then(|()| out.flush().map_err(Failure::Io));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Io(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(Failure::Input(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Rejected(msg)) => {
            eprintln!("rejected: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::Finding(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(1)
        }
    }
}

fn run(command: Command, out: &mut dyn Write) -> Result<(), Failure> {
    match command {
        Command::Asm { input, output } => asm::assemble_file(&input, &output),
        Command::Disasm { input } => asm::disassemble_file(&input, out),
        Command::Diff(args) => diff::diff(&args, out),
        Command::Verify(args) => verify::verify(&args, out),
        Command::Precision(args) => precision::precision(&args, out),
        Command::Synth(args) => synth::synth(&args, out),
        Command::Fuzz(command) => fuzz::fuzz(&command, out),
        Command::States { prog, format } => states::states(&prog, format, out),
        Command::Step { insn, regs, format } => step::step(&insn, &regs, format, out),
    }
}

/// Read a file, or standard input for `-`.
fn read_input(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Failure::Input(format!("<stdin>: {e}")))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
    }
}
