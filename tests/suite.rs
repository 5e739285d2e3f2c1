//! Every integration test, in one binary. Each file below used to be its own test crate, and
//! each of those linked the whole of council and its dependencies again: some thirty debug
//! binaries, enough to fill a CI machine's disk. The files stay where they were, so their
//! snapshots, fixtures and proptest regressions keep their paths. The tests now share one
//! process, so none of them may change process-wide state (the environment, the working folder,
//! the umask); a child process gets its own.

mod common;
mod export_support;

#[path = "audit.rs"]
mod audit;
#[path = "backup.rs"]
mod backup;
#[path = "bad_input.rs"]
mod bad_input;
#[path = "concurrency.rs"]
mod concurrency;
#[path = "confidentiality.rs"]
mod confidentiality;
#[path = "crash.rs"]
mod crash;
#[path = "export_cli.rs"]
mod export_cli;
#[path = "export_documents.rs"]
mod export_documents;
#[path = "export_files.rs"]
mod export_files;
#[path = "export_hostile.rs"]
mod export_hostile;
#[path = "export_import.rs"]
mod export_import;
#[path = "export_layout.rs"]
mod export_layout;
#[path = "export_pdf.rs"]
mod export_pdf;
#[path = "export_wording.rs"]
mod export_wording;
#[path = "fuzz_loaders.rs"]
mod fuzz_loaders;
#[path = "generate.rs"]
mod generate;
#[path = "meeting_props.rs"]
mod meeting_props;
#[path = "meeting_rules.rs"]
mod meeting_rules;
#[path = "ocop_rubrics.rs"]
mod ocop_rubrics;
#[path = "private_files.rs"]
mod private_files;
#[path = "pty_session.rs"]
mod pty_session;
#[path = "scoring_props.rs"]
mod scoring_props;
#[path = "seat_server.rs"]
mod seat_server;
#[path = "session_reads.rs"]
mod session_reads;
#[path = "stray_files.rs"]
mod stray_files;
#[path = "tui_screens.rs"]
mod tui_screens;
#[path = "tui_typed_ahead.rs"]
mod tui_typed_ahead;
#[path = "validation_fixtures.rs"]
mod validation_fixtures;
#[path = "worked_examples.rs"]
mod worked_examples;
