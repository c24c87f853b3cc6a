"""Inline CSS and JS for the self-contained HTML reports (report.html, matrix.html).

Kept apart from the renderers so those stay readable. No URLs, fonts or external resources:
the reports must open from a CI artifact or an air-gapped laptop exactly as they were written.
"""

# Blocks every external load even if model data were to smuggle in a URL-bearing tag.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; form-action 'none'; base-uri 'none'")

CSS = """
:root { --pass:#1a7f37; --known_deviation:#9a6700; --skip:#6e7781; --unexpected_pass:#bc4c00;
        --fail:#cf222e; --error:#8250df; --not_implemented:#a40e26; --skipped_by_choice:#8c959f;
        --not_applicable:#afb8c1; --border:#d0d7de; --muted:#57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
       max-width: 1400px; padding: 1rem 1.5rem; color: #1f2328; }
h1 { font-size: 1.5rem; margin: .2rem 0 .6rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
[hidden] { display: none !important; }
.verdict { font-size: 1.2rem; font-weight: 600; padding: .5rem .8rem; border-radius: 6px;
           border-left: 6px solid currentColor; background: #f6f8fa; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; word-break: break-all; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; color: #fff;
         font-size: .8rem; font-weight: 600; white-space: nowrap; }
.s-pass { background: var(--pass); } .s-known_deviation { background: var(--known_deviation); }
.s-skip { background: var(--skip); } .s-unexpected_pass { background: var(--unexpected_pass); }
.s-fail { background: var(--fail); } .s-error { background: var(--error); }
.s-not_implemented { background: var(--not_implemented); }
.s-skipped_by_choice { background: var(--skipped_by_choice); } .s-not_applicable { background: var(--not_applicable); }
.t-pass { color: var(--pass); } .t-known_deviation { color: var(--known_deviation); }
.t-skip { color: var(--skip); } .t-unexpected_pass { color: var(--unexpected_pass); }
.t-fail { color: var(--fail); } .t-error { color: var(--error); }
.t-not_implemented { color: var(--not_implemented); }
.t-skipped_by_choice { color: var(--skipped_by_choice); } .t-not_applicable { color: var(--not_applicable); }
.counts { display: flex; flex-wrap: wrap; gap: .5rem; }
.counts .count { border: 1px solid var(--border); border-radius: 6px; padding: .3rem .7rem; }
.counts .count b { font-size: 1.2rem; margin-right: .3rem; }
.filters { position: sticky; top: 0; background: #fff; padding: .5rem 0; z-index: 2;
           display: flex; flex-wrap: wrap; gap: .4rem; align-items: center;
           border-bottom: 1px solid var(--border); }
.filters button { border: 1px solid var(--border); background: #f6f8fa; border-radius: 6px;
                  padding: .2rem .6rem; cursor: pointer; font: inherit; }
.filters button[aria-pressed="true"] { background: #1f2328; color: #fff; }
.filters input { padding: .25rem .5rem; min-width: 18rem; font: inherit; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--border); padding: .3rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 2.8rem; }
td.num { text-align: right; } td.id { white-space: nowrap; font-family: ui-monospace, monospace; }
details.case { border: 1px solid var(--border); border-radius: 6px; margin: .35rem 0;
               padding: .3rem .6rem; }
details.case > summary { cursor: pointer; }
details.case .op { color: var(--muted); font-family: ui-monospace, monospace; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: .6rem; }
pre { background: #f6f8fa; border: 1px solid var(--border); border-radius: 6px; padding: .5rem;
      overflow: auto; max-height: 28rem; white-space: pre-wrap; word-break: break-word;
      font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; margin: .2rem 0; }
.label { color: var(--muted); font-size: .8rem; text-transform: uppercase; margin-top: .4rem; }
.muted { color: var(--muted); }
"""

JS = """
(function () {
  var state = 'all';
  var textBox = document.getElementById('text-filter');
  var buttons = Array.prototype.slice.call(document.querySelectorAll('button[data-filter]'));
  var items = Array.prototype.slice.call(document.querySelectorAll('.filterable'));
  var shown = document.getElementById('shown-count');
  function apply() {
    var q = textBox ? textBox.value.trim().toLowerCase() : '';
    var visible = 0;
    items.forEach(function (el) {
      var okStatus = state === 'all' || el.getAttribute('data-status') === state;
      var okText = !q || el.textContent.toLowerCase().indexOf(q) !== -1;
      el.hidden = !(okStatus && okText);
      if (!el.hidden) { visible += 1; }
    });
    buttons.forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-filter') === state));
    });
    if (shown) { shown.textContent = visible + ' of ' + items.length + ' rows and cases shown'; }
  }
  buttons.forEach(function (b) {
    b.addEventListener('click', function () { state = b.getAttribute('data-filter'); apply(); });
  });
  if (textBox) { textBox.addEventListener('input', apply); }
  Array.prototype.forEach.call(document.querySelectorAll('button[data-req]'), function (b) {
    b.addEventListener('click', function () {
      textBox.value = b.getAttribute('data-req'); state = 'all'; apply();
    });
  });
  function setOpen(open) {
    Array.prototype.forEach.call(document.querySelectorAll('details.case'), function (d) {
      if (!d.hidden) { d.open = open; }
    });
  }
  var expand = document.getElementById('expand-all');
  var collapse = document.getElementById('collapse-all');
  if (expand) { expand.addEventListener('click', function () { setOpen(true); }); }
  if (collapse) { collapse.addEventListener('click', function () { setOpen(false); }); }
  apply();
})();
"""
