//! The `myomap` binary: parses the command line and hands over to the
//! library crates. It holds no rules of its own.

mod cli;
mod commands;
mod demo_calendar;
mod demo_data;
mod demo_outcomes;
mod demo_records;

use std::process::ExitCode;

use clap::Parser;

// Many small allocations on every request (rows, JSON, HTML) from several
// threads at once: glibc's malloc spent a third of the CPU on them under
// load, mimalloc much less (README, Benchmarks).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
