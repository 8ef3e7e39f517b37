//! `report.html`: the same review as `report.md`, as one self-contained page for someone in HR.
//!
//! One file, no outside assets (inline CSS and JavaScript, no fonts, no network), so it works
//! offline and from an email attachment. A reader can filter by category and search by name;
//! without JavaScript everything is simply shown. Every value is neutralized like in the
//! Markdown report, then HTML-escaped; sensitive fields are masked the same way.
//!
//! `assets` holds the style sheet and script, `markup` escaping and the repeated pieces,
//! `sections` one function per section; this file puts the page together.

mod assets;
mod markup;
mod sections;

use std::fmt::Write;

use super::PlanDoc;
use super::report::{counts, file_name};
use super::safe::Masker;
use crate::diff::Category;
use assets::{FOLD, SCRIPT, STYLE};
use markup::{escape, title, val};
pub use sections::UNCHANGED_LISTED;

/// Renders the page.
pub fn render(plan: &PlanDoc) -> String {
    let mask = Masker::new(&plan.sensitive_fields, plan.show_sensitive);
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Payroll sync plan</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>Payroll sync plan</h1>\n"
    );
    let _ = writeln!(
        o,
        "<p>Export <code>{}</code> ({} rows) with mapping <code>{}</code>, against ChartHop org <code>{}</code> ({} people), planned {} as of {}.</p>",
        val(&file_name(&plan.input.path)),
        plan.input.rows,
        val(&file_name(&plan.mapping.path)),
        val(&plan.charthop.org),
        plan.roster.people,
        escape(&plan.created_at),
        escape(&plan.as_of)
    );
    if plan.summary.is_empty() {
        let _ = writeln!(o, "<p><strong>Nothing to change in ChartHop.</strong></p>");
    }
    if !plan.sensitive_fields.is_empty() {
        let names: Vec<String> = plan
            .sensitive_fields
            .iter()
            .map(|f| format!("<code>{}</code>", val(&f.field)))
            .collect();
        let how = if plan.show_sensitive {
            "shown, except national ids"
        } else {
            "masked; make the plan with <code>--show-sensitive</code> to see them"
        };
        let _ = writeln!(
            o,
            "<p class=\"note\">Sensitive fields ({}) are {how}.</p>",
            names.join(", ")
        );
    }
    let _ = writeln!(
        o,
        "<table class=\"counts\">\n<tr><th></th><th>people</th></tr>"
    );
    for (_, label, n) in counts(plan) {
        let _ = writeln!(o, "<tr><td>{label}</td><td class=\"n\">{n}</td></tr>");
    }
    if plan.summary.skipped > 0 {
        let _ = writeln!(
            o,
            "<tr><td>Skipped by the mapping's rules</td><td class=\"n\">{}</td></tr>",
            plan.summary.skipped
        );
    }
    let _ = writeln!(o, "</table>");
    let tripped: Vec<_> = plan.tripped().collect();
    if !tripped.is_empty() {
        let _ = writeln!(
            o,
            "<p class=\"note\"><strong>Refused by the safety guards:</strong> nothing is applied without an approval of this plan's hash.</p>\n<ul>"
        );
        for v in tripped {
            let _ = writeln!(
                o,
                "<li><code>{}</code>: {}</li>",
                val(&v.guard),
                val(&v.explain)
            );
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(
        o,
        "<div class=\"controls\"><label>Category <select id=\"category\"><option value=\"\">All</option>"
    );
    for c in Category::ALL {
        let _ = writeln!(o, "<option value=\"{}\">{}</option>", c.as_str(), title(c));
    }
    let _ = writeln!(
        o,
        "<option value=\"absent\">Absent</option></select></label>\n<label>Search <input id=\"search\" type=\"search\" placeholder=\"Name, email or payroll id\"></label> <span id=\"shown\" class=\"note\"></span></div>"
    );
    sections::new_hires(&mut o, plan, &mask);
    sections::rehires(&mut o, plan, &mask);
    sections::updates(&mut o, plan, &mask);
    sections::email_changes(&mut o, plan);
    sections::departures(&mut o, plan);
    sections::absent(&mut o, plan);
    sections::conflicts(&mut o, plan);
    sections::rejected(&mut o, plan);
    sections::unchanged(&mut o, plan);
    sections::notes(&mut o, plan);
    sections::warnings(&mut o, plan);
    let _ = write!(
        o,
        "<p class=\"note\">Apply this plan with <code>payroll-sync apply &lt;this directory&gt;</code>.</p>\n<script>{FOLD}\n{SCRIPT}</script>\n</body>\n</html>\n"
    );
    o
}
