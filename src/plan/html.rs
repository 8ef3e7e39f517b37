//! `report.html`: the same review as `report.md`, as one self-contained page for someone in HR.
//!
//! One file, no outside assets (inline CSS and JavaScript, no fonts, no network), so it works
//! offline and from an email attachment. A reader can filter by category and search by name;
//! without JavaScript everything is simply shown. Every value is neutralized like in the
//! Markdown report, then HTML-escaped; sensitive fields are masked the same way.

use std::fmt::Write;

use super::PlanDoc;
use super::report::{conflict_advice, counts, file_name, listing_note, people, updates_by_field};
use super::safe::{Masker, neutralize};
use crate::diff::{Category, RowChange};

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1d2330}\
table{border-collapse:collapse;margin:.5em 0 1.2em}th,td{border:1px solid #ccd;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#f1f3f8}td.n{text-align:right}.counts td:first-child{min-width:22em}.old{color:#8a1c1c}.new{color:#145c2a}\
.controls{position:sticky;top:0;background:#fff;padding:.6em 0;border-bottom:1px solid #ccd}.controls input{width:18em}\
.note{color:#4a5163}";

const SCRIPT: &str = r#"(function () {
  var category = document.getElementById("category");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  function apply() {
    var c = category.value, s = search.value.trim().toLowerCase(), n = 0;
    document.querySelectorAll("section[data-category]").forEach(function (sec) {
      var any = false;
      sec.querySelectorAll(".group").forEach(function (g) {
        var groupAny = false;
        g.querySelectorAll("tr.person").forEach(function (tr) {
          var ok = (!c || tr.getAttribute("data-category") === c) &&
            (!s || tr.getAttribute("data-name").indexOf(s) >= 0);
          tr.hidden = !ok;
          if (ok) { groupAny = true; n++; }
        });
        g.hidden = !groupAny;
        any = any || groupAny;
      });
      sec.hidden = !any;
    });
    shown.textContent = n + (n === 1 ? " person shown" : " people shown");
  }
  category.addEventListener("change", apply);
  search.addEventListener("input", apply);
  apply();
})();"#;

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A value for a table cell: neutralized, then escaped.
fn val(text: &str) -> String {
    escape(&neutralize(text))
}

/// How many unchanged rows the page lists.
pub const UNCHANGED_LISTED: usize = 2_000;

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
        "<p>Export <code>{}</code> ({} rows) with mapping <code>{}</code>, against ChartHop org <code>{}</code> ({} people), planned {}.</p>",
        val(&file_name(&plan.input.path)),
        plan.input.rows,
        val(&file_name(&plan.mapping.path)),
        val(&plan.charthop.org),
        plan.roster.people,
        escape(&plan.created_at)
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
        "<option value=\"absent\">Absent</option></select></label>\n<label>Search by name <input id=\"search\" type=\"search\" placeholder=\"Name\"></label> <span id=\"shown\" class=\"note\"></span></div>"
    );

    let rows_of = |c: Category| {
        plan.rows
            .iter()
            .filter(move |r| r.category == c)
            .collect::<Vec<_>>()
    };
    let person = |r: &RowChange, cells: &[String]| {
        let mut tr = format!(
            "<tr class=\"person\" data-category=\"{}\" data-name=\"{}\"><td class=\"n\">{}</td><td>{}</td>",
            r.category.as_str(),
            escape(&r.name.to_lowercase()),
            r.row,
            val(&r.name)
        );
        for c in cells {
            let _ = write!(tr, "<td>{c}</td>");
        }
        tr.push_str("</tr>");
        tr
    };

    let hires = rows_of(Category::NewHire);
    if !hires.is_empty() {
        section(
            &mut o,
            "new_hire",
            &format!("New hires ({})", plan.summary.new_hires),
            &listing_note(
                hires.len(),
                plan.summary.new_hires,
                "new_hires.csv and plan.json",
            )
            .unwrap_or_default(),
        );
        group(
            &mut o,
            None,
            &[
                "Row",
                "Name",
                "Match",
                "Work email",
                "Title",
                "Start date",
                "Manager",
            ],
        );
        for r in hires {
            let t = |code: &str| {
                escape(&mask.show(code, r.target.get(code).map_or("", String::as_str)))
            };
            let cells = [
                val(&r.matched),
                t("contact.workEmail"),
                t("title"),
                t("startDate"),
                t("manager"),
            ];
            let _ = writeln!(o, "{}", person(r, &cells));
        }
        let _ = writeln!(o, "</table></div>\n</section>");
    }
    let by_field = updates_by_field(plan);
    if !by_field.is_empty() {
        section(
            &mut o,
            "update",
            &format!("Updates ({})", plan.summary.updates),
            "",
        );
        for (field, list) in by_field {
            let heading = format!("{}: {}", val(field), people(list.len()));
            group(
                &mut o,
                Some(&heading),
                &["Row", "Name", "Match", "Old", "New"],
            );
            for (r, old, new) in list {
                let cells = [
                    val(&r.matched),
                    format!(
                        "<span class=\"old\">{}</span>",
                        escape(&mask.show(field, old))
                    ),
                    format!(
                        "<span class=\"new\">{}</span>",
                        escape(&mask.show(field, new))
                    ),
                ];
                let _ = writeln!(o, "{}", person(r, &cells));
            }
            let _ = writeln!(o, "</table></div>");
        }
        let _ = writeln!(o, "</section>");
    }
    let departures = rows_of(Category::Departure);
    if !departures.is_empty() {
        let note = if plan.departures_file.is_some() {
            "The export says these people left while ChartHop shows them active. Listed in departures.csv for review."
        } else {
            "The export says these people left while ChartHop shows them active. Reported only: set plan.departures = true in the settings to write departures.csv."
        };
        section(
            &mut o,
            "departure",
            &format!("Departures ({})", departures.len()),
            note,
        );
        group(
            &mut o,
            None,
            &["Row", "Name", "Match", "Work email", "Termination date"],
        );
        for r in departures {
            let cells = [
                val(&r.matched),
                val(r.charthop_email.as_deref().unwrap_or("")),
                val(r.termination_date.as_deref().unwrap_or("(not given)")),
            ];
            let _ = writeln!(o, "{}", person(r, &cells));
        }
        let _ = writeln!(o, "</table></div>\n</section>");
    }
    if !plan.absent.is_empty() {
        section(
            &mut o,
            "absent",
            &format!("Absent from the export ({})", plan.absent.len()),
            "In ChartHop but not in the export, with no termination in it: reported only, never changed. Check whether the export is complete.",
        );
        group(&mut o, None, &["Name", "Work email"]);
        for a in &plan.absent {
            let _ = writeln!(
                o,
                "<tr class=\"person\" data-category=\"absent\" data-name=\"{}\"><td>{}</td><td>{}</td></tr>",
                escape(&a.name.to_lowercase()),
                val(&a.name),
                val(&a.charthop_email)
            );
        }
        let _ = writeln!(o, "</table></div>\n</section>");
    }
    let conflicts = rows_of(Category::Conflict);
    if !conflicts.is_empty() {
        section(
            &mut o,
            "conflict",
            &format!("Conflicts ({})", plan.summary.conflicts),
            &format!(
                "Left out of the import: matching these rows would be a guess. Fix the export or ChartHop as each row says, then plan again. {}",
                listing_note(conflicts.len(), plan.summary.conflicts, "plan.json")
                    .unwrap_or_default()
            ),
        );
        group(&mut o, None, &["Row", "Name", "Reason", "What to do"]);
        for r in conflicts {
            let cells = [
                val(r.reason.as_deref().unwrap_or("")),
                escape(conflict_advice(r.conflict)),
            ];
            let _ = writeln!(o, "{}", person(r, &cells));
        }
        let _ = writeln!(o, "</table></div>\n</section>");
    }
    let rejected = rows_of(Category::Rejected);
    if !rejected.is_empty() {
        section(
            &mut o,
            "rejected",
            &format!("Rejected rows ({})", plan.summary.rejected),
            &format!(
                "These rows could not be mapped and were left out. Fix the cell named in each reason (or the mapping), then plan again. {}",
                listing_note(rejected.len(), plan.summary.rejected, "plan.json")
                    .unwrap_or_default()
            ),
        );
        group(&mut o, None, &["Row", "Name", "Reason"]);
        for r in rejected {
            let _ = writeln!(
                o,
                "{}",
                person(r, &[val(r.reason.as_deref().unwrap_or(""))])
            );
        }
        let _ = writeln!(o, "</table></div>\n</section>");
    }
    let unchanged = rows_of(Category::Unchanged);
    if !unchanged.is_empty() {
        // A large org's unchanged rows would make the page too big to open: the first ones are
        // listed, and all of them are in plan.json.
        let listed = unchanged.len().min(UNCHANGED_LISTED);
        let note = listing_note(listed, plan.summary.unchanged, "plan.json").unwrap_or_default();
        section(
            &mut o,
            "unchanged",
            &format!("Unchanged ({})", plan.summary.unchanged),
            &note,
        );
        group(&mut o, None, &["Row", "Name", "Match"]);
        for r in unchanged.iter().take(UNCHANGED_LISTED) {
            let _ = writeln!(o, "{}", person(r, &[val(&r.matched)]));
        }
        let _ = writeln!(o, "</table></div>\n</section>");
    }
    if !plan.warnings.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Warnings ({})</h2>\n<p class=\"note\">Values that start like a spreadsheet formula: sent to ChartHop unchanged, shown here with a leading '.</p>\n<table><tr><th>Row</th><th>Field</th></tr>",
            plan.warnings.len()
        );
        for w in &plan.warnings {
            let _ = writeln!(
                o,
                "<tr><td class=\"n\">{}</td><td>{}</td></tr>",
                w.row,
                val(&w.field)
            );
        }
        let _ = writeln!(o, "</table>");
    }
    let _ = write!(
        o,
        "<p class=\"note\">Apply this plan with <code>payroll-sync apply &lt;this directory&gt;</code>.</p>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    o
}

fn title(c: Category) -> &'static str {
    match c {
        Category::NewHire => "New hires",
        Category::Update => "Updates",
        Category::Departure => "Departures",
        Category::Unchanged => "Unchanged",
        Category::Conflict => "Conflicts",
        Category::Rejected => "Rejected",
    }
}

fn section(o: &mut String, category: &str, heading: &str, note: &str) {
    let _ = writeln!(
        o,
        "<section data-category=\"{category}\">\n<h2>{}</h2>",
        escape(heading)
    );
    if !note.is_empty() {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", escape(note));
    }
}

/// Opens a group (`<div class="group">`, an optional already-escaped heading, a table with
/// its header row); the caller closes `</table></div>`.
fn group(o: &mut String, heading: Option<&str>, columns: &[&str]) {
    let _ = writeln!(o, "<div class=\"group\">");
    if let Some(h) = heading {
        let _ = writeln!(o, "<h3>{h}</h3>");
    }
    let _ = write!(o, "<table><tr>");
    for c in columns {
        let _ = write!(o, "<th>{c}</th>");
    }
    let _ = writeln!(o, "</tr>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_neutralizes_formulas() {
        assert_eq!(
            escape("<b>\"A&B\"</b>'"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;&#39;"
        );
        assert_eq!(val("=cmd|' /C calc'!A0"), "&#39;=cmd|&#39; /C calc&#39;!A0");
    }
}
