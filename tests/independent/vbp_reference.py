#!/usr/bin/python3
"""Independent reference implementation of the settlement methodology (SPEC §2–§4).

Written from the customer's specification (/work/shared/SPEC.md) and the project's documented
decisions (rules/README.md, "Decisions where the SPEC is silent", cited below as D1–D13), without
reading the C++ engine. CI runs it next to `vbp settle` (tests/independent/compare.py) and on the
hand-computed golden cases (tests/golden/), so that two independent readings of the SPEC are
held to the same figures.

Usage:
  vbp_reference.py --data DIR [--rules FILE] [--as-of YYYY-MM-DD] --out statements.json
                   [--members members.ndjson] [--rejects rejects.ndjson]

DIR holds members.ndjson, providers.ndjson, contracts.ndjson and claims.ndjson (SPEC §2). Every
figure is an exact fractions.Fraction; money is rounded once, half to even, to cents when the
statement is written (SPEC §4). Standard library only.
"""

import argparse
import calendar
import datetime
import glob
import hashlib
import json
import os
import re
import sys
from fractions import Fraction

# ---------------------------------------------------------------------------------------------
# Numbers (SPEC §2 "money and rates are decimal strings", §4 rounding)
# ---------------------------------------------------------------------------------------------

ENROLLMENT_TYPES = ("esrd", "disabled", "aged_dual", "aged_nondual")  # SPEC §2 order
PROVIDER_CLASSES = ("pcp", "npp", "specialist", "other")
MONEY_ABS_MAX = Fraction(10) ** 12  # the engine bounds one input amount (domain/decimal.h)
RATE_DECIMALS = 10                  # D12: rates and person-years carry 10 decimals

_DECIMAL_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class JsonNumber:
    """A non-integer JSON number, kept as written so that its exactness can be judged."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return "JsonNumber(%s)" % self.text


def _no_duplicate_keys(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError("duplicate key %r" % k)
        obj[k] = v
    return obj


def load_json(text):
    """Parses JSON keeping non-integer numbers as JsonNumber (never a binary float); an object
    repeating a key is not a usable record."""
    return json.loads(text, parse_float=JsonNumber, object_pairs_hook=_no_duplicate_keys)


class Bad(Exception):
    """A record (or parameter) that cannot be used; the message names the field."""


def exact_decimal(value, field):
    """A decimal string "-?[0-9]+(.[0-9]+)?", an integer, or a JSON number whose binary value
    is exactly the decimal written (SPEC §2); returns a Fraction."""
    if isinstance(value, bool):
        raise Bad("%s: expected a decimal, got a boolean" % field)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str):
        if not _DECIMAL_TEXT.match(value):
            raise Bad("%s: %r is not a plain decimal" % (field, value))
        return Fraction(value)
    if isinstance(value, JsonNumber):
        try:
            written = Fraction(value.text)
        except (ValueError, ZeroDivisionError):
            raise Bad("%s: %r is not a number" % (field, value.text))
        if Fraction(float(value.text)) != written:
            raise Bad("%s: JSON number %s is not exact in binary; write it as a string"
                      % (field, value.text))
        return written
    raise Bad("%s: expected a decimal, got %s" % (field, type(value).__name__))


def money(value, field, nonnegative=False):
    """An amount of money: an exact decimal with at most 6 decimals (micro-dollars)."""
    v = exact_decimal(value, field)
    if (v * 10**6).denominator != 1:
        raise Bad("%s: more than 6 decimals" % field)
    if abs(v) > MONEY_ABS_MAX:
        raise Bad("%s: out of range" % field)
    if nonnegative and v < 0:
        raise Bad("%s: negative" % field)
    return v


def round_half_even(value, decimals):
    """round(value × 10^decimals) with ties to the even integer, on an exact Fraction."""
    scaled = Fraction(value) * 10**decimals
    q, r = divmod(scaled.numerator, scaled.denominator)  # floor division, 0 <= r < den
    twice = 2 * r
    if twice > scaled.denominator or (twice == scaled.denominator and q % 2 == 1):
        q += 1
    return q


def fmt_fixed(value, decimals):
    """value rounded half to even and written with exactly `decimals` places ("-12.50")."""
    q = round_half_even(value, decimals)
    sign = "-" if q < 0 else ""
    digits = str(abs(q)).rjust(decimals + 1, "0")
    if decimals == 0:
        return sign + digits
    return sign + digits[:-decimals] + "." + digits[-decimals:]


def fmt_money(value):
    return fmt_fixed(value, 2)


def fmt_rate(value):
    return fmt_fixed(value, RATE_DECIMALS)


def fmt_exact(value):
    """Exact decimal text of a terminating Fraction, at least 2 decimals ("12.50", "0.123456")."""
    value = Fraction(value)
    for decimals in range(2, 40):
        if (value * 10**decimals).denominator == 1:
            return fmt_fixed(value, decimals)
    return fmt_fixed(value, 40)


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

def parse_date(value, field):
    if not isinstance(value, str) or not _DATE_TEXT.match(value):
        raise Bad("%s: %r is not a YYYY-MM-DD date" % (field, value))
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Bad("%s: %r is not a calendar date" % (field, value))


def last_day_of_month(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def add_months(year, month, delta):
    """(year, month) moved by delta months."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


# ---------------------------------------------------------------------------------------------
# SPEC §2: records. Each decoder returns a plain dict of validated values or raises Bad.
# ---------------------------------------------------------------------------------------------

def _req(obj, key, where):
    if key not in obj or obj[key] is None:
        raise Bad("%s: missing" % (where + key))
    return obj[key]


def _str(obj, key, where, allow_empty=False):
    v = _req(obj, key, where)
    if not isinstance(v, str) or (not allow_empty and v == ""):
        raise Bad("%s: expected a non-empty string" % (where + key))
    return v


def _opt_str(obj, key, where):
    v = obj.get(key)
    if v is None:
        return ""
    if not isinstance(v, str):
        raise Bad("%s: expected a string" % (where + key))
    return v


def _int(obj, key, where, minimum=None):
    v = _req(obj, key, where)
    if isinstance(v, bool) or not isinstance(v, int):
        raise Bad("%s: expected an integer" % (where + key))
    if minimum is not None and v < minimum:
        raise Bad("%s: below %d" % (where + key, minimum))
    return v


def _enum(obj, key, where, allowed):
    v = _str(obj, key, where)
    if v not in allowed:
        raise Bad("%s: %r not one of %s" % (where + key, v, "|".join(allowed)))
    return v


def _str_list(obj, key, where, required=True):
    v = obj.get(key)
    if v is None:
        if required:
            raise Bad("%s: missing" % (where + key))
        return []
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise Bad("%s: expected a list of strings" % (where + key))
    return list(v)


def _schema(obj, expected):
    if not isinstance(obj, dict):
        raise Bad("record is not a JSON object")
    if obj.get("schema") != expected:
        raise Bad("schema: expected %r, got %r" % (expected, obj.get("schema")))


def decode_claim(obj):
    _schema(obj, "vbp.claim/1")
    frequency = _enum(obj, "frequency", "", ("original", "replacement", "void"))
    if frequency == "void":
        # A void needs only its identity (connectors/codec/README.md); what else it carries
        # is validated when present. Its lines never count.
        return decode_void(obj)
    return decode_claim_body(obj, frequency)


def decode_void(obj):
    full = {"claim_id": _str(obj, "claim_id", ""),
            "version": _int(obj, "version", "", minimum=1),
            "frequency": "void",
            "member_id": _str(obj, "member_id", "")}
    present = dict(obj)
    for k in ("billing_tin", "rendering_npi", "claim_type", "from_date", "through_date",
              "paid_date", "diagnoses", "lines"):
        if present.get(k) is None:
            present[k] = {"billing_tin": "", "rendering_npi": "", "claim_type": "professional",
                          "from_date": None, "through_date": None, "paid_date": None,
                          "diagnoses": [], "lines": []}[k]
    c = {}
    for k in ("from_date", "through_date", "paid_date"):
        c[k] = parse_date(present[k], k) if present[k] is not None else None
    for k in ("billing_tin", "rendering_npi"):
        if not isinstance(present[k], str):
            raise Bad("%s: expected a string" % k)
        c[k] = present[k]
    c["claim_type"] = present["claim_type"]
    if c["claim_type"] not in ("professional", "institutional"):
        raise Bad("claim_type: %r not one of professional|institutional" % c["claim_type"])
    c["diagnoses"] = tuple(_str_list(present, "diagnoses", ""))
    c["lines"] = decode_lines(present["lines"])
    for k in ("facility_npi", "bill_type", "discharge_status", "drg"):
        c[k] = _opt_str(obj, k, "")
    for k in ("admission_date", "discharge_date"):
        c[k] = parse_date(obj[k], k) if obj.get(k) is not None else None
    c["procedures"] = tuple(_str_list(obj, "procedures", "", required=False))
    c.update(full)
    return c


def decode_claim_body(obj, frequency):
    c = {
        "claim_id": _str(obj, "claim_id", ""),
        "version": _int(obj, "version", "", minimum=1),
        "frequency": frequency,
        "member_id": _str(obj, "member_id", ""),
        "billing_tin": _str(obj, "billing_tin", ""),
        "rendering_npi": _str(obj, "rendering_npi", ""),
        "claim_type": _enum(obj, "claim_type", "", ("professional", "institutional")),
        "from_date": parse_date(_req(obj, "from_date", ""), "from_date"),
        "through_date": parse_date(_req(obj, "through_date", ""), "through_date"),
        "paid_date": parse_date(_req(obj, "paid_date", ""), "paid_date"),
        "diagnoses": tuple(_str_list(obj, "diagnoses", "")),
        # Institutional extras: kept for the conflict test (they are SPEC §2 fields).
        "facility_npi": _opt_str(obj, "facility_npi", ""),
        "bill_type": _opt_str(obj, "bill_type", ""),
        "admission_date": (parse_date(obj["admission_date"], "admission_date")
                           if obj.get("admission_date") is not None else None),
        "discharge_date": (parse_date(obj["discharge_date"], "discharge_date")
                           if obj.get("discharge_date") is not None else None),
        "discharge_status": _opt_str(obj, "discharge_status", ""),
        "drg": _opt_str(obj, "drg", ""),
        "procedures": tuple(_str_list(obj, "procedures", "", required=False)),
    }
    c["lines"] = decode_lines(_req(obj, "lines", ""))
    if not c["lines"]:
        raise Bad("lines: at least one line unless the claim is a void")
    if c["through_date"] < c["from_date"]:
        raise Bad("through_date: before from_date")
    return c


def decode_lines(raw_lines):
    if not isinstance(raw_lines, list):
        raise Bad("lines: expected a list")
    lines = []
    for i, ln in enumerate(raw_lines):
        where = "lines[%d]." % i
        if not isinstance(ln, dict):
            raise Bad("lines[%d]: expected an object" % i)
        units = exact_decimal(_req(ln, "units", where), where + "units")
        if units < 0:
            raise Bad(where + "units: negative")
        lines.append({
            "line": _int(ln, "line", where),
            "hcpcs": _opt_str(ln, "hcpcs", where),
            "modifiers": tuple(_str_list(ln, "modifiers", where, required=False)),
            "units": units,
            "service_date": parse_date(_req(ln, "service_date", where), where + "service_date"),
            "pos": _opt_str(ln, "pos", where),
            "allowed": money(_req(ln, "allowed", where), where + "allowed", nonnegative=True),
            "paid": money(_req(ln, "paid", where), where + "paid", nonnegative=True),
            "revenue_code": _opt_str(ln, "revenue_code", where),
        })
    if len({ln["line"] for ln in lines}) != len(lines):
        raise Bad("lines: line numbers must be unique")
    lines.sort(key=lambda ln: ln["line"])  # a claim's lines in line-number order
    return lines


def _code(s):
    """Codes compare case-insensitively and without a dot ("e11.65" is "E1165")."""
    return s.replace(".", "").upper()


def claim_content(c):
    """Every SPEC §2 field of a claim, normalised, for "same version, different content":
    decimals by value, codes upper case without dots, extra fields ignored."""
    lines = []
    for ln in c["lines"]:
        d = dict(ln)
        d["hcpcs"] = _code(d["hcpcs"])
        d["modifiers"] = tuple(_code(x) for x in d["modifiers"])
        lines.append(tuple(sorted(d.items())))
    head = dict((k, v) for k, v in c.items() if k != "lines")
    head["diagnoses"] = tuple(_code(x) for x in head["diagnoses"])
    head["procedures"] = tuple(_code(x) for x in head["procedures"])
    return tuple(sorted(head.items())), tuple(lines)


def decode_member(obj):
    _schema(obj, "vbp.member/1")
    m = {
        "member_id": _str(obj, "member_id", ""),
        "birth_date": parse_date(_req(obj, "birth_date", ""), "birth_date"),
        "sex": _str(obj, "sex", ""),
        "aligned_npi": _opt_str(obj, "aligned_npi", "") or None,
        "risk_scores": {},
        "coverage": [],
    }
    raw_cov = _req(obj, "coverage", "")
    if not isinstance(raw_cov, list):
        raise Bad("coverage: expected a list")
    for i, span in enumerate(raw_cov):
        where = "coverage[%d]." % i
        if not isinstance(span, dict):
            raise Bad("coverage[%d]: expected an object" % i)
        frm = parse_date(_req(span, "from", where), where + "from")
        thr = parse_date(_req(span, "through", where), where + "through")
        if thr < frm:
            raise Bad(where + "through: before from")
        m["coverage"].append({
            "from": frm, "through": thr,
            "program": _str(span, "program", where),
            "enrollment_type": _enum(span, "enrollment_type", where, ENROLLMENT_TYPES),
        })
    scores = obj.get("risk_scores")
    if scores is not None:
        if not isinstance(scores, dict):
            raise Bad("risk_scores: expected an object")
        for year, score in scores.items():
            if not re.match(r"^[0-9]{4}$", year):
                raise Bad("risk_scores: key %r is not a year" % year)
            s = exact_decimal(score, "risk_scores." + year)
            if s < 0:
                raise Bad("risk_scores.%s: negative" % year)
            m["risk_scores"][int(year)] = s
    return m


def decode_provider(obj):
    _schema(obj, "vbp.provider/1")
    p = {
        "npi": _str(obj, "npi", ""),
        "tin": _str(obj, "tin", ""),
        "specialty": _opt_str(obj, "specialty", ""),
        "provider_class": _enum(obj, "provider_class", "", PROVIDER_CLASSES),
        "effective": parse_date(_req(obj, "effective", ""), "effective"),
        "termination": (parse_date(obj["termination"], "termination")
                        if obj.get("termination") is not None else None),
    }
    if p["termination"] is not None and p["termination"] < p["effective"]:
        raise Bad("termination: before effective")
    return p


def decode_contract(obj):
    _schema(obj, "vbp.contract/1")
    params = obj.get("parameters", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise Bad("parameters: expected an object")
    return {
        "contract_id": _str(obj, "contract_id", ""),
        "performance_year": _int(obj, "performance_year", "", minimum=1),
        "tins": _str_list(obj, "tins", ""),
        "rule_set": _str(obj, "rule_set", ""),
        "parameters": params,
    }


DECODERS = {
    "claims": decode_claim, "members": decode_member,
    "providers": decode_provider, "contracts": decode_contract,
}
SCHEMA_FILES = {
    "claims": "claim.schema.json", "members": "member.schema.json",
    "providers": "provider.schema.json", "contracts": "contract.schema.json",
}


def json_schema_validators(schema_dir):
    """Optional: the project's JSON schemas (schemas/*.schema.json), when jsonschema is present.
    A line they refuse is a reject here too, so that both sides read the same records."""
    out = {}
    try:
        import jsonschema  # Debian python3-jsonschema; optional
    except ImportError:
        return out
    for kind, name in SCHEMA_FILES.items():
        path = os.path.join(schema_dir, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            cls = jsonschema.validators.validator_for(schema)
            out[kind] = cls(schema, format_checker=getattr(cls, "FORMAT_CHECKER", None))
    return out


def read_records(data_dir, kind, validators, rejects):
    """Yields (position, decoded record) for every usable line of DIR/<kind>.ndjson, in file
    order; unusable lines go to `rejects` with their position and reason (SPEC §6)."""
    path = os.path.join(data_dir, kind + ".ndjson")
    if not os.path.exists(path):
        return
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            pos = "%s.ndjson:%d" % (kind, number)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                rejects.append({"source": pos, "kind": kind, "reason": "not UTF-8"})
                continue
            if text.strip() == "":
                continue
            try:
                obj = load_json(text)
            except ValueError as e:
                rejects.append({"source": pos, "kind": kind, "reason": "bad JSON: %s" % e})
                continue
            validator = validators.get(kind)
            if validator is not None:
                plain = json.loads(text)
                errors = sorted(validator.iter_errors(plain), key=lambda e: list(e.path))
                if errors:
                    e = errors[0]
                    rejects.append({"source": pos, "kind": kind,
                                    "reason": "schema: %s: %s" % (
                                        "/".join(str(p) for p in e.path), e.message)})
                    continue
            try:
                yield pos, DECODERS[kind](obj)
            except Bad as e:
                rejects.append({"source": pos, "kind": kind, "reason": str(e)})


# ---------------------------------------------------------------------------------------------
# SPEC §2: versioned state — claim versions, member/contract upserts, provider roster
# ---------------------------------------------------------------------------------------------

class ClaimLedger:
    """The effective version of every claim (SPEC §2).

    - a claim_id not seen before, or a higher version: becomes effective;
    - a lower version than the effective one: changes nothing (stale);
    - the same version, same content: a no-op (duplicate);
    - the same version, different content in a SPEC §2 field: a conflict, rejected; the version
      received first stays;
    - an effective `void` removes the claim; a `replacement` replaces all its lines.
    """

    def __init__(self):
        self.head = {}  # claim_id -> (claim, content)
        self.counts = {"applied": 0, "duplicate": 0, "stale": 0, "conflict": 0}

    def add(self, claim, pos, rejects):
        key = claim["claim_id"]
        content = claim_content(claim)
        current = self.head.get(key)
        if current is None or claim["version"] > current[0]["version"]:
            self.head[key] = (claim, content)
            self.counts["applied"] += 1
        elif claim["version"] < current[0]["version"]:
            self.counts["stale"] += 1
        elif content == current[1]:
            self.counts["duplicate"] += 1
        else:
            self.counts["conflict"] += 1
            rejects.append({"source": pos, "kind": "claims",
                            "reason": "claim %s version %d: same version, different content "
                                      "(the first received stays)" % (key, claim["version"])})

    def effective_claims(self):
        """Effective, non-void claims in claim_id order."""
        for key in sorted(self.head):
            claim = self.head[key][0]
            if claim["frequency"] != "void":
                yield claim


class Roster:
    """Provider records keyed by (npi, effective); `termination` is the last day a record
    applies (SPEC §2)."""

    def __init__(self):
        self.by_npi = {}  # npi -> {effective: record}

    def upsert(self, p):
        self.by_npi.setdefault(p["npi"], {})[p["effective"]] = p

    def known(self, npi):
        return npi in self.by_npi

    def records(self, npi):
        recs = self.by_npi.get(npi, {})
        return [recs[k] for k in sorted(recs)]

    def on(self, npi, day):
        """D5: the record with effective <= day <= termination; several: the latest effective."""
        best = None
        for r in self.records(npi):
            if r["effective"] <= day and (r["termination"] is None or day <= r["termination"]):
                best = r  # records are in effective order, so the last match is the latest
        return best

    def provider_class(self, npi, day):
        r = self.on(npi, day)
        return r["provider_class"] if r is not None else "other"


# ---------------------------------------------------------------------------------------------
# Rule sets and parameters (rules/README.md "Rule sets", "Parameters")
# ---------------------------------------------------------------------------------------------

def canonical_json(doc):
    """Keys sorted, no whitespace, UTF-8 (the rules_hash / parameters_hash input)."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(doc):
    return "sha256:" + hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def plain_json(value):
    """A document parsed with JsonNumber turned back into plain JSON values (for hashing)."""
    if isinstance(value, dict):
        return {k: plain_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_json(v) for v in value]
    if isinstance(value, JsonNumber):
        raise Bad("non-integer JSON number %s: write decimals as strings" % value.text)
    return value


class RuleSet:
    def __init__(self, doc, origin):
        if not isinstance(doc, dict) or doc.get("schema") != "vbp.rule_set/1":
            raise Bad("%s: not a vbp.rule_set/1 document" % origin)
        self.doc = plain_json(doc)
        self.name = doc.get("name")
        self.version = doc.get("version")
        if not isinstance(self.name, str) or not isinstance(self.version, str):
            raise Bad("%s: name and version must be strings" % origin)
        if not isinstance(doc.get("parameters"), dict):
            raise Bad("%s: parameters must be an object" % origin)
        self.id = "%s@%s" % (self.name, self.version)
        # performance_year is advisory (it changes no figure) and is not hashed.
        self.hash = sha256_of({k: v for k, v in self.doc.items() if k != "performance_year"})
        self.defaults = self.doc["parameters"]
        parse_parameters(self.defaults, self.id)  # every parameter present and well-typed


def load_rule_sets(extra_file):
    """The shipped rule sets (rules/sets/*.json) plus --rules FILE (which may replace one)."""
    registry = {}
    here = os.path.dirname(os.path.abspath(__file__))
    sets_dir = os.path.normpath(os.path.join(here, "..", "..", "rules", "sets"))
    paths = sorted(glob.glob(os.path.join(sets_dir, "*.json")))
    if extra_file:
        paths.append(extra_file)
    for path in paths:
        with open(path, encoding="utf-8") as f:
            rs = RuleSet(load_json(f.read()), path)
        registry[rs.id] = rs
    return registry


PARAMETER_NAMES = (
    "eligible_programs", "excluded_programs", "primary_care_codes", "exclude_in_pos",
    "assignment_window", "runout_months", "runout_cutoff", "truncation_threshold", "pmpm_tiers",
    "pmpm_unscored", "risk_score_source", "hcc_model",
    "completion_factor", "benchmark_pbpy", "baseline_risk", "risk_cap",
    "risk_model", "msr", "mlr", "quality_source", "quality_score", "quality_mode",
    "quality_threshold", "max_sharing_rate", "savings_cap", "payment_reduction", "loss_rate",
    "min_loss_rate", "max_loss_rate", "loss_cap", "quality_scoring",
)
MEMBER_LEVEL = PARAMETER_NAMES[:12]


class NotInReference(Exception):
    """A parameter value whose method the reference does not implement (it would otherwise
    differ silently from the engine)."""


def _p_decimal(v, name, lo=None, hi=None, lo_open=False):
    if isinstance(v, JsonNumber):
        raise Bad("%s: non-integer JSON number; write decimals as strings" % name)
    x = exact_decimal(v, name)
    if lo is not None and (x < lo or (lo_open and x == lo)):
        raise Bad("%s: %s out of range" % (name, v))
    if hi is not None and x > hi:
        raise Bad("%s: %s out of range" % (name, v))
    return x


def _p_money(v, name):
    """A non-negative amount of money with at most 6 decimals."""
    x = _p_decimal(v, name, 0)
    if (x * 10**6).denominator != 1 or x > MONEY_ABS_MAX:
        raise Bad("%s: not an amount of money (at most 6 decimals)" % name)
    return x


def _p_per_type(v, name, parse):
    """One value for all enrollment types, or an object with all four keys."""
    if isinstance(v, dict):
        if sorted(v) != sorted(ENROLLMENT_TYPES):
            raise Bad("%s: needs exactly the keys %s" % (name, ", ".join(ENROLLMENT_TYPES)))
        return {t: parse(v[t], "%s.%s" % (name, t)) for t in ENROLLMENT_TYPES}
    x = parse(v, name)
    return {t: x for t in ENROLLMENT_TYPES}


def _p_list_of_str(v, name):
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise Bad("%s: expected a list of strings" % name)
    return set(v)


def _p_schedule(v, name):
    """SPEC §3.6: a fixed rate or a band table [{"lo","hi","r_lo","r_hi"}, ..., {"lo","r_lo"}]."""
    if not isinstance(v, list):
        return {"fixed": _p_decimal(v, name, 0, 1)}
    bands = []
    for i, b in enumerate(v):
        where = "%s[%d]" % (name, i)
        if not isinstance(b, dict):
            raise Bad(where + ": expected an object")
        lo = b.get("lo")
        hi = b.get("hi")
        if isinstance(lo, bool) or not isinstance(lo, int):
            raise Bad(where + ".lo: expected an integer")
        if hi is not None and (isinstance(hi, bool) or not isinstance(hi, int) or hi < lo):
            raise Bad(where + ".hi: expected an integer >= lo")
        r_lo = _p_decimal(b.get("r_lo"), where + ".r_lo", 0, 1)
        r_hi = _p_decimal(b.get("r_hi"), where + ".r_hi", 0, 1) if hi is not None else r_lo
        bands.append({"lo": lo, "hi": hi, "r_lo": r_lo, "r_hi": r_hi})
    if not bands:
        raise Bad(name + ": empty band table")
    return {"fixed": None, "bands": bands}


def schedule_rate(schedule, n):
    """SPEC §3.6 band table by N: inclusive at both ends (the first band listed wins on a shared
    edge), linear inside a band, a last band without hi flat at r_lo, N below the first band at
    its r_lo, N above a closed last band at its r_hi (and, in a gap between bands, the r_hi of
    the band below, as documented in rules/core/parameters.h)."""
    if schedule["fixed"] is not None:
        return schedule["fixed"]
    bands = schedule["bands"]
    for b in bands:
        if b["hi"] is None:
            if n >= b["lo"]:
                return b["r_lo"]
        elif b["lo"] <= n <= b["hi"]:
            if b["hi"] == b["lo"]:
                return b["r_lo"]
            return b["r_lo"] + (b["r_hi"] - b["r_lo"]) * Fraction(n - b["lo"], b["hi"] - b["lo"])
    if n < bands[0]["lo"]:
        return bands[0]["r_lo"]
    below = [b for b in bands if b["hi"] is not None and b["hi"] < n]
    below.sort(key=lambda b: b["hi"])
    return below[-1]["r_hi"]


def parse_parameters(params, origin):
    """Checks and converts a merged parameter object (every parameter present)."""
    unknown = sorted(set(params) - set(PARAMETER_NAMES))
    if unknown:
        raise Bad("%s: unknown parameter %r" % (origin, unknown[0]))
    missing = [n for n in PARAMETER_NAMES if n not in params]
    if missing:
        raise Bad("%s: missing parameter %r" % (origin, missing[0]))
    P = {}
    P["eligible_programs"] = _p_list_of_str(params["eligible_programs"], "eligible_programs")
    P["excluded_programs"] = _p_list_of_str(params["excluded_programs"], "excluded_programs")
    P["primary_care_codes"] = _p_list_of_str(params["primary_care_codes"], "primary_care_codes")
    P["exclude_in_pos"] = []
    if not isinstance(params["exclude_in_pos"], list):
        raise Bad("exclude_in_pos: expected a list")
    for i, e in enumerate(params["exclude_in_pos"]):
        if not isinstance(e, dict):
            raise Bad("exclude_in_pos[%d]: expected an object" % i)
        P["exclude_in_pos"].append((_p_list_of_str(e.get("pos"), "exclude_in_pos.pos"),
                                    _p_list_of_str(e.get("codes"), "exclude_in_pos.codes")))
    w = params["assignment_window"]
    if w == "performance_year":
        P["assignment_window"] = ("performance_year",)
    elif isinstance(w, dict) and "from" in w:
        P["assignment_window"] = ("dates", parse_date(w["from"], "assignment_window.from"),
                                  parse_date(w.get("through"), "assignment_window.through"))
    elif isinstance(w, dict) and "start_offset_months" in w:
        if not all(isinstance(w.get(k), int) and not isinstance(w.get(k), bool)
                   for k in ("start_offset_months", "months")) or w["months"] < 1:
            raise Bad("assignment_window: offset and months must be integers, months >= 1")
        P["assignment_window"] = ("offset", w["start_offset_months"], w["months"])
    else:
        raise Bad("assignment_window: unrecognised value %r" % (w,))
    rm = params["runout_months"]
    if isinstance(rm, bool) or not isinstance(rm, int) or rm < 0:
        raise Bad("runout_months: expected an integer >= 0")
    P["runout_months"] = rm
    rc = params["runout_cutoff"]
    P["runout_cutoff"] = None if rc is None else parse_date(rc, "runout_cutoff")
    P["truncation_threshold"] = _p_per_type(
        params["truncation_threshold"], "truncation_threshold",
        _p_money)
    tiers = params["pmpm_tiers"]
    if not isinstance(tiers, list) or not tiers:
        raise Bad("pmpm_tiers: expected a non-empty list")
    P["pmpm_tiers"] = []
    for i, t in enumerate(tiers):
        n = "pmpm_tiers[%d]" % i
        if not isinstance(t, dict):
            raise Bad(n + ": expected an object")
        P["pmpm_tiers"].append((_p_decimal(t.get("min_risk_score"), n + ".min_risk_score", 0),
                                _p_money(t.get("pmpm"), n + ".pmpm")))
    mins = [t[0] for t in P["pmpm_tiers"]]
    if mins[0] != 0 or any(a >= b for a, b in zip(mins, mins[1:])):
        raise Bad("pmpm_tiers: min_risk_score must start at 0 and increase")
    P["pmpm_unscored"] = _p_money(params["pmpm_unscored"], "pmpm_unscored")
    P["completion_factor"] = _p_decimal(params["completion_factor"], "completion_factor",
                                        0, 10, lo_open=True)
    P["benchmark_pbpy"] = _p_per_type(
        params["benchmark_pbpy"], "benchmark_pbpy",
        _p_money)
    P["baseline_risk"] = _p_per_type(params["baseline_risk"], "baseline_risk",
                                     lambda v, n: _p_decimal(v, n, 0, lo_open=True))
    P["risk_cap"] = _p_decimal(params["risk_cap"], "risk_cap", 0)
    if params["risk_model"] not in ("one_sided", "two_sided"):
        raise Bad("risk_model: expected one_sided or two_sided")
    P["risk_model"] = params["risk_model"]
    P["msr"] = _p_schedule(params["msr"], "msr")
    P["mlr"] = _p_schedule(params["mlr"], "mlr")
    P["quality_score"] = _p_decimal(params["quality_score"], "quality_score", 0, 1)
    if params["quality_mode"] not in ("multiplier", "gate"):
        raise Bad("quality_mode: expected multiplier or gate")
    P["quality_mode"] = params["quality_mode"]
    for n in ("quality_threshold", "max_sharing_rate", "savings_cap", "payment_reduction",
              "min_loss_rate", "max_loss_rate", "loss_cap"):
        P[n] = _p_decimal(params[n], n, 0, 1)
    P["loss_rate"] = (None if params["loss_rate"] is None
                      else _p_decimal(params["loss_rate"], "loss_rate", 0, 1))
    # SPEC §3.5 literally: the member record's PY score ("record"). "record_else_hcc" (CMS-HCC
    # scores from claims, rules/hcc) is outside what this reference implements.
    if params["risk_score_source"] not in ("record", "record_else_hcc"):
        raise Bad("risk_score_source: expected record or record_else_hcc")
    P["risk_score_source"] = params["risk_score_source"]
    # SPEC §3.7: q is the quality_score parameter ("parameter"); "measures" (rules/quality) is
    # outside what this reference implements: settle_contract accepts it only where q cannot
    # change the money (see there).
    if params["quality_source"] not in ("parameter", "measures"):
        raise Bad("quality_source: expected parameter or measures")
    P["quality_source"] = params["quality_source"]
    return P


def require_reference_methods(P, origin):
    """Refuses, loudly, parameter values whose method the reference does not implement."""
    if P["risk_score_source"] != "record":
        raise NotInReference("%s: risk_score_source %r (HCC scores from claims) is not "
                             "implemented by the reference" % (origin, P["risk_score_source"]))
    # quality_source "measures" is checked contract by contract in settle_contract.


def runout_cutoff(P, year):
    """D7 / rules/README.md: `runout_cutoff` when set, else the last day of the month
    `runout_months` after the PY's December (PY 2025, 3 months -> 2026-03-31)."""
    if P["runout_cutoff"] is not None:
        return P["runout_cutoff"]
    y, m = add_months(year, 12, P["runout_months"])
    return last_day_of_month(y, m)


def assignment_window(P, year):
    """SPEC §3.2: the service dates that count for attribution, as [first, last] days."""
    w = P["assignment_window"]
    if w[0] == "performance_year":
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if w[0] == "dates":
        return w[1], w[2]
    y, m = add_months(year, 1, w[1])
    ey, em = add_months(y, m, w[2] - 1)
    return datetime.date(y, m, 1), last_day_of_month(ey, em)


# ---------------------------------------------------------------------------------------------
# SPEC §3.3 comparison units
# ---------------------------------------------------------------------------------------------

def unit_sort_key(unit):
    """D4: unit ids compare as byte strings; at equal ids a contract sorts first.
    A unit is ("contract", contract_id) or ("tin", tin)."""
    kind, uid = unit
    return (uid.encode("utf-8"), 0 if kind == "contract" else 1)


class UnitMap:
    """TIN -> contract for the contracts of one PY (D4: a TIN listed by two contracts counts
    for the smallest contract_id)."""

    def __init__(self, contracts):
        self.tin_to_contract = {}
        self.warnings = []
        for c in sorted(contracts, key=lambda c: c["contract_id"].encode("utf-8")):
            for tin in c["tins"]:
                owner = self.tin_to_contract.get(tin)
                if owner is None:
                    self.tin_to_contract[tin] = c["contract_id"]
                elif owner != c["contract_id"]:
                    self.warnings.append("TIN %s is listed by %s and %s; it counts for %s"
                                         % (tin, owner, c["contract_id"], owner))

    def unit_of(self, tin):
        cid = self.tin_to_contract.get(tin)
        return ("contract", cid) if cid is not None else ("tin", tin)

    def contract_of(self, tin):
        return self.tin_to_contract.get(tin)


# ---------------------------------------------------------------------------------------------
# SPEC §3.1–§3.4, §3.9: one member under one set of member-level parameters
# ---------------------------------------------------------------------------------------------

def month_types(member, P, year):
    """SPEC §3.1: the enrollment type of each eligible PY month (None = not eligible), and the
    exclusion that makes the member unassignable (None when assignable).

    D1: when several eligible-program spans cover a month's first day, the span that starts
    latest, then ends latest, then the smallest enrollment type (in SPEC §2 order: esrd,
    disabled, aged_dual, aged_nondual) types the month. Exclusion uses the same first-day rule.
    """
    types = [None] * 12
    exclusion = None
    for month in range(1, 13):
        first = datetime.date(year, month, 1)
        covering = [s for s in member["coverage"] if s["from"] <= first <= s["through"]]
        if exclusion is None:
            for s in covering:
                if s["program"] in P["excluded_programs"]:
                    exclusion = "%s covers %s" % (s["program"], first.isoformat())
                    break
        eligible = [s for s in covering if s["program"] in P["eligible_programs"]]
        if eligible:
            eligible.sort(key=lambda s: (-s["from"].toordinal(), -s["through"].toordinal(),
                                         ENROLLMENT_TYPES.index(s["enrollment_type"])))
            types[month - 1] = eligible[0]["enrollment_type"]
    return types, exclusion


class World:
    """Everything one performance year's evaluation reads besides the member's own records."""

    def __init__(self, year, units, roster, as_of, claims_by_npi):
        self.year = year
        self.units = units
        self.roster = roster
        self.as_of = as_of
        self.claims_by_npi = claims_by_npi  # rendering_npi -> effective claims (step 0 fallback)


def voluntary_alignment(member, P, world, paid_limit):
    """SPEC §3.3 step 0, read as D3: the aligned NPI's roster records whose [effective,
    termination] overlaps the PY and whose TIN belongs to a contract of the PY; several: the
    latest effective record (then the smallest contract_id). An NPI with no roster record at
    all falls back to claims it rendered in the PY under a contract TIN (most recent service,
    then the smallest contract_id). Returns a contract_id or None."""
    npi = member["aligned_npi"]
    if not npi:
        return None
    py_first, py_last = datetime.date(world.year, 1, 1), datetime.date(world.year, 12, 31)
    if world.roster.known(npi):
        candidates = []
        for r in world.roster.records(npi):
            if r["effective"] > py_last:
                continue
            if r["termination"] is not None and r["termination"] < py_first:
                continue
            cid = world.units.contract_of(r["tin"])
            if cid is not None:
                candidates.append((r["effective"], cid))
        if not candidates:
            return None
        candidates.sort(key=lambda x: (-x[0].toordinal(), x[1].encode("utf-8")))
        return candidates[0][1]
    # No roster record at all: the NPI's own claims (any member's) in the PY under a contract
    # TIN, counted only when paid by the cutoff and as-of (D7).
    best = None
    for claim in world.claims_by_npi.get(npi, ()):
        cid = world.units.contract_of(claim["billing_tin"])
        if cid is None or claim["paid_date"] > paid_limit:
            continue
        for ln in claim["lines"]:
            if py_first <= ln["service_date"] <= py_last:
                key = (-ln["service_date"].toordinal(), cid.encode("utf-8"))
                if best is None or key < best[0]:
                    best = (key, cid)
    return best[1] if best else None


def primary_care_tallies(claims, P, world, window, paid_limit, classes):
    """SPEC §3.2 and one step of §3.3: allowed amounts by unit over the member's primary care
    services rendered by a provider of `classes` (class on the service date, D5)."""
    tallies = {}  # unit -> [allowed, last service date, lines]
    unknown = set()
    for claim in claims:
        if claim["claim_type"] != "professional" or claim["paid_date"] > paid_limit:
            continue
        for ln in claim["lines"]:
            if ln["hcpcs"] not in P["primary_care_codes"]:
                continue
            if not (window[0] <= ln["service_date"] <= window[1]):
                continue
            if any(ln["pos"] in pos and ln["hcpcs"] in codes for pos, codes in P["exclude_in_pos"]):
                continue
            npi = claim["rendering_npi"]
            if not world.roster.known(npi):
                unknown.add(npi)
            if world.roster.provider_class(npi, ln["service_date"]) not in classes:
                continue
            unit = world.units.unit_of(claim["billing_tin"])
            t = tallies.setdefault(unit, [Fraction(0), ln["service_date"], 0])
            t[0] += ln["allowed"]
            t[1] = max(t[1], ln["service_date"])
            t[2] += 1
    return tallies, unknown


def rank_units(tallies):
    """SPEC §3.3: the largest sum wins; ties: the most recent qualifying service date, then the
    smallest unit id (D4)."""
    return sorted(tallies.items(), key=lambda kv: (-kv[1][0], -kv[1][1].toordinal(),
                                                   unit_sort_key(kv[0])))


def evaluate_member(member_id, member, claims, P, world):
    """One member, one PY, one set of member-level parameters."""
    year = world.year
    out = {"member_id": member_id, "performance_year": year, "contract_id": None, "step": None,
           "reason": None, "eligible_months": 0, "months": {t: 0 for t in ENROLLMENT_TYPES},
           "expenditure": {t: Fraction(0) for t in ENROLLMENT_TYPES},
           "truncated": {t: Fraction(0) for t in ENROLLMENT_TYPES},
           "risk_score": None, "pmpm_total": Fraction(0), "unknown_npis": set()}
    # D2: claims without a member record are never attributed.
    if member is None:
        out["reason"] = "unknown_member"
        return out

    # §3.1 eligible months and exclusion.
    types, exclusion = month_types(member, P, year)
    for t in types:
        if t is not None:
            out["months"][t] += 1
    out["eligible_months"] = sum(out["months"].values())
    out["risk_score"] = member["risk_scores"].get(year)

    # D7: "paid by the cutoff and the as-of date" = paid_date <= min(cutoff, as_of).
    paid_limit = min(runout_cutoff(P, year), world.as_of)

    # §3.4 expenditure: paid on every line (all claim types) with a service date in an eligible
    # PY month, in that month's enrollment type (D8), paid by the limit.
    for claim in claims:
        if claim["paid_date"] > paid_limit:
            continue
        for ln in claim["lines"]:
            d = ln["service_date"]
            if d.year != year or types[d.month - 1] is None:
                continue
            out["expenditure"][types[d.month - 1]] += ln["paid"]
    # Truncation per type: min(paid, threshold × months_of_type / 12), exact (D8).
    for t in ENROLLMENT_TYPES:
        cap = P["truncation_threshold"][t] * out["months"][t] / 12
        out["truncated"][t] = min(out["expenditure"][t], cap)

    if exclusion is not None:
        out["reason"] = "excluded_program"
        return out
    if out["eligible_months"] == 0:
        out["reason"] = "no_eligible_months"
        return out

    # §3.3 step 0: voluntary alignment.
    aligned = voluntary_alignment(member, P, world, paid_limit)
    if aligned is not None:
        out["contract_id"], out["step"] = aligned, 0
    else:
        # §3.2/§3.3 steps 1 and 2 (step 2 only when no step-1 service at any unit, D6).
        window = assignment_window(P, year)
        tallies, unknown = primary_care_tallies(claims, P, world, window, paid_limit,
                                                ("pcp", "npp"))
        out["unknown_npis"] |= unknown
        step = 1
        if not tallies:
            tallies, unknown = primary_care_tallies(claims, P, world, window, paid_limit,
                                                    ("specialist",))
            out["unknown_npis"] |= unknown
            step = 2
        if not tallies:
            out["reason"] = "no_qualifying_service"
            return out
        ranked = rank_units(tallies)
        winner = ranked[0][0]
        out["allowed"] = [(u, v[0]) for u, v in ranked]
        if winner[0] != "contract":
            out["reason"] = "won_by_other_unit"
            out["winner"] = winner
            return out
        out["contract_id"], out["step"] = winner[1], step

    # §3.9 care fee: the highest tier whose min_risk_score <= the PY score, × eligible months
    # (D11: every eligible month; unscored members pay pmpm_unscored).
    score = out["risk_score"]
    if score is None:
        fee = P["pmpm_unscored"]
    else:
        fee = [pm for lo, pm in P["pmpm_tiers"] if lo <= score][-1]
    out["pmpm_total"] = fee * out["eligible_months"]
    return out


# ---------------------------------------------------------------------------------------------
# SPEC §3.4–§3.9: contract figures; SPEC §4: the statement
# ---------------------------------------------------------------------------------------------

def settle_contract(contract, P, attributed):
    """Contract figures from its attributed members' evaluations (exact Fractions)."""
    months = {t: 0 for t in ENROLLMENT_TYPES}
    scored_months = {t: 0 for t in ENROLLMENT_TYPES}
    score_months = {t: Fraction(0) for t in ENROLLMENT_TYPES}
    truncated = Fraction(0)
    pmpm_total = Fraction(0)
    by_step = [0, 0, 0]
    for m in attributed:
        by_step[m["step"]] += 1
        for t in ENROLLMENT_TYPES:
            months[t] += m["months"][t]
            truncated += m["truncated"][t]
            if m["risk_score"] is not None:
                scored_months[t] += m["months"][t]
                score_months[t] += m["risk_score"] * m["months"][t]
        pmpm_total += m["pmpm_total"]
    n = len(attributed)

    # §3.4 contract expenditure = Σ truncated × completion factor.
    expenditure_total = truncated * P["completion_factor"]

    # §3.5 benchmark = Σ_type pbpy × risk ratio × person-years.
    benchmark_total = Fraction(0)
    by_type = {}
    for t in ENROLLMENT_TYPES:
        person_years_t = Fraction(months[t], 12)
        if scored_months[t] > 0:
            mean = score_months[t] / scored_months[t]
            ratio = min(1 + P["risk_cap"], mean / P["baseline_risk"][t])
        else:
            mean, ratio = None, Fraction(1)
        bench_t = P["benchmark_pbpy"][t] * ratio * person_years_t
        benchmark_total += bench_t
        by_type[t] = {"months": months[t], "person_years": fmt_rate(person_years_t),
                      "scored_months": scored_months[t],
                      "mean_risk_score": None if mean is None else fmt_rate(mean),
                      "risk_ratio": fmt_rate(ratio), "benchmark": fmt_money(bench_t)}
    person_years = Fraction(sum(months.values()), 12)

    # §3.6 savings, MSR and MLR (D9: savings rate 0 without a benchmark).
    gross = benchmark_total - expenditure_total
    savings_rate = gross / benchmark_total if benchmark_total != 0 else Fraction(0)
    msr = schedule_rate(P["msr"], n)
    two_sided = P["risk_model"] == "two_sided"
    mlr = schedule_rate(P["mlr"], n) if two_sided else Fraction(0)

    # §3.7 quality. When q comes from the claims-based measures (not implemented here), the
    # reference settles the contract only when q cannot change any money or outcome: one-sided
    # with a savings rate below the MSR shares nothing whatever q is (§3.8). q and the final
    # sharing rate are then left out of its statement (not compared); anything else is refused.
    if P.get("q_from_measures"):
        if two_sided or savings_rate >= msr:
            raise NotInReference(
                "contract %s: q from the claims-based measures would decide its money (savings "
                "rate %s, MSR %s, %s); the reference does not compute the measures"
                % (contract["contract_id"], fmt_rate(savings_rate), fmt_rate(msr),
                   P["risk_model"]))
        q = final_rate = None
    else:
        q = P["quality_score"]
        if P["quality_mode"] == "multiplier":
            final_rate = P["max_sharing_rate"] * q
        else:
            final_rate = P["max_sharing_rate"] if q >= P["quality_threshold"] else Fraction(0)

    # §3.8 shared savings / losses (D10: literal conditions).
    shared_savings = Fraction(0)
    shared_losses = Fraction(0)
    if P["loss_rate"] is not None:
        loss_rate = P["loss_rate"]
    elif final_rate is None:
        loss_rate = None  # depends on q; one-sided here, so no loss is ever shared
    else:
        loss_rate = min(max(1 - final_rate, P["min_loss_rate"]), P["max_loss_rate"])
    if savings_rate >= msr and final_rate > 0 and gross >= 0:
        outcome = "shared_savings"
        shared_savings = (min(gross * final_rate, P["savings_cap"] * benchmark_total)
                          * (1 - P["payment_reduction"]))
    elif two_sided and savings_rate <= -mlr:
        outcome = "shared_losses"
        shared_losses = min(-gross * loss_rate, P["loss_cap"] * benchmark_total)
    elif gross >= 0:
        outcome = "below_msr" if savings_rate < msr else "no_sharing_rate"
    else:
        outcome = "within_corridor" if two_sided else "losses_not_shared"

    return {
        "assigned_members": n, "members_by_step": by_step, "person_years": person_years,
        "benchmark_total": benchmark_total, "expenditure_total": expenditure_total,
        "gross_savings": gross, "savings_rate": savings_rate, "msr": msr, "mlr": mlr,
        "quality_score": q, "final_sharing_rate": final_rate, "loss_rate": loss_rate,
        "shared_savings": shared_savings, "shared_losses": shared_losses,
        "pmpm_total": pmpm_total, "outcome": outcome, "by_type": by_type,
    }


def statement(contract, rule_set, parameters_hash, as_of, cutoff, f):
    """SPEC §4: money rounded once, half to even, to cents; rates and person-years with 10
    decimals; net payment from the rounded figures (D12)."""
    ss, sl, pm = (round_half_even(f[k], 2) for k in ("shared_savings", "shared_losses",
                                                      "pmpm_total"))
    st = {
        "schema": "vbp.statement/1",
        "contract_id": contract["contract_id"],
        "performance_year": contract["performance_year"],
        "revision": 1,
        "as_of": as_of.isoformat(),
        "rule_set": rule_set.id,
        "rules_hash": rule_set.hash,
        "parameters_hash": parameters_hash,
        "assigned_members": f["assigned_members"],
        "person_years": fmt_rate(f["person_years"]),
        "benchmark_total": fmt_money(f["benchmark_total"]),
        "expenditure_total": fmt_money(f["expenditure_total"]),
        "gross_savings": fmt_money(f["gross_savings"]),
        "savings_rate": fmt_rate(f["savings_rate"]),
        "msr": fmt_rate(f["msr"]),
        "mlr": fmt_rate(f["mlr"]),
        "quality_score": None if f["quality_score"] is None else fmt_rate(f["quality_score"]),
        "final_sharing_rate": (None if f["final_sharing_rate"] is None
                               else fmt_rate(f["final_sharing_rate"])),  # dropped below when None
        "shared_savings": fmt_money(f["shared_savings"]),
        "shared_losses": fmt_money(f["shared_losses"]),
        "pmpm_total": fmt_money(f["pmpm_total"]),
        "net_payment": fmt_fixed(Fraction(ss - sl + pm, 100), 2),
        "detail": {
            "outcome": f["outcome"],
            "runout_cutoff": cutoff.isoformat(),
            "members_by_step": f["members_by_step"],
            "loss_rate": None if f["loss_rate"] is None else fmt_rate(f["loss_rate"]),
            "by_type": f["by_type"],
        },
    }
    if f["quality_score"] is None:
        # q from the claims-based measures: not computed here, so not in this statement (the
        # comparison then does not pin these fields); settle_contract checked that no money
        # depends on it.
        for k in ("quality_score", "final_sharing_rate"):
            del st[k]
        del st["detail"]["loss_rate"]
        st["detail"]["not_computed"] = {
            "fields": ["quality_score", "final_sharing_rate"],
            "reason": "quality_source measures: q is the composite of the claims-based quality "
                      "measures, which this reference does not implement; one-sided and below "
                      "the MSR, the statement's money and outcome do not depend on q"}
    return st


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------

def settle(data_dir, rules_file=None, as_of=None, schema_dir=None):
    rejects = []
    registry = load_rule_sets(rules_file)
    validators = json_schema_validators(schema_dir) if schema_dir else {}

    # SPEC §2: apply records in arrival (file) order.
    ledger = ClaimLedger()
    latest_paid = None
    for pos, claim in read_records(data_dir, "claims", validators, rejects):
        # D7: as-of defaults to the latest paid_date among the claim records read.
        if claim["paid_date"] is not None:
            latest_paid = (max(latest_paid, claim["paid_date"]) if latest_paid
                           else claim["paid_date"])
        ledger.add(claim, pos, rejects)
    members = {}
    for pos, m in read_records(data_dir, "members", validators, rejects):
        members[m["member_id"]] = m  # upsert, last wins
    roster = Roster()
    for pos, p in read_records(data_dir, "providers", validators, rejects):
        roster.upsert(p)  # upsert by (npi, effective)
    contract_records = {}
    for pos, c in read_records(data_dir, "contracts", validators, rejects):
        contract_records[c["contract_id"]] = (pos, c)  # upsert, last wins

    if as_of is None:
        if latest_paid is None:
            raise SystemExit("vbp_reference: no claim records and no --as-of")
        as_of = latest_paid

    # Contracts: resolve the rule set and merge parameters key by key; an unknown rule set or
    # a bad parameter makes the contract unusable (rules/README.md).
    contracts = []
    for cid in sorted(contract_records):
        pos, c = contract_records[cid]
        rs = registry.get(c["rule_set"])
        if rs is None:
            rejects.append({"source": pos, "kind": "contracts",
                            "reason": "rule_set: unknown %r" % c["rule_set"]})
            continue
        try:
            merged = dict(rs.defaults)
            merged.update(plain_json(c["parameters"]))
            P = parse_parameters(merged, "contract %s" % cid)
            require_reference_methods(P, "contract %s" % cid)
            # Decision 16: the contract's own quality_score stands over the measures; without
            # one, q is the measures' composite, which this reference does not compute.
            P["q_from_measures"] = (P["quality_source"] == "measures"
                                    and "quality_score" not in c["parameters"])
        except Bad as e:
            rejects.append({"source": pos, "kind": "contracts", "reason": str(e)})
            continue
        contracts.append({"record": c, "rule_set": rs, "P": P,
                          "parameters_hash": sha256_of(merged),
                          "member_key": canonical_json({k: merged[k] for k in MEMBER_LEVEL})})

    effective = list(ledger.effective_claims())
    claims_by_member = {}
    claims_by_npi = {}
    for claim in effective:
        claims_by_member.setdefault(claim["member_id"], []).append(claim)
        claims_by_npi.setdefault(claim["rendering_npi"], []).append(claim)

    statements = []
    member_lines = []
    years = sorted({c["record"]["performance_year"] for c in contracts})
    for year in years:
        of_year = [c for c in contracts if c["record"]["performance_year"] == year]
        # D13: all contracts of the PY are units in every evaluation.
        units = UnitMap([c["record"] for c in of_year])
        world = World(year, units, roster, as_of, claims_by_npi)
        member_ids = sorted(set(members) | set(claims_by_member))
        # Members are evaluated once per distinct set of member-level parameters.
        groups = {}
        for c in of_year:
            groups.setdefault(c["member_key"], []).append(c)
        for key in sorted(groups):
            group = groups[key]
            P = group[0]["P"]
            outcomes = {}
            for mid in member_ids:
                outcomes[mid] = evaluate_member(mid, members.get(mid),
                                                claims_by_member.get(mid, []), P, world)
                o = outcomes[mid]
                member_lines.append({
                    "member_id": mid, "performance_year": year,
                    "contracts_evaluated": [c["record"]["contract_id"] for c in group],
                    "contract_id": o["contract_id"], "step": o["step"],
                    "reason": o["reason"],
                    "eligible_months": o["eligible_months"],
                    "expenditure_total": fmt_exact(sum(o["expenditure"].values())),
                })
            for c in group:
                cid = c["record"]["contract_id"]
                attributed = [o for o in outcomes.values() if o["contract_id"] == cid]
                f = settle_contract(c["record"], c["P"], attributed)
                statements.append(statement(c["record"], c["rule_set"], c["parameters_hash"],
                                            as_of, runout_cutoff(c["P"], year), f))
    statements.sort(key=lambda s: (s["performance_year"], s["contract_id"].encode("utf-8")))
    member_lines.sort(key=lambda m: (m["performance_year"], m["contracts_evaluated"],
                                     m["member_id"].encode("utf-8")))
    return statements, member_lines, rejects, ledger.counts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="directory with the four NDJSON files")
    ap.add_argument("--rules", help="a rule set file (added to the shipped ones)")
    ap.add_argument("--as-of", help="YYYY-MM-DD; default: the latest paid_date read")
    ap.add_argument("--out", required=True, help="statements.json to write")
    ap.add_argument("--members", help="member lines (NDJSON) to write")
    ap.add_argument("--rejects", help="reject lines (NDJSON) to write")
    ap.add_argument("--schemas", help="directory of *.schema.json to validate records against "
                                      "(default: the repository's schemas/ when present)")
    args = ap.parse_args(argv)

    as_of = parse_date(args.as_of, "--as-of") if args.as_of else None
    schema_dir = args.schemas
    if schema_dir is None:
        here = os.path.dirname(os.path.abspath(__file__))
        schema_dir = os.path.normpath(os.path.join(here, "..", "..", "schemas"))
    statements, member_lines, rejects, counts = settle(args.data, args.rules, as_of, schema_dir)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(statements, f, indent=2, ensure_ascii=False)
        f.write("\n")
    if args.members:
        with open(args.members, "w", encoding="utf-8") as f:
            for m in member_lines:
                f.write(json.dumps(m, ensure_ascii=False) + "\n")
    if args.rejects:
        with open(args.rejects, "w", encoding="utf-8") as f:
            for r in rejects:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("vbp_reference: %d statements, %d rejects, claims %s"
          % (len(statements), len(rejects), counts), file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (Bad, NotInReference) as e:
        print("vbp_reference: %s" % e, file=sys.stderr)
        sys.exit(1)
