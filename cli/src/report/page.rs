//! The page around the sections: the document head (title, style), the header (the rulebook, its
//! fingerprint, the data, notices) and the footer with the sorting script. Nothing is fetched at
//! view time.

use std::fmt::Write as _;

use kaoping::{Date, Lang, NotAnInput};

use super::contents::Contents;
use super::html::esc;

/// The document's head and the page header: what was scored, with what, from which data.
pub fn header(
    h: &mut String,
    c: &Contents<'_>,
    data_path: &str,
    as_of: Option<Date>,
    ignored: &[NotAnInput],
) {
    let rb = c.rb;
    let title = format!("{} — 评分报告", rb.title());
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{}</title>
<script>window.addEventListener('error', function (e) {{ var d = document.documentElement; d.setAttribute('data-errors', (d.getAttribute('data-errors') || '') + e.message + ';'); }});</script>
<style>{CSS}</style></head><body>
"#,
        esc(&title)
    );
    let _ = write!(h, "<header><h1>{}</h1><p class=\"meta\">", esc(&title));
    let _ = write!(
        h,
        "方案 <code>{}</code> 版本 {} · 指纹 <code title=\"{}\">{}</code>",
        esc(rb.id()),
        esc(rb.version()),
        esc(rb.fingerprint()),
        esc(&rb.fingerprint()[..rb.fingerprint().len().min(12)])
    );
    if let Some(src) = rb.source() {
        let _ = write!(h, " · 依据 {}", esc(src));
    }
    let shown_as_of = as_of.or_else(|| c.outcomes.values().next().and_then(|o| o.as_of));
    if let Some(d) = shown_as_of {
        let _ = write!(h, " · 评分日期 {d}");
    }
    let _ = write!(h, " · 数据 <code>{}</code></p>", esc(data_path));
    if rb.is_illustrative() {
        h.push_str("<p class=\"notice\">示例方案：分值与阈值为说明用的示例数字，非官方分值表。</p>");
    }
    if !ignored.is_empty() {
        // A misspelt header leaves its input at its default: never hidden from the reader.
        h.push_str("<div class=\"notice\" id=\"ignored-columns\"><p>以下列不是考核方案的输入，评分时已忽略：</p><ul>");
        // A likely misspelling each on its line; the plainly unrelated columns on one.
        for col in ignored.iter().filter(|c| c.suggestion.is_some()) {
            let _ = write!(h, "<li>{}</li>", esc(&col.column_warning(Lang::Zh)));
        }
        let plain: Vec<&str> =
            ignored.iter().filter(|c| c.suggestion.is_none()).map(|c| c.name.as_str()).collect();
        if !plain.is_empty() {
            let _ = write!(h, "<li>{}</li>", esc(&plain.join("、")));
        }
        h.push_str("</ul></div>");
    }
    h.push_str("</header>\n");
}

/// The footer, the sorting script, the end of the page.
pub fn footer(h: &mut String) {
    let _ = writeln!(
        h,
        "<footer>kaoping {} 生成</footer><script>{SCRIPT}</script></body></html>",
        env!("CARGO_PKG_VERSION")
    );
}

pub(super) const CSS: &str = r#"
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0 auto; max-width: 1200px; padding: 16px 24px; color: #222; }
h1 { font-size: 1.5em; margin: 0.3em 0; } h2 { border-bottom: 2px solid #4575b4; padding-bottom: 4px; margin-top: 1.6em; }
.meta { color: #555; font-size: 0.9em; } code { background: #f3f3f3; padding: 0 3px; }
.notice { background: #fff6d5; border-left: 4px solid #e6b400; padding: 6px 10px; }
.hint { color: #777; font-size: 0.85em; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 90px; text-align: center; }
.card .v { font-size: 1.4em; font-weight: bold; } .card .k { color: #666; font-size: 0.85em; }
.grade { color: #fff; padding: 1px 8px; border-radius: 10px; white-space: nowrap; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; white-space: nowrap; }
td.error { white-space: normal; min-width: 240px; }
.scroll { overflow-x: auto; }
th { background: #f0f4fa; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: " ⇅"; color: #aaa; }
table.sortable th.asc::after { content: " ▲"; color: #333; } table.sortable th.desc::after { content: " ▼"; color: #333; }
td[data-v] { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fdecea; } td.error { color: #b00; font-size: 0.85em; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 8px 0; } figcaption { font-weight: bold; margin-bottom: 4px; }
svg.chart text { font-size: 12px; fill: #333; } svg.chart text.axis { fill: #666; font-size: 11px; }
.unit-card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; margin: 12px 0; }
.unit-card h3 { margin: 4px 0; } .unit-card small { color: #888; font-weight: normal; }
.unit-body { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
pre.explain { white-space: pre-wrap; font-family: inherit; font-size: 0.85em; line-height: 1.5; flex: 1; min-width: 320px; margin: 0; }
footer { color: #999; font-size: 0.8em; margin: 2em 0 1em; }
td.note { white-space: normal; min-width: 240px; font-size: 0.85em; } td.note.capped { color: #8a5a00; }
table.unit-points { margin: 8px 0; width: 100%; } table.unit-points td.basis { white-space: normal; font-size: 0.85em; color: #333; }
table.unit-points tr.depth-0 td.label { font-weight: bold; } table.unit-points tr.total-row td { border-top: 2px solid #999; }
table.unit-points .source { color: #888; margin-left: 4px; }
ul.verdicts { margin: 4px 0; padding-left: 1.2em; font-size: 0.9em; }
details summary { cursor: pointer; color: #4575b4; }
table.profiles td { text-align: right; } table.profiles td:first-child { text-align: left; }
.share-bar { display: flex; width: 160px; height: 12px; border: 1px solid #ccc; }
.share-bar span { display: block; height: 100%; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .no-print, .hint, details, script { display: none !important; }
  .scroll { overflow: visible; }
  table { font-size: 8pt; width: 100%; }
  table.grades, table.criteria { width: auto; }
  th, td { padding: 0 3px; line-height: 1.25; }
  .charts svg { max-height: 55mm; width: auto; }
  .cards { margin: 4px 0; } .card { padding: 2px 8px; } .notice { padding: 2px 8px; }
  td.note, td.error { min-width: 0; }
  thead { display: table-header-group; }
  tr, .card, figure { break-inside: avoid; page-break-inside: avoid; }
  table.sortable th::after { content: ""; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 1em; }
  .unit-card { break-inside: avoid-page; border: none; border-top: 1px solid #999; border-radius: 0; padding: 4px 0; }
  a { color: inherit; text-decoration: none; }
  footer { margin: 1em 0 0; }
}
"#;

const SCRIPT: &str = r#"
(function () {
  var table = document.getElementById('units');
  if (!table) return;
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.addEventListener('click', function () {
      var numeric = th.getAttribute('data-numeric') === 'true';
      var dir = th.classList.contains('desc') ? 'asc' : 'desc';
      Array.prototype.forEach.call(heads, function (h) { h.classList.remove('asc', 'desc'); });
      th.classList.add(dir);
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col], y = b.cells[col], c;
        if (numeric) { c = parseFloat(x.getAttribute('data-v')) - parseFloat(y.getAttribute('data-v')); }
        else { c = x.textContent.localeCompare(y.textContent, 'zh-CN'); }
        return dir === 'asc' ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  // A link to report.html#sort=total opens the table sorted by total, best first.
  var byTotal = document.getElementById('sort-total');
  if (location.hash === '#sort=total' && byTotal) byTotal.click();
})();
"#;
