//! Progress bars (indicatif) for the terminal; nothing when stderr is not one.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::{Progress, Stage};

/// Draws the pipeline's progress on stderr.
pub struct Bars {
    enabled: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bars {
    pub fn new(enabled: bool) -> Bars {
        Bars {
            enabled,
            bar: Mutex::new(None),
        }
    }

    fn replace(&self, bar: Option<ProgressBar>) {
        let mut slot = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = slot.take() {
            old.finish_and_clear();
        }
        *slot = bar;
    }

    fn with<F: FnOnce(&ProgressBar)>(&self, f: F) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            f(bar);
        }
    }

    fn spinner(&self, message: String) -> Option<ProgressBar> {
        if !self.enabled {
            return None;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(120));
        Some(bar)
    }

    /// Clears whatever is drawn.
    pub fn finish(&self) {
        self.replace(None);
    }
}

impl Progress for Bars {
    fn stage(&self, stage: Stage) {
        self.replace(self.spinner(stage.label().to_string()));
    }

    fn roster_page(&self, rows: usize) {
        self.with(|b| b.set_message(format!("fetching the ChartHop roster: {rows} people")));
    }

    fn import_started(&self, file: &str, process_id: &str) {
        if !self.enabled {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("importing {prefix} [{bar:30}] {percent:>3}% {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(format!("{file} (process {process_id})"));
        bar.enable_steady_tick(Duration::from_millis(200));
        self.replace(Some(bar));
    }

    fn import_progress(&self, _file: &str, fraction: f64, message: Option<&str>) {
        self.with(|b| {
            b.set_position((fraction.clamp(0.0, 1.0) * 1000.0) as u64);
            if let Some(m) = message {
                b.set_message(m.to_string());
            }
        });
    }

    fn import_finished(&self, _file: &str, _status: &str) {
        self.replace(None);
    }
}
