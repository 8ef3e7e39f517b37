//! The page's inline style sheet and script: the page carries them itself, so it needs no
//! network and works from an email attachment. Without the script, everything is shown.

/// The style sheet. Under 640 px (a phone), every table reflows into one card per row, each
/// cell labelled with its column, so nothing needs a horizontal scroll.
pub(super) const STYLE: &str = "[hidden]{display:none!important}\
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1d2330;overflow-wrap:break-word}code{overflow-wrap:anywhere}\
table{border-collapse:collapse;margin:.5em 0 1.2em}th,td{border:1px solid #ccd;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#f1f3f8;white-space:nowrap}td.n{text-align:right}.old{color:#8a1c1c}.new{color:#145c2a}\
.controls{position:sticky;top:0;background:#fff;padding:.6em 0;border-bottom:1px solid #ccd;display:flex;flex-wrap:wrap;gap:.4em 1em}\
.controls input{width:18em;max-width:100%}.note{color:#4a5163}\
pre.summary{background:#f6f8fb;border:1px solid #ccd;padding:.7em 1em;white-space:pre-wrap}\
.add{color:#145c2a}.change{color:#7a5b00}.remove{color:#8a1c1c}.leftout{color:#8a1c1c;font-weight:600}\
.attention{border-left:4px solid #d08c00;background:#fff8e6;padding:.1em 1em;margin:1em 0}\
.refused{border-left:4px solid #8a1c1c;background:#fdeeee;padding:.5em 1em;font-weight:600}\
tr.tripped td{background:#fdeeee;font-weight:600}code.hash{word-break:break-all}\
details.section>summary{cursor:pointer}details.section>summary h2{display:inline}\
ul.changes{margin:0;padding-left:1.1em}nav.contents ul{columns:2}\
@media (max-width:640px){body{margin:1em auto;padding:0 .6em}nav.contents ul{columns:1}\
table.cards,table.cards tbody,table.cards tr,table.cards td{display:block}table.cards thead{display:none}\
table.cards tr{border:1px solid #ccd;margin:0 0 .6em;padding:.3em .5em}\
table.cards td,table.cards td.n{border:0;padding:.1em 0;text-align:left}\
table.cards td::before{content:attr(data-label);display:inline-block;min-width:7em;margin-right:.5em;font-weight:600;color:#4a5163}\
.controls label,.controls input{width:100%}}";

/// Folding a search as `markup::fold_into` folds the rows' search text: lower case, the
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
    document.querySelectorAll("details[data-category]").forEach(function (sec) {
      var any = false;
      sec.querySelectorAll("tr.person").forEach(function (tr) {
        var ok = (!c || tr.getAttribute("data-category") === c) &&
          (!s || tr.getAttribute("data-name").indexOf(s) >= 0);
        tr.hidden = !ok;
        if (ok) { any = true; n++; }
      });
      sec.hidden = !any;
      if (any && (c || s)) { sec.open = true; }
    });
    shown.textContent = n + (n === 1 ? " person shown" : " people shown");
  }
  category.addEventListener("change", apply);
  search.addEventListener("input", apply);
  apply();
})();"#;
