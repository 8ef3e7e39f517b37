//! `report.html`: the plan's [`Review`] as one self-contained page for someone in HR, the same
//! review as `report.md`.
//!
//! One file, no outside assets (inline CSS and JavaScript, no fonts, no network), so it works
//! offline and from an email attachment. The top says what the plan does and what needs
//! attention; the detail sections fold open and closed and have anchors. A reader can filter by
//! category and search by name, work email or payroll id; without JavaScript everything is
//! simply shown. On a phone, tables reflow into one card per person. Every value is
//! neutralized like in the Markdown report, then HTML-escaped.
//!
//! `assets` holds the style sheet and script, `markup` escaping and the repeated pieces,
//! `sections` the overview's parts and the detail sections; this file puts the page together.

mod assets;
mod markup;
mod sections;

use std::fmt::Write;

use super::review::Review;
use crate::diff::Category;
use assets::{FOLD, SCRIPT, STYLE};
use markup::{prose, title};

/// Renders the page.
pub fn render(review: &Review) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Payroll sync plan</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>Payroll sync plan</h1>\n"
    );
    let _ = writeln!(o, "<p>{}</p>", prose(&review.intro));
    if review.nothing_to_change {
        let _ = writeln!(o, "<p><strong>Nothing to change in ChartHop.</strong></p>");
    }
    sections::summary(&mut o, review);
    sections::attention(&mut o, review);
    sections::guards(&mut o, review);
    sections::rollups(&mut o, review);
    sections::contents(&mut o, review);
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
    for s in &review.sections {
        sections::detail(&mut o, s);
    }
    let _ = write!(
        o,
        "<p class=\"note\">{}</p>\n<script>{FOLD}\n{SCRIPT}</script>\n</body>\n</html>\n",
        prose(&review.next_step)
    );
    o
}
