#include "engine/report/html.h"

#include "domain/decimal.h"

namespace vbp::html {
namespace {

bool IsDecimal(std::string_view s) { return ParseExactDecimal(s).ok(); }

// The page's CSS: numbers right-aligned in tabular figures, wide tables scroll inside their
// own box (the page itself never scrolls sideways), and a print style without the controls.
constexpr const char* kCss = R"css(
body{font-family:system-ui,"DejaVu Sans",sans-serif;margin:1em 1.5em;color:#222;font-size:14px}
h1{font-size:1.45em;margin:.2em 0 .3em}h2{font-size:1.12em;margin:1.1em 0 .3em}
p{margin:.3em 0}.meta{color:#444}
table{border-collapse:collapse;margin:.3em 0 .8em}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;font-size:13px;vertical-align:top}
th{background:#f1f1f1}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.neg{color:#a93226}.pos{color:#1e7d45}.same{color:#999}.chg{background:#fff4d6;font-weight:bold}
tr.total td,tr.total th{font-weight:bold;border-top:2px solid #333;background:#f7f7f7}
.scroll{overflow-x:auto;max-width:100%}
.notice{border:2px solid #c0392b;background:#fdecea;padding:4px 12px;margin:.6em 0}
small{color:#555}
table.sortable thead th{cursor:pointer}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
input.filter{margin:.3em .6em .3em 0;padding:3px 6px;width:22em}.filter-count{color:#555}
@media print{
body{margin:0;font-size:10pt;color:#000}
input.filter,.filter-count{display:none}
.scroll{overflow:visible}
thead{display:table-header-group}tfoot{display:table-footer-group}
tr{break-inside:avoid}h2{break-after:avoid}
th[aria-sort]::after{content:""}
.chg{background:none}
@page{size:landscape;margin:12mm}
}
)css";

// Sorting compares decimal text exactly (sign, integer length, digits), never as floats, so
// that a sort by a money column agrees with the figures to the last digit.
constexpr const char* kScript = R"js(
(function(){
var dec=/^-?\d+(\.\d+)?$/;
function mag(x,y){var a=x.split('.'),b=y.split('.');
var ai=a[0].replace(/^0+(?=\d)/,''),bi=b[0].replace(/^0+(?=\d)/,'');
if(ai.length!=bi.length)return ai.length<bi.length?-1:1;
if(ai!=bi)return ai<bi?-1:1;
var af=a[1]||'',bf=b[1]||'';while(af.length<bf.length)af+='0';while(bf.length<af.length)bf+='0';
return af==bf?0:(af<bf?-1:1);}
function cmpDec(x,y){var nx=x[0]=='-',ny=y[0]=='-';if(nx!=ny)return nx?-1:1;
var m=mag(nx?x.slice(1):x,ny?y.slice(1):y);return nx?-m:m;}
function key(td){if(!td)return'';var v=td.getAttribute('data-v');return v!==null?v:td.textContent.trim();}
function cmp(a,b){if(dec.test(a)&&dec.test(b))return cmpDec(a,b);
if(a===''||b==='')return a===b?0:(a===''?1:-1);return a.localeCompare(b);}
function each(list,f){Array.prototype.forEach.call(list,f);}
function sortBy(t,col,th){var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
var dir=th.getAttribute('aria-sort')=='ascending'?-1:1;
each(th.parentNode.cells,function(c){c.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',dir>0?'ascending':'descending');
rows.sort(function(r,s){return dir*cmp(key(r.cells[col]),key(s.cells[col]))||r._i-s._i;});
each(rows,function(r){body.appendChild(r);});}
each(document.querySelectorAll('table.sortable'),function(t){
if(!t.tHead||!t.tBodies.length)return;var head=t.tHead.rows[t.tHead.rows.length-1];
each(t.tBodies[0].rows,function(r,i){r._i=i;});
each(head.cells,function(th,i){th.tabIndex=0;th.title='sort by this column';
th.addEventListener('click',function(){sortBy(t,i,th);});
th.addEventListener('keydown',function(e){if(e.key=='Enter')sortBy(t,i,th);});});});
each(document.querySelectorAll('table.filterable'),function(t){
if(!t.tBodies.length)return;var box=document.createElement('input'),n=document.createElement('span');
box.type='search';box.className='filter';box.placeholder='Filter rows (any text)';
box.setAttribute('aria-label','filter '+(t.getAttribute('aria-label')||'rows'));n.className='filter-count';
var at=t.closest('.scroll')||t;at.parentNode.insertBefore(box,at);at.parentNode.insertBefore(n,at);
box.addEventListener('input',function(){var q=box.value.toLowerCase(),shown=0,rows=t.tBodies[0].rows;
each(rows,function(r){var ok=!q||r.textContent.toLowerCase().indexOf(q)>=0;r.hidden=!ok;if(ok)shown++;});
n.textContent=q?shown+' of '+rows.length+' rows':'';});});
if(location.hash=='#layout-check'){var o={viewport:[innerWidth,innerHeight],
scroll_width:document.documentElement.scrollWidth,boxes:{}};
each(document.querySelectorAll('[data-check]'),function(e){var r=e.getBoundingClientRect();
o.boxes[e.getAttribute('data-check')]=[r.left,r.top,r.right,r.bottom];});
document.documentElement.setAttribute('data-layout',JSON.stringify(o));}
})();
)js";

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string GroupThousands(std::string_view decimal) {
  if (!IsDecimal(decimal)) return std::string(decimal);
  const bool negative = decimal.front() == '-';
  std::string_view digits = negative ? decimal.substr(1) : decimal;
  const size_t dot = digits.find('.');
  const std::string_view whole = digits.substr(0, dot);
  std::string out = negative ? "-" : "";
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  if (dot != std::string_view::npos) out += digits.substr(dot);
  return out;
}

std::string MoneyText(std::string_view decimal) {
  auto v = ParseExactDecimal(decimal);
  if (!v.ok()) return std::string(decimal);
  return GroupThousands(FormatHalfEven(*v, 2));
}

std::string PercentText(std::string_view rate, int places) {
  auto v = ParseExactDecimal(rate);
  if (!v.ok()) return std::string(rate);
  return GroupThousands(FormatHalfEven(*v * 100, places)) + "%";
}

std::string PointsText(std::string_view rate_delta, int places) {
  auto v = ParseExactDecimal(rate_delta);
  if (!v.ok()) return std::string(rate_delta);
  const std::string t = GroupThousands(FormatHalfEven(*v * 100, places));
  return (t.front() != '-' && *v > 0 ? "+" : "") + t + " pp";
}

std::string ChangePercentText(std::string_view base, std::string_view delta, int places) {
  auto b = ParseExactDecimal(base);
  auto d = ParseExactDecimal(delta);
  if (!b.ok() || !d.ok() || *b == 0) return "";
  const Rational r = *d * 100 / (*b < 0 ? Rational(-*b) : *b);
  const std::string t = GroupThousands(FormatHalfEven(r, places));
  return (r > 0 ? "+" : "") + t + "%";
}

std::string CodeWords(std::string_view code) {
  std::string out(code);
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  return out;
}

std::string NumberCell(std::string_view raw, std::string_view shown) {
  std::string cls = "n";
  if (!raw.empty() && raw.front() == '-') cls += " neg";
  return "<td class=\"" + cls + "\" data-v=\"" + Escape(raw) + "\">" + Escape(shown) + "</td>";
}

std::string PageStart(std::string_view title) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         Escape(title) + "</title>\n<style>" + kCss + "</style></head><body>\n";
}

std::string PageEnd() { return std::string("<script>") + kScript + "</script>\n</body></html>\n"; }

}  // namespace vbp::html
