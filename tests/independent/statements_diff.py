"""Field-by-field comparison of statement arrays (SPEC §4), shared by compare.py and the golden
runner. Figures compare as exact strings: two implementations agree only when they write the
same cents and the same 10-decimal rates."""

import json

# SPEC §4 statement fields plus parameters_hash (rules/README.md), in statement order.
IDENTITY_FIELDS = ("schema", "contract_id", "performance_year", "revision", "as_of", "rule_set",
                   "rules_hash", "parameters_hash")
FIGURE_FIELDS = ("assigned_members", "person_years", "benchmark_total", "expenditure_total",
                 "gross_savings", "savings_rate", "msr", "mlr", "quality_score",
                 "final_sharing_rate", "shared_savings", "shared_losses", "pmpm_total",
                 "net_payment")
STATEMENT_FIELDS = IDENTITY_FIELDS + FIGURE_FIELDS


def load_statements(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if isinstance(doc, dict) and "statements" in doc:  # tolerate a wrapped array
        doc = doc["statements"]
    if not isinstance(doc, list):
        raise ValueError("%s: expected a JSON array of statements" % path)
    return doc


def _key(s):
    return (s.get("performance_year"), s.get("contract_id"))


def diff_statements(expected, actual, expected_name="expected", actual_name="actual",
                    fields=STATEMENT_FIELDS):
    """Returns a list of human-readable difference lines (empty when they agree). Only fields
    present in `expected` are compared when `expected` omits some (a golden file may leave out
    the hashes); every field is compared when both sides carry it."""
    out = []
    exp_keys = [_key(s) for s in expected]
    act_keys = [_key(s) for s in actual]
    if exp_keys != sorted(exp_keys, key=lambda k: (k[0], str(k[1]).encode())):
        out.append("%s: statements not sorted by (performance_year, contract_id)" % expected_name)
    if act_keys != sorted(act_keys, key=lambda k: (k[0], str(k[1]).encode())):
        out.append("%s: statements not sorted by (performance_year, contract_id)" % actual_name)
    exp = {_key(s): s for s in expected}
    act = {_key(s): s for s in actual}
    for k in sorted(set(exp) | set(act), key=lambda k: (k[0], str(k[1]).encode())):
        label = "PY %s contract %s" % k
        if k not in act:
            out.append("%s: only in %s" % (label, expected_name))
            continue
        if k not in exp:
            out.append("%s: only in %s" % (label, actual_name))
            continue
        e, a = exp[k], act[k]
        for f in fields:
            if f not in e and f not in a:
                continue
            if f not in e:
                continue  # the expected file does not pin this field
            if f not in a:
                out.append("%s: %-20s %s=%s  %s=<absent>" % (label, f, expected_name,
                                                            json.dumps(e[f]), actual_name))
            elif e[f] != a[f]:
                out.append("%s: %-20s %s=%s  %s=%s" % (label, f, expected_name, json.dumps(e[f]),
                                                      actual_name, json.dumps(a[f])))
        # SPEC §4: net payment from the rounded figures, in both files.
        for name, s in ((actual_name, a),):
            try:
                from fractions import Fraction
                net = (Fraction(s["shared_savings"]) - Fraction(s["shared_losses"])
                       + Fraction(s["pmpm_total"]))
                if Fraction(s["net_payment"]) != net:
                    out.append("%s: %s net_payment %s != shared_savings - shared_losses + "
                               "pmpm_total" % (label, name, s["net_payment"]))
            except (KeyError, ValueError, TypeError):
                pass
    return out
