//! The page's inline style sheet and script: the page carries them itself, so it needs no
//! network and works from an email attachment. Without the script, everything is shown.

/// The style sheet.
pub(super) const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1d2330}\
table{border-collapse:collapse;margin:.5em 0 1.2em}th,td{border:1px solid #ccd;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#f1f3f8}td.n{text-align:right}.counts td:first-child{min-width:22em}.old{color:#8a1c1c}.new{color:#145c2a}\
.controls{position:sticky;top:0;background:#fff;padding:.6em 0;border-bottom:1px solid #ccd}.controls input{width:18em}\
.note{color:#4a5163}";

/// Folding a search as `markup::fold_for_search` folds the rows' search text: lower case, the
/// combining marks of the canonical decomposition dropped, a few letters spelled as ASCII.
pub(super) const FOLD: &str = r#"function fold(t) {
  var map = {"ł": "l", "ø": "o", "đ": "d", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe"};
  return t.normalize("NFD").toLowerCase().replace(/[\u0300-\u036f]/g, "")
    .replace(/[łøđıßæœ]/g, function (c) { return map[c]; });
}"#;

/// Filtering by category and searching by name, work email or payroll id (ignoring case and
/// accents; [`FOLD`] comes first on the page).
pub(super) const SCRIPT: &str = r#"(function () {
  var category = document.getElementById("category");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  function apply() {
    var c = category.value, s = fold(search.value.trim()), n = 0;
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
