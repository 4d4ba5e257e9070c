#!/usr/bin/python3
"""Validates NDJSON records against the JSON Schemas in schemas/ (draft 2020-12).

Run it with Debian's /usr/bin/python3 (python3-jsonschema). A line is valid when
  1. it is one JSON object read exactly: numbers as decimals (never binary doubles), no
     NaN/Infinity, no repeated key in any object, no lone surrogate escape ("\\ud800");
  2. it validates against its schema, with format assertions ("date") on; and
  3. it passes the cross-field rules a JSON Schema cannot state (CROSS_FIELD_RULES below),
     which the record decoder (connectors/codec) enforces too.

Usage:
  validate.py --dir DIR [--max-lines N]
      Validates members.ndjson, providers.ndjson, contracts.ndjson and claims.ndjson in DIR
      (absent files are skipped). Lines listed in DIR/MANIFEST.json under "malformed"
      ({"file", "line", ...}: records corrupted on purpose by the generator) must FAIL; every
      other line must pass. Prints every line that breaks this; exit 1 when any does.
  validate.py --kind KIND FILE... [--max-lines N]
      Validates files of one kind (claim, member, provider, contract, statement, reject, or
      auto: each record's "schema" field decides). Exit 1 when any line fails.
  validate.py --verdicts --kind KIND FILE
      Prints "<line>\\tvalid|invalid\\t<reason>" for every non-blank line (line numbers count
      blank lines; CRLF and a leading byte order mark are handled as the C++ reader does).
  validate.py --fixtures DIR
      The fixture check: every line of DIR/good/*.ndjson must be valid and every line of
      DIR/bad/*.ndjson invalid. Exit 1 otherwise.
"""

import argparse
import json
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import jsonschema
import jsonschema.validators

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"

KIND_OF_SCHEMA_FIELD = {
    "vbp.claim/1": "claim",
    "vbp.member/1": "member",
    "vbp.provider/1": "provider",
    "vbp.contract/1": "contract",
    "vbp.statement/1": "statement",
}
KIND_OF_FILE = {
    "claims.ndjson": "claim",
    "members.ndjson": "member",
    "providers.ndjson": "provider",
    "contracts.ndjson": "contract",
    "statements.ndjson": "statement",
    "rejects.ndjson": "reject",
}
DIR_FILES = ["members.ndjson", "providers.ndjson", "contracts.ndjson", "claims.ndjson"]

CROSS_FIELD_RULES = {
    "claim": ["through_date >= from_date", "line numbers unique within the claim"],
    "member": ["coverage[i].through >= coverage[i].from"],
    "provider": ["termination >= effective"],
}

_validators = {}


def validator(kind):
    if kind not in _validators:
        path = SCHEMA_DIR / f"{kind}.schema.json"
        with open(path, encoding="utf-8") as f:
            # Decimal keeps multipleOf/minimum exact when instances are Decimals.
            schema = json.load(f, parse_float=Decimal)
        base = jsonschema.Draft202012Validator
        base.check_schema(json.loads(path.read_text(encoding="utf-8")))
        cls = jsonschema.validators.extend(base, {"multipleOf": _exact_multiple_of})
        _validators[kind] = cls(schema, format_checker=base.FORMAT_CHECKER)
    return _validators[kind]


def _exact_multiple_of(validator, divisor, instance, schema):
    """multipleOf in exact rational arithmetic (Decimal's % gives up on 1e400)."""
    if not validator.is_type(instance, "number"):
        return
    value = Decimal(instance)
    if value.is_zero():
        return
    if value.adjusted() > 1000:
        return  # an integer: a multiple of every divisor used here (1/64); bounds refuse it
    if value.adjusted() < -1000:
        failed = True  # nonzero and far below any divisor used here
    else:
        failed = (Fraction(value) / Fraction(Decimal(divisor))).denominator != 1
    if failed:
        yield jsonschema.ValidationError(f"{instance!r} is not a multiple of {divisor}")


class _NotJson(ValueError):
    pass


def _no_duplicate_keys(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise _NotJson(f"duplicate key {k!r}")
        obj[k] = v
    return obj


def _no_constants(name):
    raise _NotJson(f"{name} is not JSON")


def _no_lone_surrogates(value):
    # "\ud800" alone is JSON syntax but no Unicode text: records are UTF-8, so it is refused.
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if any("\ud800" <= ch <= "\udfff" for ch in v):
                raise _NotJson("a string holds a lone surrogate escape (not Unicode text)")
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def parse(text):
    value = json.loads(text, parse_float=Decimal, object_pairs_hook=_no_duplicate_keys,
                       parse_constant=_no_constants)
    _no_lone_surrogates(value)
    return value


def _is_date(v):
    # Only compared once the schema (pattern + format) accepted the record.
    return isinstance(v, str) and len(v) == 10


def cross_field_errors(kind, rec):
    errors = []
    if kind == "claim":
        f, t = rec.get("from_date"), rec.get("through_date")
        if _is_date(f) and _is_date(t) and t < f:
            errors.append(f"through_date: {t} is before from_date {f}")
        seen = {}
        for i, line in enumerate(rec.get("lines") or []):
            n = line.get("line") if isinstance(line, dict) else None
            if isinstance(n, int) and not isinstance(n, bool):
                if n in seen:
                    errors.append(f"lines[{i}].line: duplicate line number {n} "
                                  f"(also at lines[{seen[n]}])")
                else:
                    seen[n] = i
    elif kind == "member":
        for i, cov in enumerate(rec.get("coverage") or []):
            if isinstance(cov, dict):
                f, t = cov.get("from"), cov.get("through")
                if _is_date(f) and _is_date(t) and t < f:
                    errors.append(f"coverage[{i}].through: {t} is before from {f}")
    elif kind == "provider":
        e, t = rec.get("effective"), rec.get("termination")
        if _is_date(e) and _is_date(t) and t < e:
            errors.append(f"termination: {t} is before effective {e}")
    return errors


def _path(error):
    out = ""
    for p in error.absolute_path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def check_line(text, kind):
    """Returns None when the line is valid, else a reason."""
    try:
        rec = parse(text)
    except (ValueError, RecursionError) as e:
        return f"not valid JSON: {e}"
    if kind == "auto":
        schema_field = rec.get("schema") if isinstance(rec, dict) else None
        kind = KIND_OF_SCHEMA_FIELD.get(schema_field) if isinstance(schema_field, str) else None
        if kind is None:
            return f"unknown schema {schema_field!r}"
    errors = sorted(validator(kind).iter_errors(rec), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        return f"{_path(e) or '(record)'}: {e.message}"[:500]
    cross = cross_field_errors(kind, rec)
    if cross:
        return cross[0]
    return None


def lines_of(path):
    """(line number, text) of every non-blank line, as connectors/files/ndjson_file.h reads."""
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    for n, raw in enumerate(parts, start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if raw.strip(b" \t\r") == b"":
            continue
        try:
            yield n, raw.decode("utf-8")
        except UnicodeDecodeError:
            yield n, None


def validate_file(path, kind, max_lines=None, report=print, expect_invalid=frozenset()):
    """Validates every line; returns (lines checked, lines breaking the expectation).

    Lines whose number is in `expect_invalid` must fail; all others must pass."""
    checked = wrong = 0
    for n, text in lines_of(path):
        if max_lines is not None and checked >= max_lines:
            break
        checked += 1
        reason = "not valid UTF-8" if text is None else check_line(text, kind)
        if n in expect_invalid:
            if reason is None:
                wrong += 1
                report(f"{path}:{n}: listed as malformed in MANIFEST.json but valid")
        elif reason is not None:
            wrong += 1
            report(f"{path}:{n}: {reason}")
    return checked, wrong


def manifest_malformed(directory):
    """{file name: {line numbers}} of the records MANIFEST.json lists as malformed."""
    path = Path(directory) / "MANIFEST.json"
    out = {}
    if not path.exists():
        return out
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    for m in manifest.get("malformed", []) if isinstance(manifest, dict) else []:
        if isinstance(m, dict) and isinstance(m.get("file"), str) and isinstance(m.get("line"), int):
            out.setdefault(m["file"], set()).add(m["line"])
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", help="validate members/providers/contracts/claims.ndjson in DIR")
    ap.add_argument("--kind", choices=sorted(set(KIND_OF_FILE.values())) + ["auto"])
    ap.add_argument("--verdicts", action="store_true", help="print a verdict for every line")
    ap.add_argument("--fixtures", help="check DIR/good/*.ndjson pass and DIR/bad/*.ndjson fail")
    ap.add_argument("--max-lines", type=int, default=None, help="check at most N lines per file")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args(argv)

    if args.fixtures:
        root = Path(args.fixtures)
        bad_count = 0
        total = 0
        for expect_valid, sub in ((True, "good"), (False, "bad")):
            for path in sorted((root / sub).glob("*.ndjson")):
                kind = KIND_OF_FILE.get(path.name, "auto")
                for n, text in lines_of(path):
                    total += 1
                    reason = "not valid UTF-8" if text is None else check_line(text, kind)
                    if (reason is None) != expect_valid:
                        bad_count += 1
                        what = "should be valid" if expect_valid else "should be invalid"
                        print(f"{path}:{n}: {what}" + (f": {reason}" if reason else ""))
        print(f"fixtures: {total} lines checked, {bad_count} wrong")
        return 1 if bad_count or total == 0 else 0

    if args.verdicts:
        if not args.kind or len(args.files) != 1:
            ap.error("--verdicts needs --kind and one FILE")
        for n, text in lines_of(args.files[0]):
            reason = "not valid UTF-8" if text is None else check_line(text, args.kind)
            verdict = "valid" if reason is None else "invalid"
            print(f"{n}\t{verdict}\t{(reason or '').replace(chr(10), ' ')}")
        return 0

    if args.dir:
        d = Path(args.dir)
        malformed = manifest_malformed(d)
        found = 0
        failed_total = 0
        for name in DIR_FILES:
            path = d / name
            if not path.exists():
                print(f"{path}: absent, skipped")
                continue
            found += 1
            expected_bad = malformed.get(name, set())
            checked, failed = validate_file(path, KIND_OF_FILE[name], args.max_lines,
                                            expect_invalid=expected_bad)
            failed_total += failed
            print(f"{path}: {checked} lines checked ({len(expected_bad)} listed as malformed), "
                  f"{failed} wrong")
        if found == 0:
            print(f"{d}: none of {', '.join(DIR_FILES)} found")
            return 1
        return 1 if failed_total else 0

    if args.kind and args.files:
        failed_total = 0
        for f in args.files:
            checked, failed = validate_file(f, args.kind, args.max_lines)
            failed_total += failed
            print(f"{f}: {checked} lines checked, {failed} failed")
        return 1 if failed_total else 0

    ap.error("give --dir DIR, --fixtures DIR, or --kind KIND FILE...")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
