#include "engine/state/binary_codec.h"

#include <charconv>
#include <limits>

namespace vbp::binary {

constexpr uint8_t kFormat = 1;

void Writer::Varint(uint64_t v) {
  char buf[10];  // 64 bits in 7-bit groups; one append instead of one push_back per byte
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out_.append(buf, n);
}

void Writer::Str(std::string_view s) {
  Varint(s.size());
  out_.append(s);
}

void Writer::OptDate(const std::optional<vbp::Date>& d) {
  U8(d ? 1 : 0);
  if (d) Date(*d);
}

void Writer::Big(const BigInt& v) {
  if (v >= std::numeric_limits<int64_t>::min() && v <= std::numeric_limits<int64_t>::max()) {
    Int(static_cast<int64_t>(v));
  } else {
    Str(v.str());
  }
}

void Writer::Int(int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  Str(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

void Writer::Money(const vbp::Money& m) {
  const Int128& v = m.micros();
  if (v >= std::numeric_limits<int64_t>::min() && v <= std::numeric_limits<int64_t>::max()) {
    Int(static_cast<int64_t>(v));
  } else {
    Str(BigInt(v).str());
  }
}

void Writer::Rat(const Rational& v) {
  Big(boost::multiprecision::numerator(v));
  Big(boost::multiprecision::denominator(v));
}

uint8_t Reader::U8() {
  if (pos_ >= in_.size()) {
    ok_ = false;
    return 0;
  }
  return static_cast<uint8_t>(in_[pos_++]);
}

uint64_t Reader::Varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= in_.size()) {
      ok_ = false;
      return 0;
    }
    uint8_t b = static_cast<uint8_t>(in_[pos_++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  ok_ = false;
  return 0;
}

std::string_view Reader::StrView() {
  uint64_t n = Varint();
  if (!ok_ || n > in_.size() - pos_) {
    ok_ = false;
    return {};
  }
  std::string_view s = in_.substr(pos_, n);
  pos_ += n;
  return s;
}

std::string Reader::Str() { return std::string(StrView()); }

bool Reader::ValidDigits(std::string_view s) {
  if (s.empty() || s.size() > 200) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!((s[i] >= '0' && s[i] <= '9') || (i == 0 && s[i] == '-' && s.size() > 1))) return false;
  }
  // Canonical as the writer makes them: no leading zero, no "-0". (A leading zero would also
  // make Boost read the digits as octal, and throw on an 8 or 9: found by fuzz_state_values.)
  const size_t first = s[0] == '-' ? 1 : 0;
  return !(s[first] == '0' && (s.size() - first > 1 || first == 1));
}

std::optional<vbp::Date> Reader::OptDate() {
  if (U8() == 0) return std::nullopt;
  return Date();
}

BigInt Reader::Big() {
  std::string_view s = StrView();
  if (!ok_ || !ValidDigits(s)) {
    ok_ = false;
    return 0;
  }
  int64_t v = 0;
  if (s.size() <= 18) {  // fits in 64 bits whatever the digits
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
  }
  return BigInt(std::string(s));
}

vbp::Money Reader::Money() {
  std::string_view s = StrView();
  if (!ok_ || !ValidDigits(s)) {
    ok_ = false;
    return {};
  }
  int64_t v = 0;
  if (s.size() <= 18) {
    std::from_chars(s.data(), s.data() + s.size(), v);
    return vbp::Money::FromMicros(Int128(v));
  }
  BigInt b{std::string(s)};
  // Beyond 128 bits the value cannot be a Money this engine wrote.
  if (boost::multiprecision::msb(boost::multiprecision::abs(b)) >= 127) {
    ok_ = false;
    return {};
  }
  return vbp::Money::FromMicros(Int128(b));
}

Rational Reader::Rat() {
  BigInt n = Big();
  BigInt d = Big();
  // The writer's rationals are canonical: denominator > 0 (Boost throws on some negative
  // ones: found by fuzz_state_values).
  if (!ok_ || d <= 0) {
    ok_ = false;
    return 0;
  }
  return Rational(n, d);
}

namespace {

void Pos(Writer& w, const SourcePos& p) {
  w.Str(p.source);
  w.Signed(p.partition);
  w.Signed(p.position);
}

SourcePos Pos(Reader& r) {
  SourcePos p;
  p.source = r.Str();
  p.partition = static_cast<int32_t>(r.Signed());
  p.position = r.Signed();
  return p;
}

void Hash(Writer& w, const std::array<uint64_t, 2>& h) {
  w.Varint(h[0]);
  w.Varint(h[1]);
}

std::array<uint64_t, 2> Hash(Reader& r) {
  uint64_t a = r.Varint();
  uint64_t b = r.Varint();
  return {a, b};
}

void Strings(Writer& w, const std::vector<std::string>& v) {
  w.Varint(v.size());
  for (const auto& s : v) w.Str(s);
}

std::vector<std::string> Strings(Reader& r) {
  uint64_t n = r.Varint();
  std::vector<std::string> v;
  for (uint64_t i = 0; i < n && r.ok(); ++i) v.push_back(r.Str());
  return v;
}

template <typename T>
Result<T> Finish(Reader& r, T value, const char* what) {
  if (!r.ok() || !r.AtEnd()) {
    return Status::Corruption(std::string("corrupt ") + what + " value in the state store. " +
                              kCorruptionAdvice);
  }
  return value;
}

bool StartRead(Reader& r) { return r.U8() == kFormat; }

}  // namespace

std::string EncodeClaim(const Claim& c) {
  Writer w;
  w.U8(kFormat);
  w.Str(c.claim_id.str());
  w.Signed(c.version);
  w.U8(static_cast<uint8_t>(c.frequency));
  w.Str(c.member_id.str());
  w.Str(c.billing_tin.str());
  w.Str(c.rendering_npi.str());
  w.U8(static_cast<uint8_t>(c.claim_type));
  w.Date(c.from_date);
  w.Date(c.through_date);
  w.Date(c.paid_date);
  Strings(w, c.diagnoses);
  w.Varint(c.lines.size());
  for (const auto& l : c.lines) {
    w.Signed(l.line);
    w.Str(l.hcpcs);
    Strings(w, l.modifiers);
    w.Str(l.units);
    w.Date(l.service_date);
    w.Str(l.pos);
    w.Money(l.allowed);
    w.Money(l.paid);
    w.Str(l.revenue_code);
  }
  w.Str(c.facility_npi);
  w.Str(c.bill_type);
  w.OptDate(c.admission_date);
  w.OptDate(c.discharge_date);
  w.Str(c.discharge_status);
  w.Str(c.drg);
  Strings(w, c.procedures);
  Hash(w, c.content_hash);
  Pos(w, c.source);
  return w.Take();
}

Result<Claim> DecodeClaim(std::string_view bytes) {
  Reader r(bytes);
  if (!StartRead(r)) return Status::DataLoss("claim value has an unknown format version");
  Claim c;
  c.claim_id = ClaimId(r.Str());
  c.version = r.Signed();
  c.frequency = static_cast<Frequency>(r.U8());
  c.member_id = MemberId(r.Str());
  c.billing_tin = Tin(r.Str());
  c.rendering_npi = Npi(r.Str());
  c.claim_type = static_cast<ClaimType>(r.U8());
  c.from_date = r.Date();
  c.through_date = r.Date();
  c.paid_date = r.Date();
  c.diagnoses = Strings(r);
  uint64_t n = r.Varint();
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    ClaimLine l;
    l.line = static_cast<int32_t>(r.Signed());
    l.hcpcs = r.Str();
    l.modifiers = Strings(r);
    l.units = r.Str();
    l.service_date = r.Date();
    l.pos = r.Str();
    l.allowed = r.Money();
    l.paid = r.Money();
    l.revenue_code = r.Str();
    c.lines.push_back(std::move(l));
  }
  c.facility_npi = r.Str();
  c.bill_type = r.Str();
  c.admission_date = r.OptDate();
  c.discharge_date = r.OptDate();
  c.discharge_status = r.Str();
  c.drg = r.Str();
  c.procedures = Strings(r);
  c.content_hash = Hash(r);
  c.source = Pos(r);
  return Finish(r, std::move(c), "claim");
}

std::string EncodeMember(const Member& m) {
  Writer w;
  w.U8(kFormat);
  w.Str(m.member_id.str());
  w.Date(m.birth_date);
  w.U8(static_cast<uint8_t>(m.sex));
  w.Varint(m.coverage.size());
  for (const auto& c : m.coverage) {
    w.Date(c.from);
    w.Date(c.through);
    w.Str(c.program);
    w.U8(static_cast<uint8_t>(c.enrollment_type));
  }
  w.U8(m.aligned_npi ? 1 : 0);
  if (m.aligned_npi) w.Str(m.aligned_npi->str());
  w.Varint(m.risk_scores.size());
  for (const auto& [year, score] : m.risk_scores) {
    w.Signed(year);
    w.Rat(score);
  }
  w.U8(m.orec ? 1 : 0);
  if (m.orec) w.Str(*m.orec);
  w.U8(m.medicaid ? (*m.medicaid ? 2 : 1) : 0);
  Hash(w, m.content_hash);
  Pos(w, m.source);
  return w.Take();
}

Result<Member> DecodeMember(std::string_view bytes) {
  Reader r(bytes);
  if (!StartRead(r)) return Status::DataLoss("member value has an unknown format version");
  Member m;
  m.member_id = MemberId(r.Str());
  m.birth_date = r.Date();
  m.sex = static_cast<Sex>(r.U8());
  uint64_t n = r.Varint();
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    Coverage c;
    c.from = r.Date();
    c.through = r.Date();
    c.program = r.Str();
    c.enrollment_type = static_cast<EnrollmentType>(r.U8());
    m.coverage.push_back(std::move(c));
  }
  if (r.U8()) m.aligned_npi = Npi(r.Str());
  n = r.Varint();
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    int year = static_cast<int>(r.Signed());
    m.risk_scores[year] = r.Rat();
  }
  if (r.U8()) m.orec = r.Str();
  uint8_t med = r.U8();
  if (med) m.medicaid = med == 2;
  m.content_hash = Hash(r);
  m.source = Pos(r);
  return Finish(r, std::move(m), "member");
}

std::string EncodeProvider(const Provider& p) {
  Writer w;
  w.U8(kFormat);
  w.Str(p.npi.str());
  w.Str(p.tin.str());
  w.Str(p.specialty);
  w.U8(static_cast<uint8_t>(p.provider_class));
  w.Date(p.effective);
  w.OptDate(p.termination);
  Hash(w, p.content_hash);
  Pos(w, p.source);
  return w.Take();
}

Result<Provider> DecodeProvider(std::string_view bytes) {
  Reader r(bytes);
  if (!StartRead(r)) return Status::DataLoss("provider value has an unknown format version");
  Provider p;
  p.npi = Npi(r.Str());
  p.tin = Tin(r.Str());
  p.specialty = r.Str();
  p.provider_class = static_cast<ProviderClass>(r.U8());
  p.effective = r.Date();
  p.termination = r.OptDate();
  p.content_hash = Hash(r);
  p.source = Pos(r);
  return Finish(r, std::move(p), "provider");
}

std::string EncodeContract(const Contract& c) {
  Writer w;
  w.U8(kFormat);
  w.Str(c.contract_id.str());
  w.Signed(c.performance_year);
  w.Varint(c.tins.size());
  for (const auto& t : c.tins) w.Str(t.str());
  w.Str(c.rule_set);
  w.Str(c.parameters_json);
  Hash(w, c.content_hash);
  Pos(w, c.source);
  return w.Take();
}

Result<Contract> DecodeContract(std::string_view bytes) {
  Reader r(bytes);
  if (!StartRead(r)) return Status::DataLoss("contract value has an unknown format version");
  Contract c;
  c.contract_id = ContractId(r.Str());
  c.performance_year = static_cast<int>(r.Signed());
  uint64_t n = r.Varint();
  for (uint64_t i = 0; i < n && r.ok(); ++i) c.tins.push_back(Tin(r.Str()));
  c.rule_set = r.Str();
  c.parameters_json = r.Str();
  c.content_hash = Hash(r);
  c.source = Pos(r);
  return Finish(r, std::move(c), "contract");
}

std::string EncodeAggregate(const rules::ContractAggregate& a) {
  Writer w;
  w.U8(kFormat);
  w.Signed(a.assigned_members);
  for (int64_t s : a.members_by_step) w.Signed(s);
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    w.Signed(a.months[t]);
    w.Signed(a.scored_months[t]);
    w.Rat(a.score_months[t]);
    w.Big(BigInt(a.expenditure_micros[t]));
    w.Big(BigInt(a.truncated_x12_micros[t]));
  }
  w.Big(BigInt(a.pmpm_micros));
  w.Varint(a.measures.size());
  for (const auto& [id, t] : a.measures) {
    w.Str(id);
    w.Signed(t.denominator);
    w.Signed(t.exclusions);
    w.Signed(t.numerator);
  }
  const rules::DataQualityTally& q = a.data_quality;
  w.Signed(q.rejected_claim_records);
  w.Big(BigInt(q.rejected_paid_micros));
  w.Signed(q.superseded_claim_records);
  for (int64_t count : q.code_warnings) w.Signed(count);
  w.Signed(q.unknown_member_claims);
  w.Big(BigInt(q.unknown_member_paid_micros));
  w.Varint(q.unknown_npis.size());
  for (const auto& [npi, n] : q.unknown_npis) {
    w.Str(npi);
    w.Signed(n);
  }
  w.Signed(q.members_with_overlapping_coverage);
  w.Signed(q.overlapping_coverage_months);
  return w.Take();
}

Result<rules::ContractAggregate> DecodeAggregate(std::string_view bytes) {
  Reader r(bytes);
  if (!StartRead(r)) return Status::DataLoss("aggregate value has an unknown format version");
  rules::ContractAggregate a;
  a.assigned_members = r.Signed();
  for (auto& s : a.members_by_step) s = r.Signed();
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    a.months[t] = r.Signed();
    a.scored_months[t] = r.Signed();
    a.score_months[t] = r.Rat();
    a.expenditure_micros[t] = Int128(r.Big());
    a.truncated_x12_micros[t] = Int128(r.Big());
  }
  a.pmpm_micros = Int128(r.Big());
  uint64_t n = r.Varint();
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    std::string id = r.Str();
    rules::quality::MeasureTally t;
    t.denominator = r.Signed();
    t.exclusions = r.Signed();
    t.numerator = r.Signed();
    a.measures[id] = t;
  }
  rules::DataQualityTally& q = a.data_quality;
  q.rejected_claim_records = r.Signed();
  q.rejected_paid_micros = Int128(r.Big());
  q.superseded_claim_records = r.Signed();
  for (int64_t& count : q.code_warnings) count = r.Signed();
  q.unknown_member_claims = r.Signed();
  q.unknown_member_paid_micros = Int128(r.Big());
  const uint64_t npis = r.Varint();
  for (uint64_t i = 0; i < npis && r.ok(); ++i) {
    std::string npi = r.Str();
    q.unknown_npis[npi] = r.Signed();
  }
  q.members_with_overlapping_coverage = r.Signed();
  q.overlapping_coverage_months = r.Signed();
  return Finish(r, std::move(a), "aggregate");
}

std::string EncodeRecordNotes(const rules::RecordNotes& notes) {
  Writer w;
  w.U8(kFormat);
  w.Varint(notes.size());
  for (const auto& [key, tally] : notes) {
    w.U8(static_cast<uint8_t>(key.kind));
    w.Str(key.billing_tin);
    w.Signed(key.year);
    w.Signed(tally.records);
    w.Big(BigInt(tally.paid_micros));
  }
  return w.Take();
}

Result<rules::RecordNotes> DecodeRecordNotes(std::string_view bytes) {
  Reader r(bytes);
  if (!StartRead(r)) return Status::DataLoss("record notes value has an unknown format version");
  rules::RecordNotes notes;
  const uint64_t n = r.Varint();
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    rules::RecordNoteKey key;
    const uint8_t kind = r.U8();
    if (kind > static_cast<uint8_t>(rules::RecordNoteKind::kSuperseded)) {
      return Status::DataLoss("record notes value has an unknown kind");
    }
    key.kind = static_cast<rules::RecordNoteKind>(kind);
    key.billing_tin = r.Str();
    key.year = static_cast<int>(r.Signed());
    rules::RecordNoteTally t;
    t.records = r.Signed();
    t.paid_micros = Int128(r.Big());
    notes[std::move(key)] = t;
  }
  return Finish(r, std::move(notes), "record notes");
}

void AppendU32(std::string* key, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * (3 - i))) & 0xff);
  key->append(b, sizeof b);
}

void AppendU64(std::string* key, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * (7 - i))) & 0xff);
  key->append(b, sizeof b);
}

uint32_t ReadU32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

uint64_t ReadU64(std::string_view s, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

Status ScanReference(const StateStore& state, const std::function<void(Provider)>& provider,
                     const std::function<void(Contract)>& contract) {
  Status err;
  VBP_RETURN_IF_ERROR(
      state.Scan(Space::kReference, "", [&](std::string_view k, std::string_view v) {
        if (k.empty()) return true;
        if (k[0] == 'p') {
          auto p = DecodeProvider(v);
          if (!p.ok()) {
            err = p.status();
            return false;
          }
          provider(std::move(p).value());
        } else if (k[0] == 'c') {
          auto c = DecodeContract(v);
          if (!c.ok()) {
            err = c.status();
            return false;
          }
          contract(std::move(c).value());
        }
        return true;
      }));
  return err;
}

// `notes_from`: the claims offset below which every message was already noted for data
// quality (the highest next offset committed), so that messages read again after a hand
// reset of the offsets are not noted twice.
std::string EncodeCounts(const RunCounts& c, const std::optional<vbp::Date>& max_paid,
                         int64_t notes_from) {
  Writer w;
  w.U8(1);
  for (const KindCounts* k : {&c.claims, &c.members, &c.providers, &c.contracts}) {
    w.Signed(k->read);
    w.Signed(k->applied);
    w.Signed(k->superseded);
    w.Signed(k->rejected);
  }
  w.Signed(c.claim_lines_read);
  w.Signed(c.duplicates);
  w.Signed(c.stale);
  w.Signed(c.conflicts);
  w.OptDate(max_paid);
  w.Signed(notes_from);
  return w.Take();
}

bool DecodeCounts(std::string_view bytes, RunCounts* c, std::optional<vbp::Date>* max_paid,
                  int64_t* notes_from) {
  Reader r(bytes);
  if (r.U8() != 1) return false;
  for (KindCounts* k : {&c->claims, &c->members, &c->providers, &c->contracts}) {
    k->read = r.Signed();
    k->applied = r.Signed();
    k->superseded = r.Signed();
    k->rejected = r.Signed();
  }
  c->claim_lines_read = r.Signed();
  c->duplicates = r.Signed();
  c->stale = r.Signed();
  c->conflicts = r.Signed();
  *max_paid = r.OptDate();
  const int64_t from = r.Signed();
  if (notes_from != nullptr) *notes_from = from;
  return r.ok() && r.AtEnd();
}

}  // namespace vbp::binary
