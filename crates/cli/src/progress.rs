//! Progress of `wait`: an indicatif spinner on a terminal, plain status lines otherwise.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Reports the status of something being waited for, on stderr.
pub(crate) struct Progress {
    what: String,
    spinner: Option<ProgressBar>,
    last: Mutex<Option<String>>,
}

impl Progress {
    /// Starts reporting on `what` (e.g. `build 3 of job …`).
    pub(crate) fn new(what: String) -> Self {
        let spinner = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
                bar.set_style(style);
            }
            bar.set_message(format!("waiting for {what}"));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self {
            what,
            spinner,
            last: Mutex::new(None),
        }
    }

    /// A new status was seen: the spinner shows it; without a terminal, a line is printed when it changes.
    pub(crate) fn status(&self, status: &str) {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if last.as_deref() == Some(status) {
            return;
        }
        *last = Some(status.to_owned());
        match &self.spinner {
            Some(bar) => bar.set_message(format!("{}: {status}", self.what)),
            None => {
                let _ = writeln!(std::io::stderr(), "{}: {status}", self.what);
            }
        }
    }

    /// The wait is over: the spinner is replaced by a final line.
    pub(crate) fn finish(&self, status: &str) {
        match &self.spinner {
            Some(bar) => {
                // Clear the spinner and print the final line ourselves, so stdout output that follows
                // starts on a fresh line.
                bar.finish_and_clear();
                let _ = writeln!(std::io::stderr(), "{}: {status}", self.what);
            }
            None => self.status(status),
        }
    }

    /// Writes to stdout without garbling the spinner.
    pub(crate) fn print_stdout(&self, bytes: &[u8]) -> std::io::Result<()> {
        let write = || {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()
        };
        match &self.spinner {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }
}
