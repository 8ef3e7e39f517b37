use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn environment_overrides_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, "[charthop]\norg = \"file-org\"\npage_size = 50\n").unwrap();
    let s = Settings::load_from(
        Some(&file),
        env(&[
            ("PAYROLL_SYNC_CHARTHOP_ORG", "acme"),
            ("PAYROLL_SYNC_CHARTHOP_TOKEN", "t0k"),
            ("PAYROLL_SYNC_CHARTHOP_URL", "http://127.0.0.1:9"),
            ("PAYROLL_SYNC_IMPORT_POLL_INTERVAL_MS", "10"),
        ]),
    )
    .unwrap();
    assert_eq!(s.charthop.org, "acme");
    assert_eq!(s.charthop.page_size, 50);
    assert_eq!(s.import.poll_interval, Duration::from_millis(10));
    assert_eq!(s.charthop.token().unwrap().expose(), "t0k");
    assert!(!format!("{s:?}").contains("t0k"));
}

#[test]
fn token_from_file_and_missing_token() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("token");
    std::fs::write(&tf, "secret-value\n").unwrap();
    let s = Settings::load_from(
        None,
        env(&[
            ("PAYROLL_SYNC_CHARTHOP_ORG", "acme"),
            ("PAYROLL_SYNC_CHARTHOP_TOKEN_FILE", tf.to_str().unwrap()),
        ]),
    )
    .unwrap();
    assert_eq!(s.charthop.token().unwrap().expose(), "secret-value");
    let s = Settings::load_from(None, env(&[("PAYROLL_SYNC_CHARTHOP_ORG", "acme")])).unwrap();
    let e = s.charthop.token().unwrap_err();
    assert_eq!(e.failure(), crate::failure::Failure::Auth, "exit 77");
    assert!(e.to_string().contains("PAYROLL_SYNC_CHARTHOP_TOKEN"));
}

#[test]
fn departures_and_the_clock_come_from_their_sections() {
    let s = Settings::load_from(None, env(&[("PAYROLL_SYNC_CHARTHOP_ORG", "a")])).unwrap();
    assert_eq!(s.departures, DepartureSettings::default());
    assert!(!s.departures.backfill && !s.departures.hold);
    assert_eq!(s.import.date_format, DateLayout::MonthDayYear);
    assert_eq!(s.clock, Clock::System);
    let s = Settings::load_from(
        None,
        env(&[
            ("PAYROLL_SYNC_CHARTHOP_ORG", "a"),
            ("PAYROLL_SYNC_DEPARTURES_HOLD", "true"),
            ("PAYROLL_SYNC_DEPARTURES_BACKFILL", "yes"),
            ("PAYROLL_SYNC_DEPARTURES_DEFAULT_TYPE", "voluntary"),
            ("PAYROLL_SYNC_IMPORT_DATE_FORMAT", "iso"),
            ("PAYROLL_SYNC_PLAN_NOW", "2026-05-01T09:00:00Z"),
        ]),
    )
    .unwrap();
    assert!(s.departures.hold && s.departures.backfill);
    assert_eq!(s.departures.default_type.as_deref(), Some("Voluntary"));
    assert_eq!(s.import.date_format, DateLayout::Iso);
    assert_eq!(s.clock.stamp(), "2026-05-01T09:00:00Z");
    assert_eq!(s.clock.as_of().to_string(), "2026-05-01");
    let e = Settings::load_from(
        None,
        env(&[
            ("PAYROLL_SYNC_CHARTHOP_ORG", "a"),
            ("PAYROLL_SYNC_PLAN_NOW", "soon"),
        ]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("plan.now"), "{e}");
    for (var, value, says) in [
        ("PAYROLL_SYNC_PLAN_DEPARTURES", "true", "departures.hold"),
        (
            "PAYROLL_SYNC_DEPARTURES_BACKFILL",
            "maybe",
            "departures.backfill",
        ),
        (
            "PAYROLL_SYNC_DEPARTURES_DEFAULT_TYPE",
            "fired",
            "Involuntary",
        ),
        ("PAYROLL_SYNC_IMPORT_DATE_FORMAT", "d.m.y", "m/d/yyyy"),
    ] {
        let e = Settings::load_from(
            None,
            env(&[("PAYROLL_SYNC_CHARTHOP_ORG", "a"), (var, value)]),
        )
        .unwrap_err();
        assert!(e.to_string().contains(says), "{var}: {e}");
        assert_eq!(e.failure(), crate::failure::Failure::Config);
    }
}

#[test]
fn read_caps_come_from_the_read_section() {
    let s = Settings::load_from(
        None,
        env(&[
            ("PAYROLL_SYNC_CHARTHOP_ORG", "acme"),
            ("PAYROLL_SYNC_READ_MAX_ROWS", "12"),
            ("PAYROLL_SYNC_READ_MAX_UNZIPPED_MB", "3"),
        ]),
    )
    .unwrap();
    assert_eq!(s.read.max_rows, 12);
    assert_eq!(s.read.max_unzipped_bytes, 3 << 20);
    assert_eq!(s.read.max_columns, ReadLimits::default().max_columns);
    let e = Settings::load_from(
        None,
        env(&[
            ("PAYROLL_SYNC_CHARTHOP_ORG", "acme"),
            ("PAYROLL_SYNC_READ_MAX_CELLS", "0"),
        ]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("read.max_cells"), "{e}");
}

#[test]
fn debug_output_of_settings_never_carries_a_secret() {
    let s = Settings::load_from(
        None,
        env(&[
            ("PAYROLL_SYNC_CHARTHOP_ORG", "acme"),
            ("PAYROLL_SYNC_CHARTHOP_TOKEN", "tok-SENTINEL-1"),
            (
                "PAYROLL_SYNC_SERVE_WEBHOOK_SECRET",
                "hook-SENTINEL-2-long-enough",
            ),
            ("PAYROLL_SYNC_SERVE_INPUT", "export.csv"),
            ("PAYROLL_SYNC_SERVE_APP_NAME", "payroll-sync"),
            ("PAYROLL_SYNC_SERVE_MAPPING", "mapping.toml"),
        ]),
    )
    .unwrap();
    let config = s.charthop.client_config().unwrap();
    assert_eq!(config.token.expose(), "tok-SENTINEL-1");
    for shown in [format!("{s:?}"), format!("{s:#?}"), format!("{config:?}")] {
        assert!(!shown.contains("SENTINEL"), "{shown}");
    }
    let serve = s.serve().unwrap();
    assert_eq!(serve.webhook_secret.expose(), "hook-SENTINEL-2-long-enough");
    assert!(!format!("{serve:?}").contains("SENTINEL"));
}

#[test]
fn unknown_keys_are_refused() {
    let e = Settings::load_from(
        None,
        env(&[
            ("PAYROLL_SYNC_CHARTHOP_ORG", "a"),
            ("PAYROLL_SYNC_CHARTHOP_PAGESIZE", "5"),
        ]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("pagesize"), "{e}");
    assert_eq!(e.failure(), crate::failure::Failure::Config, "exit 78");
}
