//! Progress of long work on stderr: a bar on a terminal, plain lines
//! otherwise (a log, a CI job), nothing with `--quiet`. Ctrl-C raises a
//! flag that the progress callbacks return to the library, which cancels
//! the work cleanly: an export leaves no file, an import writes nothing.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Catches Ctrl-C (SIGINT, and SIGTERM) from now on.
pub fn catch_interrupts() {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// Whether Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

enum Mode {
    Bar(ProgressBar),
    Lines { last: Instant, stage: String },
    Quiet,
}

/// One long piece of work's progress.
pub struct Progress {
    what: &'static str,
    mode: Mode,
}

impl Progress {
    pub fn new(what: &'static str, quiet: bool) -> Progress {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            Mode::Bar(bar)
        } else {
            Mode::Lines {
                last: Instant::now(),
                stage: String::new(),
            }
        };
        Progress { what, mode }
    }

    /// `rows` done of `stage` (of `total` when known); false once Ctrl-C
    /// was pressed, to cancel.
    pub fn update(&mut self, stage: &str, rows: u64, total: Option<u64>) -> bool {
        match &mut self.mode {
            Mode::Bar(bar) => {
                match total {
                    Some(t) => {
                        if bar.length() != Some(t) {
                            bar.set_length(t);
                            bar.set_style(
                                ProgressStyle::with_template(
                                    "{msg:>20} [{bar:30}] {pos}/{len} rows ({per_sec}, {eta} left)",
                                )
                                .unwrap_or_else(|_| ProgressStyle::default_bar())
                                .progress_chars("=> "),
                            );
                        }
                    }
                    None => bar.set_style(
                        ProgressStyle::with_template("{spinner} {msg} {pos} rows ({per_sec})")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    ),
                }
                bar.set_message(format!("{} {stage}", self.what));
                bar.set_position(rows);
            }
            Mode::Lines { last, stage: seen } => {
                // A line when a stage starts, then at most one every 2 s.
                if seen != stage || last.elapsed() >= Duration::from_secs(2) {
                    let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
                    eprintln!("{}: {stage} {rows}{of} rows", self.what);
                    *last = Instant::now();
                    *seen = stage.to_string();
                }
            }
            Mode::Quiet => {}
        }
        !interrupted()
    }

    /// The work is over (done, failed or cancelled).
    pub fn finish(self, summary: &str) {
        match self.mode {
            Mode::Bar(bar) => bar.finish_and_clear(),
            Mode::Lines { .. } if !summary.is_empty() => eprintln!("{}: {summary}", self.what),
            _ => {}
        }
    }
}
