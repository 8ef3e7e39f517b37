//! Issue 19: `report.html` reads on a phone (360-400 px wide) as on a desktop (1400 px):
//! nothing on the page is wider than the window, so nothing is cut off and the page never
//! scrolls sideways. Measured in headless Chromium, every section unfolded.
//!
//! Needs Chromium (`apt-get install chromium`, or PAYROLL_SYNC_CHROMIUM naming the browser);
//! skipped with a line saying so where there is none, unless PAYROLL_SYNC_REQUIRE_CHROMIUM is
//! set (CI sets it), when a missing browser fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;

use charthop_emulator::Emulator;

use crate::review_support::*;
use crate::support::*;

const NOW: &str = "2026-05-04T08:30:00Z";
const WIDTHS: [u32; 4] = [360, 390, 400, 1400];

/// The browser to measure with, if this machine has one.
fn chromium() -> Option<PathBuf> {
    let named = std::env::var_os("PAYROLL_SYNC_CHROMIUM").map(PathBuf::from);
    let found = named
        .into_iter()
        .chain(["chromium", "chromium-browser", "google-chrome"].map(PathBuf::from))
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if found.is_none() {
        assert!(
            std::env::var_os("PAYROLL_SYNC_REQUIRE_CHROMIUM").is_none(),
            "PAYROLL_SYNC_REQUIRE_CHROMIUM is set but no Chromium runs here"
        );
        eprintln!(
            "skipped: no Chromium to measure report.html's width; install it (apt-get install chromium) or set PAYROLL_SYNC_CHROMIUM"
        );
    }
    found
}

/// A page showing the report in a frame `{W}` pixels wide (the report's own window, whose
/// width its layout answers to: a headless window is never narrower than 500 px). Once the
/// report is loaded, it unfolds every section and records the frame's width, the widest right
/// edge of anything in it, and what that is.
const PROBE: &str = r#"<!DOCTYPE html><html><head><script>
function measure(frame) {
  var d = frame.contentDocument, win = frame.contentWindow;
  d.querySelectorAll("details").forEach(function (x) { x.open = true; });
  var w = win.innerWidth, max = d.documentElement.scrollWidth, what = "page";
  d.querySelectorAll("body *").forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && Math.ceil(r.right) > max) {
      max = Math.ceil(r.right);
      what = e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " " + (e.textContent || "").slice(0, 40);
    }
  });
  document.body.setAttribute("data-probe", w + "|" + max + "|" + what.replace(/["<>&]/g, " "));
}
</script></head><body style="margin:0"><iframe src="report.html" onload="measure(this)" style="width:{W}px;height:900px;border:0"></iframe></body></html>"#;

/// The report's window width, the widest right edge in it and what that is, for `page`
/// shown `width` pixels wide.
fn measure(browser: &Path, page: &Path, width: u32) -> (u32, u32, String) {
    let probe = page.with_file_name(format!("probe-{width}.html"));
    std::fs::write(&probe, PROBE.replace("{W}", &width.to_string())).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            "--window-size=1600,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", probe.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let probe = dom
        .split("data-probe=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| {
            panic!(
                "Chromium gave no measurement: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let mut parts = probe.splitn(3, '|');
    let mut number = || parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let (w, max) = (number(), number());
    (w, max, parts.next().unwrap_or("").to_string())
}

/// A plan with every kind of row and a tripped guard (so the approve command, with its long
/// hash, is on the page), and its report.
fn plan_dir(emu: &Emulator, dir: &Path) -> PathBuf {
    let input = scenario_export(dir);
    let m = sensitive_mapping(dir, "acme-departures.toml", DEPARTURE);
    let mut c = cmd(emu, dir);
    c.env("PAYROLL_SYNC_PLAN_NOW", NOW)
        .env("PAYROLL_SYNC_GUARDS_UPDATES_FLOOR", "2")
        .env("PAYROLL_SYNC_GUARDS_UPDATES_SHARE", "0")
        .args(["plan", "--input"])
        .arg(&input)
        .arg("--mapping")
        .arg(&m)
        .args(["--out", "phone"]);
    let out = run(&mut c);
    assert_eq!(code(&out), 4, "the updates guard trips: {}", stderr(&out));
    dir.join("phone")
}

#[test]
fn the_html_report_fits_a_phone_and_a_desktop_without_sideways_scrolling() {
    let Some(browser) = chromium() else { return };
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let dir = plan_dir(&emu, tmp.path());
    let html = read(&dir, "report.html");
    assert!(
        html.contains("--approve"),
        "the page gives the approve command"
    );
    for width in WIDTHS {
        let (window, widest, what) = measure(&browser, &dir.join("report.html"), width);
        assert_eq!(window, width, "the window is {width} px wide");
        assert!(
            widest <= window,
            "at {width} px, something is {widest} px wide: {what}"
        );
    }
}
