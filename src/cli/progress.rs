//! Progress on stderr: indicatif bars on a terminal; a few prose lines otherwise (cron,
//! pipes), so an unattended import still says what it is doing; nothing with `--quiet`.
//!
//! On a terminal each finished stage leaves a line with its real duration, and an import's
//! bar shows the file, its process, the share done, the time so far and an estimate of the
//! rest. Without a terminal, an import says when it starts and ends, and every five minutes
//! how far it is.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::{ImportStart, Progress, Stage};

/// How often a running import says how far it is, without a terminal.
const HEARTBEAT: Duration = Duration::from_secs(300);

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bars and spinners (stderr is a terminal).
    Bars,
    /// Prose lines at an import's start, end and every few minutes.
    Lines,
    /// Nothing (`--quiet`, or `--no-progress` on a terminal).
    Off,
}

/// Draws the pipeline's progress on stderr.
pub struct Bars {
    mode: Mode,
    /// Lines as JSON objects (`--log-format json`).
    json: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    bar: Option<ProgressBar>,
    /// The stage shown, and when it began.
    stage: Option<(Stage, Instant)>,
    /// The import running: its rows, when it began, and when it last said how far it is.
    import: Option<(usize, Instant, Instant)>,
}

impl Bars {
    /// Progress drawn as `mode` says, its lines as JSON objects when `json`.
    pub fn new(mode: Mode, json: bool) -> Bars {
        Bars {
            mode,
            json,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Clears whatever is drawn, leaving the finished stage's line.
    pub fn finish(&self) {
        let mut s = self.state();
        close_stage(&mut s);
    }

    fn spinner(message: &str) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

/// Ends the bar shown; a stage's leaves `done: <stage> (1.2s)` above. A stage is only ever
/// shown with its bar, so both go together.
fn close_stage(s: &mut State) {
    if let Some(bar) = s.bar.take() {
        if let Some((stage, began)) = s.stage.take() {
            bar.println(format!(
                "  done: {} ({})",
                stage.label(),
                took(began.elapsed())
            ));
        }
        bar.finish_and_clear();
    }
}

/// `0.4s`, `12s`, `3m 05s`.
fn took(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 10.0 {
        format!("{secs:.1}s")
    } else if secs < 60.0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}m {:02}s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

/// `, about 4m 10s left`, from the time so far and the share done (nothing before any is).
fn eta(elapsed: Duration, share: f64) -> String {
    if share <= 0.0 || share >= 1.0 {
        return String::new();
    }
    let left = elapsed.as_secs_f64() * (1.0 - share) / share;
    format!(", about {} left", took(Duration::from_secs_f64(left)))
}

/// `1 row`, `8 rows`.
fn rows(n: usize) -> String {
    if n == 1 {
        "1 row".into()
    } else {
        format!("{n} rows")
    }
}

impl Progress for Bars {
    fn stage(&self, stage: Stage) {
        if self.mode != Mode::Bars {
            return;
        }
        let mut s = self.state();
        close_stage(&mut s);
        s.bar = Some(Self::spinner(stage.label()));
        s.stage = Some((stage, Instant::now()));
    }

    fn roster_page(&self, rows: usize) {
        if let Some(bar) = self.state().bar.as_ref() {
            bar.set_message(format!("fetching the ChartHop roster: {rows} people"));
        }
    }

    fn import_started(&self, import: &ImportStart<'_>) {
        let mut s = self.state();
        let now = Instant::now();
        s.import = Some((import.rows, now, now));
        let (file, id) = (import.file, import.process_id);
        let phase = format!("phase {} of {}", import.phase, import.phases);
        match self.mode {
            Mode::Off => {}
            Mode::Lines => super::lines::emit(
                self.json,
                "INFO",
                &format!(
                    "importing {file}, {phase}: {} (ChartHop process {id})",
                    rows(import.rows)
                ),
                None,
            ),
            Mode::Bars => {
                close_stage(&mut s);
                let bar = ProgressBar::with_draw_target(
                    Some(import.rows.max(1) as u64),
                    ProgressDrawTarget::stderr(),
                );
                bar.set_style(
                    ProgressStyle::with_template(
                        "{prefix} [{bar:30}] {pos}/{len} rows ({elapsed}, about {eta} left) {msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                bar.set_prefix(format!("{phase}: importing {file} (process {id})"));
                bar.enable_steady_tick(Duration::from_millis(200));
                s.bar = Some(bar);
            }
        }
    }

    fn import_progress(&self, file: &str, fraction: f64, message: Option<&str>) {
        let mut s = self.state();
        let share = fraction.clamp(0.0, 1.0);
        let total = s.import.as_ref().map_or(0, |(rows, _, _)| *rows);
        // ChartHop reports a share; the rows done are that share of the file's rows.
        let done = (share * total as f64).round() as usize;
        if let Some(bar) = s.bar.as_ref() {
            bar.set_position(done as u64);
            if let Some(m) = message {
                bar.set_message(m.to_string());
            }
        }
        if self.mode == Mode::Lines
            && let Some((_, began, said)) = s.import.as_mut()
            && said.elapsed() >= HEARTBEAT
        {
            *said = Instant::now();
            super::lines::emit(
                self.json,
                "INFO",
                &format!(
                    "still importing {file}: about {done} of {} done ({:.0}%) after {}{}",
                    rows(total),
                    share * 100.0,
                    took(began.elapsed()),
                    eta(began.elapsed(), share)
                ),
                None,
            );
        }
    }

    fn import_finished(&self, file: &str, status: &str) {
        let mut s = self.state();
        let began = s.import.take().map(|(_, began, _)| began);
        let after = began.map_or_else(String::new, |b| format!(" after {}", took(b.elapsed())));
        match self.mode {
            Mode::Off => {}
            // The run's end lists every import with its rows.
            Mode::Lines => {}
            Mode::Bars => {
                if let Some(bar) = s.bar.take() {
                    bar.println(format!("  imported {file}: {status}{after}"));
                    bar.finish_and_clear();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{eta, took};
    use std::time::Duration;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(took(Duration::from_millis(420)), "0.4s");
        assert_eq!(took(Duration::from_secs(12)), "12s");
        assert_eq!(took(Duration::from_secs(185)), "3m 05s");
    }

    #[test]
    fn the_time_left_follows_the_share_done() {
        assert_eq!(eta(Duration::from_secs(300), 0.25), ", about 15m 00s left");
        assert_eq!(eta(Duration::from_secs(300), 0.0), "");
        assert_eq!(eta(Duration::from_secs(300), 1.0), "");
    }
}
