use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Panics (and the TUI's terminal restore) go through color-eyre's hooks; ordinary errors
    // are the user's to fix, so they are printed plainly, without a backtrace.
    if let Err(e) = color_eyre::config::HookBuilder::default()
        .display_location_section(false)
        .display_env_section(false)
        .install()
    {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    match council::cli::run(council::cli::Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
