#!/usr/bin/env python3
"""The what-if and reconcile pages as a person sees them (issue 18, item 6): a generated
population is compared under two rule setups (`vbp whatif`) and reconciled against a provider
file (`vbp reconcile --html`); each page is rendered in headless Chromium (Debian `chromium`)
at 1,400 x 900 and must show the summary table, its TOTAL row and the net payments inside the
first viewport, without horizontal scrolling. The totals shown must equal deltas.json's,
formatted here independently (Python's Decimal with thousands separators). Clicking a header
must sort by the exact figures; typing in the filter box must hide the other rows; the
tables are in the markup itself, so the page reads the same without script.

The page's own script writes the layout into <html data-layout> when its URL ends in
#layout-check (engine/report/html.h); interaction runs from a wrapper page that loads the
report in an iframe (--allow-file-access-from-files). Exits 77 (skipped) only when no Chromium
binary is installed. Prints 'N passed, N failed'."""
import argparse
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal

SKIP = 77
VIEW_W, VIEW_H = 1400, 900
PRIMARY_CARE_B = '["99213","99215","G0438"]'


def run(*args):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=300)


def chromium_dom(chromium, url, profile, *extra):
    """The DOM after load, as Chromium serialises it (a new profile directory per run)."""
    p = run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--user-data-dir=" + profile,
            "--window-size=%d,%d" % (VIEW_W, VIEW_H), *extra, "--dump-dom", url)
    if p.returncode != 0:
        raise RuntimeError("chromium exited %d: %s" % (p.returncode, p.stderr[-2000:]))
    return p.stdout


def attribute(dom, name):
    m = re.search(name + r'="([^"]*)"', dom)
    return json.loads(html.unescape(m.group(1))) if m else None


def text_of(fragment):
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def total_row(dom):
    m = re.search(r'<tr class="total" data-check="total">(.*?)</tr>', dom, re.S)
    return text_of(m.group(1)) if m else ""


def money(text):
    return "{:,.2f}".format(Decimal(text))


WRAPPER = """<!DOCTYPE html><html><body>
<iframe id="f" src="%s" width="1400" height="900" onload="go()"></iframe><script>
function rows(t){return Array.prototype.slice.call(t.tBodies[0].rows);}
function go(){var r={};try{var d=document.getElementById('f').contentDocument;
var t=d.getElementById('summary');var th=t.tHead.rows[0].cells[%d];
th.click();r.asc=rows(t).map(function(x){return x.cells[0].textContent;});
th.click();r.desc=rows(t).map(function(x){return x.cells[0].textContent;});
var box=d.querySelector('input.filter');var f=d.querySelector('table.filterable');
r.rows=rows(f).length;box.value=%s;box.dispatchEvent(new Event('input'));
r.visible=rows(f).filter(function(x){return !x.hidden;}).length;
}catch(e){r.error=String(e);}
document.body.setAttribute('data-result',JSON.stringify(r));}
</script></body></html>"""


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)))


def check_layout(check, name, dom, boxes):
    """Every named box lies inside the first viewport; the page does not scroll sideways."""
    layout = attribute(dom, "data-layout")
    check(name + ": the page reports its layout", layout is not None)
    if layout is None:
        return
    vw, vh = layout["viewport"]
    check(name + ": viewport is %d px wide" % VIEW_W, vw == VIEW_W, layout["viewport"])
    check(name + ": no horizontal scroll", layout["scroll_width"] <= vw, layout)
    for box in boxes:
        r = layout["boxes"].get(box)
        inside = r is not None and r[0] >= 0 and r[1] >= 0 and r[2] <= vw and r[3] <= vh
        check("%s: %s inside the first %dx%d viewport" % (name, box, vw, vh), inside, r)


def check_interaction(check, name, chromium, directory, page, column, want_asc, query, profile):
    wrapper = os.path.join(directory, "interact-" + page)
    with open(wrapper, "w") as f:
        f.write(WRAPPER % (page, column, json.dumps(query)))
    dom = chromium_dom(chromium, "file://" + wrapper, profile, "--allow-file-access-from-files")
    r = attribute(dom, "data-result") or {}
    check(name + ": script ran", "error" not in r and "asc" in r, r)
    check(name + ": a click on the header sorts ascending", r.get("asc") == want_asc, r)
    check(name + ": a second click sorts descending", r.get("desc") == want_asc[::-1], r)
    check(name + ": the filter box keeps only matching rows",
          r.get("visible") == 1 and r.get("rows", 0) > 1, r)


def whatif(check, vbp, chromium, tmp, data):
    out = os.path.join(tmp, "whatif")
    p = run(vbp, "whatif", "--data", data, "--rules", "own", "--vs", "own", "--set",
            "primary_care_codes=" + PRIMARY_CARE_B, "--set", "msr=0.015",
            "--apply-over-contracts", "--out", out, "--quiet")
    check("vbp whatif exits 0", p.returncode == 0, p.stderr)
    if p.returncode != 0:
        return
    deltas = json.load(open(os.path.join(out, "deltas.json")))
    members = json.load(open(os.path.join(out, "members.json")))
    page = os.path.join(out, "report.html")
    dom = chromium_dom(chromium, "file://" + page + "#layout-check", os.path.join(tmp, "p1"))
    check_layout(check, "whatif", dom, ["summary", "total", "net-a", "net-b", "net-delta"])
    net = deltas["totals"]["net_payment"]
    row = total_row(dom)
    for side in ("a", "b", "delta"):
        check("whatif: TOTAL row shows net payment %s %s" % (side, money(net[side])),
              money(net[side]) in row.split(), row)
    contracts = [c["contract_id"] for c in deltas["contracts"]]
    by_net_a = sorted(contracts, key=lambda c: Decimal(
        next(x for x in deltas["contracts"] if x["contract_id"] == c)
        ["figures"]["net_payment"]["a"]))
    check("whatif: the population moves members", len(members) > 1, len(members))
    check_interaction(check, "whatif", chromium, out, "report.html", 5, by_net_a,
                      members[0]["member_id"], os.path.join(tmp, "p2"))
    # Without script (a mail client, a print server) the tables are the page's own markup.
    source = open(page).read()
    check("whatif: the summary and its TOTAL are in the markup, not made by script",
          money(net["b"]) in total_row(source).split())
    check("whatif: every member row is in the markup",
          source.count("<tr><td>") >= min(len(members), 500))


def their_file(data, tmp, vbp):
    """A provider file from our own roster of the largest contract: every tenth member left out,
    every seventh expected 1,234.56 higher, one member we never heard of."""
    roster = os.path.join(tmp, "roster.csv")
    p = run(vbp, "settle", "--data", data, "--out", os.path.join(tmp, "st.json"), "--roster",
            roster, "--quiet")
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    rows = list(csv.DictReader(open(roster, newline="")))
    counts = {}
    for r in rows:
        counts[r["contract_id"]] = counts.get(r["contract_id"], 0) + 1
    contract = max(sorted(counts), key=lambda c: counts[c])
    theirs = os.path.join(tmp, "theirs.csv")
    with open(theirs, "w") as f:
        f.write("member_id,expected_paid\n")
        for i, r in enumerate(x for x in rows if x["contract_id"] == contract):
            if i % 10 == 3:
                continue
            paid = Decimal(r["expenditure_total"]) + (Decimal("1234.56") if i % 7 == 2 else 0)
            f.write("%s,%s\n" % (r["member_id"], paid))
        f.write("NO-SUCH-MEMBER,100.00\n")
    return contract, theirs


def reconcile(check, vbp, chromium, tmp, data):
    contract, theirs = their_file(data, tmp, vbp)
    base = os.path.join(tmp, "rec")
    page = os.path.join(tmp, "reconcile.html")
    p = run(vbp, "reconcile", "--data", data, "--contract", contract, "--theirs", theirs,
            "--out", base, "--html", page, "--exit-zero")
    check("vbp reconcile --html exits 0", p.returncode == 0, p.stderr)
    if p.returncode != 0:
        return
    report = json.load(open(base + ".json"))
    dom = chromium_dom(chromium, "file://" + page + "#layout-check", os.path.join(tmp, "p4"))
    check_layout(check, "reconcile", dom, ["summary", "total"])
    n = report["summary"]["differences"]
    row = total_row(dom)
    check("reconcile: TOTAL row counts %d differences" % n,
          ("%s differences" % "{:,}".format(n)) in row, row)
    check("reconcile: the differences table is there",
          'aria-label="differences"' in dom and n > 1, n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vbp", required=True)
    ap.add_argument("--chromium", default="")
    a = ap.parse_args()
    chromium = a.chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium or not os.path.exists(chromium):
        print("SKIP: no chromium binary (ops/install-deps installs Debian's chromium for ops/test)")
        return SKIP
    check = Checks()
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        p = run(a.vbp, "generate", "--members", "400", "--seed", "3", "--out", data)
        if p.returncode != 0:
            print("FAIL generate: " + p.stderr)
            return 1
        whatif(check, a.vbp, chromium, tmp, data)
        reconcile(check, a.vbp, chromium, tmp, data)
    print("%d passed, %d failed" % (check.passed, check.failed))
    return 0 if check.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
