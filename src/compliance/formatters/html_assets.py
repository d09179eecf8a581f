"""The HTML report's inline style and script (no external assets: the page works offline and in CI).

The script is small and optional: it sorts tables by a click on their header (or by ``?sort=TABLE:COLUMN``
in the address, so a sorted view can be linked to), counts the highlighted cells into the index, and
filters the index to failing reports. The page reads fine without it.
"""

from __future__ import annotations

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;line-height:1.5}
table{border-collapse:collapse;margin:.5em 0 1em}
th,td{border:1px solid #bbb;padding:.2em .5em;text-align:right;vertical-align:top}
th{background:#f3f3f3;text-align:left;font-weight:normal}
td.error{background:#f8c4c4;outline:2px solid #c00}
td.warning{background:#fbe7b0;outline:2px solid #c80}
th.error{color:#c00;font-weight:bold}
:target{box-shadow:0 0 0 3px #06c}
.verdict{display:inline-block;padding:0 .6em;border-radius:.3em;color:#fff;font-weight:bold}
.FAIL{background:#c00}.WARN{background:#c80}.OK{background:#080}
table.findings td,#rules td:nth-child(-n+3),#index td:nth-child(-n+4){text-align:left}
table.findings td.num,table.findings td.n{text-align:right}
tr.sev-error td.sev{color:#900;font-weight:bold}tr.sev-warning td.sev{color:#850}tr.sev-info td.sev{color:#057}
table.sortable thead th{cursor:pointer}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.rule{font-family:monospace;font-weight:bold;white-space:nowrap}
td[data-status]::after{content:"?";color:#a50;font-weight:bold;margin-left:.15em}
td[data-status]{font-style:italic}
a.back{font-size:.7em;margin-left:.2em;vertical-align:super}
.prose{white-space:pre-wrap;background:#fafafa;border-left:3px solid #ccc;padding:.5em 1em}
mark.claim{background:#d8ecff}
.col{display:block;color:#777;font-size:.75em}
section.report{border-top:2px solid #888;margin-top:2em}
"""

SCRIPT = """
function sortTable(th, descending) {
  var table = th.closest('table'), body = table.tBodies[0];
  var index = Array.prototype.indexOf.call(th.parentNode.children, th);
  var ascending = descending === undefined ? th.getAttribute('aria-sort') !== 'ascending' : !descending;
  table.querySelectorAll('thead th').forEach(function (h) { h.removeAttribute('aria-sort'); });
  th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
  function key(row) {
    var cell = row.cells[index];
    var value = cell ? (cell.getAttribute('data-sort') || cell.textContent.trim()) : '';
    return /^-?\\d+(\\.\\d+)?$/.test(value) ? parseFloat(value) : value;
  }
  var rows = Array.prototype.slice.call(body.rows);
  rows.sort(function (a, b) {
    var x = key(a), y = key(b);
    var order = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y), 'zh');
    return ascending ? order : -order;
  });
  rows.forEach(function (row) { body.appendChild(row); });
}
document.querySelectorAll('table.sortable thead th').forEach(function (th) {
  th.addEventListener('click', function () { sortTable(th); });
});
var asked = new URLSearchParams(location.search).get('sort');
if (asked) {
  var parts = asked.split(':');
  var table = document.getElementById(parts[0]);
  var th = table && table.tHead ? table.tHead.rows[0].cells[parseInt(parts[1], 10)] : null;
  if (th) { sortTable(th, parts[2] === 'desc'); }
}
document.querySelectorAll('section.report').forEach(function (sec) {
  var n = sec.querySelectorAll('td.error, td.warning').length;
  sec.setAttribute('data-highlighted', String(n));
  var cell = document.querySelector('#index tr[data-report="' + sec.id + '"] td.highlighted');
  if (cell) { cell.textContent = String(n); }
});
var only = document.getElementById('only-failing');
if (only) {
  only.addEventListener('change', function () {
    document.querySelectorAll('#index tbody tr').forEach(function (tr) {
      tr.hidden = only.checked && tr.getAttribute('data-verdict') === 'OK';
    });
  });
}
document.body.setAttribute('data-ready', 'yes');
"""
