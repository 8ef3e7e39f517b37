//! Where log events go: prose by default, timestamped log lines with `-v`, JSON lines with
//! `--log-format json`.
//!
//! A plain command prints what a person reads: its own summary on stdout and stderr, and only
//! warnings and errors from the log, as `warning: ...` lines without timestamps or fields.
//! `-v` adds the info lines (stage timings, counts) in the usual log format; `-vv` debug,
//! `-vvv` trace. `--log-format json` gives one JSON object per event, for syslog collectors
//! and Kubernetes, at the same levels. Logs never carry row contents above trace.

use std::fmt;

use clap::ValueEnum;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::Global;

/// How log events are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Prose warnings by default; log lines with a timestamp and fields with `-v`.
    Text,
    /// One JSON object per line (timestamp, level, message, fields).
    Json,
}

/// The level for `-q` / `-v` counts: errors only, warnings, info, debug, trace.
fn level(global: &Global) -> &'static str {
    match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    }
}

/// Installs the subscriber for this process (once; later calls change nothing). `RUST_LOG`,
/// when set, replaces the level filter.
pub fn init(global: &Global) {
    let level = level(global);
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!(
            "warn,payroll_sync={level},charthop_emulator={level}"
        ))
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let ansi = super::use_color(global.color);
    let _ = match (global.log_format, global.verbose) {
        (LogFormat::Json, _) => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        (LogFormat::Text, 0) => builder.with_ansi(ansi).event_format(Prose).try_init(),
        (LogFormat::Text, _) => builder.with_ansi(ansi).try_init(),
    };
}

/// `warning: <message> (field=value, ...)`: a log event as a line of prose.
struct Prose;

impl<S, N> FormatEvent<S, N> for Prose
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let label = match *event.metadata().level() {
            Level::ERROR => "error",
            Level::WARN => "warning",
            Level::INFO => "note",
            _ => "detail",
        };
        write!(writer, "{label}: ")?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global(quiet: bool, verbose: u8) -> Global {
        Global {
            config: None,
            quiet,
            verbose,
            no_progress: false,
            color: super::super::Color::Never,
            log_format: LogFormat::Text,
        }
    }

    #[test]
    fn verbosity_adds_info_then_debug_then_trace() {
        assert_eq!(level(&global(true, 3)), "error");
        assert_eq!(level(&global(false, 0)), "warn");
        assert_eq!(level(&global(false, 1)), "info");
        assert_eq!(level(&global(false, 2)), "debug");
        assert_eq!(level(&global(false, 5)), "trace");
    }
}
