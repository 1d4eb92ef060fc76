#pragma once
// The HTML report's style and script, inline in the page (no network).
// The script only shows and hides rows by their data-states and data-rfc
// attributes; it never reads text from the report.

namespace pop3::html_assets {

inline constexpr const char* kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 2em 3em;color:#1d2330;background:#fff}
h1{font-size:1.5em;margin:.8em 0 .2em}h2{font-size:1.2em;margin:1.6em 0 .4em;border-bottom:1px solid #d5d9e0}
h3{font-size:1.05em;margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.4em 0}th,td{border:1px solid #d5d9e0;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f3f5f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#566074;margin:.2em 0}.quote{color:#3a4252;max-width:48em}
.st{font-weight:600;white-space:nowrap}
.failed{color:#b3261e}.error{color:#8a1c7c}.warning{color:#8a5a00}.known{color:#4a5f8a}.passed{color:#1e7a34}
.skipped{color:#566074}.untested{color:#9aa3b2}
td.failed{background:#fdecea}td.error{background:#f7e8f5}td.warning{background:#fff4dc}td.known{background:#eaf0fb}
td.passed{background:#eaf6ec}td.skipped,td.untested{background:#f7f8fa}
pre{background:#f7f8fa;border:1px solid #e1e4ea;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all;margin:.3em 0}
.finding{border-left:4px solid #d5d9e0;padding:.2em .8em;margin:.6em 0}.finding.failed,.finding.error{border-color:#b3261e}
.finding.warning{border-color:#e0a200}.finding.known{border-color:#4a5f8a}
#filters{position:sticky;top:0;background:#fff;padding:.4em 0;border-bottom:1px solid #d5d9e0;z-index:1}
#filters label{margin-right:1em;white-space:nowrap}
a{color:#1a55b3;text-decoration:none}a:hover{text-decoration:underline}
)css";

inline constexpr const char* kScript = R"js(
(function(){
  var boxes=[].slice.call(document.querySelectorAll('#filters input[type=checkbox]'));
  var rfc=document.getElementById('rfc-filter');
  function apply(){
    var on={};boxes.forEach(function(b){if(b.checked)on[b.value]=true;});
    var want=rfc.value;
    [].forEach.call(document.querySelectorAll('[data-states]'),function(e){
      var states=e.getAttribute('data-states').split(' ');
      var shown=states.some(function(s){return on[s];})&&(!want||e.getAttribute('data-rfc')===want);
      e.hidden=!shown;
    });
  }
  // A link may carry the filter: #show=failed,warning&rfc=rfc1939.
  var h=location.hash.slice(1);
  if(h.indexOf('show=')===0||h.indexOf('rfc=')===0){
    h.split('&').forEach(function(kv){
      var p=kv.split('='),v=decodeURIComponent(p[1]||'');
      if(p[0]==='show'){var on=v.split(',');boxes.forEach(function(b){b.checked=on.indexOf(b.value)>=0;});}
      if(p[0]==='rfc')rfc.value=v;
    });
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  rfc.addEventListener('change',apply);
  apply();
})();
)js";

}  // namespace pop3::html_assets
