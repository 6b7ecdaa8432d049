//! A progress bar on stderr for long runs, drawn only when stderr is a terminal (so logs and
//! pipes stay clean) and at most ten times a second.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// A progress bar (a no-op when stderr is not a terminal).
pub struct Progress {
    on: bool,
    started: Instant,
    last: Option<Instant>,
    drawn: bool,
}

impl Progress {
    /// A bar that draws only on a terminal.
    pub fn new() -> Progress {
        Progress { on: std::io::stderr().is_terminal(), started: Instant::now(), last: None, drawn: false }
    }

    /// Show `rows` done, and the fraction `done / total` when known (e.g. bytes of the file).
    pub fn update(&mut self, rows: usize, done: Option<(u64, u64)>) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        if self.last.is_some_and(|t| now - t < Duration::from_millis(100)) {
            return;
        }
        self.last = Some(now);
        let secs = (now - self.started).as_secs_f64();
        let line = match done {
            Some((d, t)) if t > 0 => {
                let frac = (d as f64 / t as f64).clamp(0.0, 1.0);
                let width = 30;
                let filled = (frac * width as f64).round() as usize;
                format!(
                    "\r[{}{}] {:>3.0}%  {rows} 行 rows  {secs:.1} s ",
                    "#".repeat(filled),
                    ".".repeat(width - filled),
                    frac * 100.0
                )
            }
            _ => format!("\r{rows} 行 rows  {secs:.1} s "),
        };
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
        self.drawn = true;
    }

    /// Say what is happening now (e.g. "scoring") on the bar's line.
    pub fn phase(&mut self, what: &str) {
        if self.on {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{what}… ");
            self.drawn = true;
        }
    }

    /// Remove the bar.
    pub fn finish(&mut self) {
        if self.on && self.drawn {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            self.drawn = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
