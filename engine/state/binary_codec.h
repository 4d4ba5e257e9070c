#pragma once
// The engine's own binary encoding of state values (RocksDB values): length-prefixed fields
// in a fixed order behind a one-byte format version, so that state written by this version
// reads back identically. Readers validate lengths and fail with kDataLoss on corrupt bytes.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "domain/records.h"
#include "domain/status.h"
#include "engine/core/claim_versions.h"
#include "engine/core/ports.h"
#include "rules/core/settlement.h"

namespace vbp::binary {

class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Varint(uint64_t v);
  void Signed(int64_t v) {
    Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void Str(std::string_view s);
  void Date(const vbp::Date& d) { Signed(d.days()); }
  void OptDate(const std::optional<vbp::Date>& d);
  void Big(const BigInt& v);
  void Rat(const Rational& v);
  // The decimal digits of the value, as Big writes them (a fast path for values that fit
  // in 64 bits writes the same bytes).
  void Money(const vbp::Money& m);
  void Int(int64_t v);  // same bytes as Big(BigInt(v))
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool AtEnd() const { return pos_ == in_.size(); }
  uint8_t U8();
  uint64_t Varint();
  int64_t Signed() {
    uint64_t u = Varint();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  std::string Str();
  vbp::Date Date() { return vbp::Date::FromDays(static_cast<int32_t>(Signed())); }
  std::optional<vbp::Date> OptDate();
  BigInt Big();
  Rational Rat();
  vbp::Money Money();

 private:
  // The bytes of a Str field, without copying; empty and !ok() when truncated.
  std::string_view StrView();
  // Parses Big's digits; false when they are not "-?[0-9]+".
  static bool ValidDigits(std::string_view s);
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

std::string EncodeClaim(const Claim& c);
Result<Claim> DecodeClaim(std::string_view bytes);
std::string EncodeMember(const Member& m);
Result<Member> DecodeMember(std::string_view bytes);
std::string EncodeProvider(const Provider& p);
Result<Provider> DecodeProvider(std::string_view bytes);
std::string EncodeContract(const Contract& c);
Result<Contract> DecodeContract(std::string_view bytes);
std::string EncodeAggregate(const rules::ContractAggregate& a);
Result<rules::ContractAggregate> DecodeAggregate(std::string_view bytes);
// A member's rejected and superseded claim records (data quality; Space::kNotes).
std::string EncodeRecordNotes(const rules::RecordNotes& notes);
Result<rules::RecordNotes> DecodeRecordNotes(std::string_view bytes);

// Every record of the reference space as the streaming engine stores it (engine/README.md:
// "p" npi ... -> provider, "c" contract_id -> contract), in key order; the first corrupt
// value stops the scan with its decoding error.
Status ScanReference(const StateStore& state, const std::function<void(Provider)>& provider,
                     const std::function<void(Contract)>& contract);

// A partition's counters (state_keys::Partition) or the reference counters: the run counts,
// the latest paid date of every claim version read, and the claims offset below which every
// message was noted for data quality. false when the bytes are not such a value.
std::string EncodeCounts(const RunCounts& c, const std::optional<vbp::Date>& max_paid,
                         int64_t notes_from = 0);
bool DecodeCounts(std::string_view bytes, RunCounts* c, std::optional<vbp::Date>* max_paid,
                  int64_t* notes_from = nullptr);

// Big-endian fixed-width integers for keys (byte order == numeric order for unsigned).
void AppendU32(std::string* key, uint32_t v);
void AppendU64(std::string* key, uint64_t v);
uint32_t ReadU32(std::string_view s, size_t at);
uint64_t ReadU64(std::string_view s, size_t at);

}  // namespace vbp::binary
