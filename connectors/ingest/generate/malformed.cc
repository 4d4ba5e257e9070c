#include "connectors/ingest/generate/malformed.h"

namespace vbp::generate {
namespace {

// Position of the first character of the string value of `"key":"` and its length, or npos.
std::pair<size_t, size_t> StringValue(std::string_view rec, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":\"";
  const size_t at = rec.find(needle);
  if (at == std::string_view::npos) return {std::string_view::npos, 0};
  const size_t begin = at + needle.size();
  const size_t end = rec.find('"', begin);
  return {begin, end - begin};
}

std::string ReplaceValue(std::string_view rec, std::string_view key, std::string_view value) {
  const auto [begin, len] = StringValue(rec, key);
  if (begin == std::string_view::npos) return "";
  std::string out(rec);
  out.replace(begin, len, value);
  return out;
}

// Removes `"key":"value",` (the field and the comma after it).
std::string RemoveField(std::string_view rec, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":\"";
  const size_t at = rec.find(needle);
  if (at == std::string_view::npos) return "";
  const size_t end = rec.find('"', at + needle.size());
  std::string out(rec);
  size_t stop = end + 1;
  if (stop < out.size() && out[stop] == ',') ++stop;
  out.erase(at, stop - at);
  return out;
}

std::string BadDate(std::string_view rec, std::string_view key, uint64_t variant) {
  const auto [begin, len] = StringValue(rec, key);
  if (begin == std::string_view::npos || len != 10) return "";
  const std::string year(rec.substr(begin, 4));
  static constexpr const char* kForms[] = {"-02-30", "-13-01", "/03/14"};
  std::string bad = year + kForms[variant % 3];
  if (variant % 3 == 2)
    bad = year + "/" + std::string(rec.substr(begin + 5, 2)) + "/" +
          std::string(rec.substr(begin + 8, 2));
  return ReplaceValue(rec, key, bad);
}

}  // namespace

const char* MalformedKindName(MalformedKind k) {
  switch (k) {
    case MalformedKind::kBadDate:
      return "bad_date";
    case MalformedKind::kNegativeUnits:
      return "negative_units";
    case MalformedKind::kUnknownEnum:
      return "unknown_enum";
    case MalformedKind::kMissingField:
      return "missing_field";
    case MalformedKind::kInexactNumber:
      return "inexact_number";
    case MalformedKind::kBadTin:
      return "bad_tin";
  }
  return "?";
}

std::string Corrupt(RecordKind kind, MalformedKind defect, std::string_view rec, uint64_t variant,
                    std::string* field) {
  switch (kind) {
    case RecordKind::kClaim:
      switch (defect) {
        case MalformedKind::kBadDate:
          *field = "from_date";
          return BadDate(rec, "from_date", variant);
        case MalformedKind::kNegativeUnits: {
          *field = "lines[0].units";
          const std::string needle = "\"units\":";
          const size_t at = rec.find(needle);
          if (at == std::string_view::npos) return "";
          const size_t begin = at + needle.size();
          const size_t end = rec.find_first_of(",}", begin);
          std::string out(rec);
          out.replace(begin, end - begin, "-" + std::string(rec.substr(begin, end - begin)));
          return out;
        }
        case MalformedKind::kUnknownEnum:
          *field = "claim_type";
          return ReplaceValue(rec, "claim_type", variant % 2 ? "dental" : "pharmacy");
        case MalformedKind::kMissingField:
          *field = "member_id";
          return RemoveField(rec, "member_id");
        case MalformedKind::kInexactNumber: {
          // The first amount as a bare JSON number; amounts whose cents are a multiple of 25
          // are exact in binary, so those become 12.34 instead.
          *field = "lines[0].allowed";
          const auto [begin, len] = StringValue(rec, "allowed");
          if (begin == std::string_view::npos) return "";
          std::string value(rec.substr(begin, len));
          const std::string cents = value.size() >= 2 ? value.substr(value.size() - 2) : "00";
          if (cents == "00" || cents == "25" || cents == "50" || cents == "75") value = "12.34";
          std::string out(rec);
          out.replace(begin - 1, len + 2, value);
          return out;
        }
        case MalformedKind::kBadTin: {
          *field = "billing_tin";
          const auto [begin, len] = StringValue(rec, "billing_tin");
          if (begin == std::string_view::npos || len != 9) return "";
          return ReplaceValue(
              rec, "billing_tin",
              std::string(rec.substr(begin, 2)) + "-" + std::string(rec.substr(begin + 2, 7)));
        }
      }
      break;
    case RecordKind::kMember:
      switch (defect) {
        case MalformedKind::kBadDate:
          *field = "birth_date";
          return BadDate(rec, "birth_date", variant);
        case MalformedKind::kUnknownEnum:
          *field = "coverage[0].enrollment_type";
          return ReplaceValue(rec, "enrollment_type", "aged_medicaid");
        case MalformedKind::kMissingField:
          *field = "birth_date";
          return RemoveField(rec, "birth_date");
        default:
          return "";
      }
    case RecordKind::kProvider:
      switch (defect) {
        case MalformedKind::kBadDate:
          *field = "effective";
          return BadDate(rec, "effective", variant);
        case MalformedKind::kUnknownEnum:
          *field = "provider_class";
          return ReplaceValue(rec, "provider_class", "hospitalist");
        case MalformedKind::kMissingField:
          *field = "tin";
          return RemoveField(rec, "tin");
        case MalformedKind::kBadTin: {
          *field = "tin";
          const auto [begin, len] = StringValue(rec, "tin");
          if (begin == std::string_view::npos || len != 9) return "";
          return ReplaceValue(rec, "tin", rec.substr(begin, 8));
        }
        default:
          return "";
      }
    case RecordKind::kContract:
      return "";
  }
  return "";
}

Status Corrupter::Write(LineSink& sink, std::string_view file, RecordKind kind,
                        const std::string& key, std::string_view record) {
  static constexpr MalformedKind kClaimKinds[] = {
      MalformedKind::kBadDate,      MalformedKind::kNegativeUnits, MalformedKind::kUnknownEnum,
      MalformedKind::kMissingField, MalformedKind::kInexactNumber, MalformedKind::kBadTin};
  static constexpr MalformedKind kMemberKinds[] = {
      MalformedKind::kBadDate, MalformedKind::kUnknownEnum, MalformedKind::kMissingField};
  static constexpr MalformedKind kProviderKinds[] = {
      MalformedKind::kBadDate, MalformedKind::kUnknownEnum, MalformedKind::kMissingField,
      MalformedKind::kBadTin};
  uint64_t& k = written_[static_cast<size_t>(kind)];
  MalformedKind defect = MalformedKind::kBadDate;
  switch (kind) {
    case RecordKind::kClaim:
      defect = kClaimKinds[k % std::size(kClaimKinds)];
      break;
    case RecordKind::kMember:
      defect = kMemberKinds[k % std::size(kMemberKinds)];
      break;
    case RecordKind::kProvider:
      defect = kProviderKinds[k % std::size(kProviderKinds)];
      break;
    case RecordKind::kContract:
      return Status::Ok();
  }
  std::string field;
  const std::string bad = Corrupt(kind, defect, record, k / 6, &field);
  ++k;
  if (bad.empty()) return Status::Ok();  // not applicable to this record: skip
  VBP_RETURN_IF_ERROR(sink.Append(bad));
  entries_.push_back({{"file", std::string(file)},
                      {"line", sink.lines()},
                      {"kind", MalformedKindName(defect)},
                      {"record_kind", RecordKindName(kind)},
                      {"key", key},
                      {"field", field}});
  return Status::Ok();
}

}  // namespace vbp::generate
