#include "connectors/ingest/cclf/cclf_import.h"

#include <algorithm>
#include <map>
#include <set>

#include "connectors/codec/record_decoder.h"
#include "connectors/ingest/medicare/medicare_codes.h"
#include "domain/csv.h"

namespace vbp::cclf {
namespace {

using ojson = nlohmann::ordered_json;

// Coverage with no end date is open (as in the Tuva importer).
constexpr const char* kOpenEnd = "2199-12-31";
// Providers derived from claims carry a fixed effective date: CCLF has no enrollment dates.
constexpr const char* kProviderEffective = "2000-01-01";

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// --- Reading rows (fixed width or CSV) ----------------------------------------------------

// Rows of one file. Fields are cut out of the text when read (RowView::Get): no copy of every
// field of every row is kept.
struct FileRows {
  const CclfInput* input = nullptr;
  const CclfLayout* layout = nullptr;
  bool csv = false;
  std::vector<int64_t> lines;
  std::vector<std::string_view> texts;  // fixed width: each row's line
  std::unique_ptr<CsvTable> table;      // CSV: the table and each field's column
  std::vector<std::optional<size_t>> columns;
  std::vector<std::pair<int64_t, std::string>> errors;  // unreadable rows (CSV syntax)
  int64_t short_lines = 0;
};

bool LooksLikeCsv(const CclfLayout& layout, std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const std::string_view first = layout.fields.front().name;
  return text.substr(0, first.size()) == first &&
         (text.size() > first.size() && (text[first.size()] == ',' || text[first.size()] == '\n'));
}

// The fields a row of `kind` cannot be mapped without (a CSV file must have their columns).
std::vector<std::string_view> RequiredFields(CclfKind kind) {
  switch (kind) {
    case CclfKind::kPartAHeader:
      return {"CUR_CLM_UNIQ_ID",    "BENE_MBI_ID",  "CLM_FROM_DT", "CLM_THRU_DT",
              "CLM_ADJSMT_TYPE_CD", "CLM_EFCTV_DT", "CLM_PMT_AMT"};
    case CclfKind::kRevenue:
      return {"CUR_CLM_UNIQ_ID", "CLM_LINE_NUM"};
    case CclfKind::kProcedure:
      return {"CUR_CLM_UNIQ_ID", "CLM_VAL_SQNC_NUM", "CLM_PRCDR_CD"};
    case CclfKind::kDiagnosis:
      return {"CUR_CLM_UNIQ_ID", "CLM_VAL_SQNC_NUM", "CLM_DGNS_CD"};
    case CclfKind::kPhysician:
    case CclfKind::kDme:
      return {
          "CUR_CLM_UNIQ_ID",      "CLM_LINE_NUM",           "BENE_MBI_ID",        "CLM_FROM_DT",
          "CLM_THRU_DT",          "CLM_LINE_FROM_DT",       "CLM_ADJSMT_TYPE_CD", "CLM_EFCTV_DT",
          "CLM_LINE_CVRD_PD_AMT", "CLM_LINE_ALOWD_CHRG_AMT"};
    case CclfKind::kBeneficiary:
      return {"BENE_MBI_ID", "BENE_DOB"};
    case CclfKind::kXref:
      return {"CRNT_NUM", "PRVS_NUM"};
  }
  return {};
}

Result<FileRows> ReadRows(const CclfInput& in) {
  FileRows out;
  out.input = &in;
  out.layout = &LayoutOf(in.kind);
  out.csv = LooksLikeCsv(*out.layout, in.text);
  if (!out.csv) {
    int64_t line_no = 0;
    size_t pos = 0;
    while (pos < in.text.size()) {
      size_t nl = in.text.find('\n', pos);
      if (nl == std::string::npos) nl = in.text.size();
      std::string_view line = std::string_view(in.text).substr(pos, nl - pos);
      ++line_no;
      pos = nl + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;  // blank lines are not rows
      out.lines.push_back(line_no);
      out.texts.push_back(line);
      if (static_cast<int>(line.size()) < out.layout->record_length()) ++out.short_lines;
    }
    return out;
  }
  auto table = CsvTable::Parse(in.text, in.name);
  if (!table.ok()) return table.status();
  for (std::string_view name : RequiredFields(in.kind)) {
    if (!table->Column(name)) {
      return Status::Invalid(in.name + ": missing column '" + std::string(name) + "' (" +
                             std::string(out.layout->file_id) +
                             " CSV columns are matched by header name)");
    }
  }
  out.table = std::make_unique<CsvTable>(std::move(*table));
  for (const CclfField& f : out.layout->fields) out.columns.push_back(out.table->Column(f.name));
  for (const auto& row : out.table->rows()) out.lines.push_back(row.line);
  out.errors = out.table->errors();
  return out;
}

// --- Rejects and per-file tallies ----------------------------------------------------------

struct Tally {
  std::string kind;
  std::string format;
  int64_t read = 0;
  int64_t mapped = 0;
  int64_t rejected = 0;
  int64_t short_lines = 0;
};

class RejectLog {
 public:
  explicit RejectLog(generate::LineSink* sink) : sink_(sink) {}
  void Reject(const std::string& source, int64_t line, std::string_view field,
              const std::string& reason) {
    ++tallies_[source].rejected;
    ++by_reason_[source + ": " + std::string(field) + ": " + reason];
    ojson j = {{"source", source}, {"line", line}, {"field", field}, {"reason", reason}};
    if (status_.ok()) status_ = sink_->Append(generate::JsonLine(j));
  }
  void Mapped(const std::string& source) { ++tallies_[source].mapped; }
  Tally& tally(const std::string& source) { return tallies_[source]; }
  const std::map<std::string, Tally>& tallies() const { return tallies_; }
  const std::map<std::string, int64_t>& by_reason() const { return by_reason_; }
  const Status& status() const { return status_; }
  int64_t total() const {
    int64_t n = 0;
    for (const auto& [_, t] : tallies_) n += t.rejected;
    return n;
  }

 private:
  generate::LineSink* sink_;
  std::map<std::string, Tally> tallies_;
  std::map<std::string, int64_t> by_reason_;
  Status status_ = Status::Ok();
};

// One row of a file: its field texts, with the short-line check.
struct RowView {
  const FileRows* file;
  size_t index;
  const std::string& source() const { return file->input->name; }
  int64_t line() const { return file->lines[index]; }
  std::string_view Get(std::string_view name) const {
    const size_t i = file->layout->Index(name);
    if (file->csv) {
      return TrimBlanks(file->table->Get(file->table->rows()[index], file->columns[i]));
    }
    return FieldText(*file->layout, file->texts[index], i, nullptr);
  }
  // Empty when the field is whole in the line; else why it is not (a short line).
  std::string Cut(std::string_view name) const {
    if (file->csv) return "";
    const size_t i = file->layout->Index(name);
    bool cut = false;
    FieldText(*file->layout, file->texts[index], i, &cut);
    if (!cut) return "";
    const CclfField& f = file->layout->fields[i];
    return "short line: " + std::to_string(file->texts[index].size()) +
           " characters, the field needs columns " + std::to_string(f.start) + "-" +
           std::to_string(f.start + f.length - 1);
  }
};

// The first problem of a required field, or "" when it is usable.
std::string Required(const RowView& r, std::string_view name) {
  if (std::string cut = r.Cut(name); !cut.empty()) return cut;
  if (r.Get(name).empty()) return "blank";
  return "";
}

struct RowRef {
  const std::string* source = nullptr;  // the input's name (inputs outlive the import)
  int64_t line = 0;
};

// --- Claims -------------------------------------------------------------------------------

struct LineOut {
  int32_t line = 0;
  std::string hcpcs;
  std::vector<std::string> modifiers;
  std::string units;
  Date service;
  std::string pos;
  Money allowed;
  Money paid;
  std::string revenue;
};

// One CCLF claim record: one CUR_CLM_UNIQ_ID (a Part A header with its lines, diagnoses and
// procedures, or the lines of one Part B / DME claim).
struct ClaimRecord {
  CclfKind kind = CclfKind::kPartAHeader;
  RowRef at;
  std::vector<RowRef> rows;  // every row it was built from
  std::string uid;
  int64_t uid_num = 0;
  std::string member_id;  // most recent MBI (Packet §5.1.1)
  int adjustment = 0;     // CLM_ADJSMT_TYPE_CD
  Date effective;         // CLM_EFCTV_DT
  std::string key;        // natural key (Packet §5.1.2)
  std::string base_id;
  ClaimType type = ClaimType::kProfessional;
  std::string billing_tin, rendering_npi, facility_npi, bill_type, discharge_status, drg;
  Date from, through;
  Money header_paid;
  std::string principal;
  std::vector<std::pair<int, std::string>> dx_seq, proc_seq;
  std::vector<std::string> diagnoses, procedures;
  std::vector<LineOut> lines;
  std::map<int32_t, RowRef> line_rows;
  bool rejected = false;
};

// A line or sequence number ("0000000001", "1"): 1..999999.
std::optional<int> LineNumber(std::string_view s) {
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  if (!AllDigits(s) || s.size() > 6) return std::nullopt;
  const int n = std::stoi(std::string(s));
  if (n < 1) return std::nullopt;
  return n;
}

std::optional<int> AdjustmentType(std::string_view s) {
  const auto c = medicare::SmallCode(s);
  if (!c || *c < 0 || *c > 2) return std::nullopt;
  return *c;
}

std::string Fingerprint(const ClaimRecord& c) {
  std::string f = c.billing_tin + "|" + c.rendering_npi + "|" + c.from.ToString() + "|" +
                  c.through.ToString() + "|" + c.bill_type + "|" + c.drg + "|";
  for (const auto& d : c.diagnoses) f += d + ",";
  for (const auto& l : c.lines) {
    f += "|" + std::to_string(l.line) + ":" + l.hcpcs + ":" + l.revenue + ":" + l.units + ":" +
         l.paid.ToString() + ":" + l.allowed.ToString() + ":" + l.service.ToString();
    for (const auto& m : l.modifiers) f += ":" + m;
  }
  return f;
}

// --- The importer ---------------------------------------------------------------------------

struct PartBRow;

class Importer {
 public:
  Importer(const CclfImportOptions& options, const CclfImportSinks& sinks)
      : options_(options), sinks_(sinks), log_(sinks.rejects) {}
  Result<CclfImportSummary> Run(const std::vector<CclfInput>& inputs);

 private:
  Status ReadAll(const std::vector<CclfInput>& inputs);
  std::vector<RowView> RowsOf(CclfKind kind) const;
  void ReadCrosswalk();
  std::string Current(std::string_view mbi) const;
  void ReadMembers();
  struct MemberOut;
  void AddSpan(const RowView& r, Date from, std::optional<Date> through, std::optional<Date> death,
               bool dual, MemberOut* m);
  void MergeAttributes();
  void ReadRoster();
  std::optional<std::string> RosterTin(const std::string& npi, Date on) const;
  std::string BillingTinOf(const std::string& npi, Date on, const char* note);
  void ReadPartAHeaders();
  void ReadRevenueLines();
  void ReadPartACodes(CclfKind kind);
  void FinishPartA();
  void ReadPartBLines(CclfKind kind);
  ClaimRecord NewPartBRecord(const RowView& r, CclfKind kind, const PartBRow& row);
  void RejectRecord(ClaimRecord& c, std::string_view field, const std::string& reason);
  Status WriteClaims();
  Status WriteMembers();
  Status WriteProviders();
  Status WriteContracts();
  ojson Report() const;
  void Note(const std::string& what) { ++notes_[what]; }
  // A record's NDJSON line; bytes that are not UTF-8 become U+FFFD and are noted.
  std::string Line(const ojson& j) {
    int64_t replaced = 0;
    std::string text = generate::JsonLine(j, &replaced);
    if (replaced > 0) Note("text.invalid_utf8_bytes_written_as_U+FFFD");
    return text;
  }

  const CclfImportOptions& options_;
  const CclfImportSinks& sinks_;
  RejectLog log_;
  std::vector<FileRows> files_;
  std::map<std::string, std::string> crosswalk_;  // previous id -> current id
  struct MemberOut {
    std::string id;
    Date birth;
    std::string sex;
    std::vector<ojson> coverage;  // {"from","through","program","enrollment_type"}
    std::optional<std::string> orec;
    std::optional<bool> medicaid;
    ojson risk_scores;
    std::optional<std::string> aligned_npi;
    std::vector<RowRef> rows;  // CCLF8 and attribute rows: mapped when the member is written
  };
  std::map<std::string, MemberOut> members_;
  struct RosterRecord {
    std::string tin;
    Date effective;
    std::optional<Date> termination;
  };
  std::map<std::string, std::vector<RosterRecord>> roster_;
  std::vector<std::string> roster_lines_;
  std::map<std::string, ClaimRecord> records_;  // by CUR_CLM_UNIQ_ID (and kind prefix)
  std::map<std::string, std::map<std::string, int64_t>> npi_tins_, npi_specialties_;
  std::map<std::string, int64_t> notes_;
  CclfImportSummary summary_;
};

Status Importer::ReadAll(const std::vector<CclfInput>& inputs) {
  for (const CclfInput& in : inputs) {
    VBP_ASSIGN_OR_RETURN(FileRows rows, ReadRows(in));
    files_.push_back(std::move(rows));
  }
  for (const FileRows& f : files_) {
    Tally& t = log_.tally(f.input->name);
    t.kind = std::string(f.layout->file_id);
    t.format = f.csv ? "csv" : "fixed_width";
    t.read += static_cast<int64_t>(f.lines.size() + f.errors.size());
    t.short_lines += f.short_lines;
    for (const auto& [line, why] : f.errors) log_.Reject(f.input->name, line, "", "CSV: " + why);
  }
  return Status::Ok();
}

std::vector<RowView> Importer::RowsOf(CclfKind kind) const {
  std::vector<RowView> out;
  for (const FileRows& f : files_) {
    if (f.input->kind != kind) continue;
    for (size_t i = 0; i < f.lines.size(); ++i) out.push_back({&f, i});
  }
  return out;
}

// CCLF9: previous MBI -> current MBI (Packet §5.1.1). Chains are followed to the end.
void Importer::ReadCrosswalk() {
  for (const RowView& r : RowsOf(CclfKind::kXref)) {
    std::string why;
    const char* field = "CRNT_NUM";
    if (why = Required(r, "CRNT_NUM"); why.empty()) {
      field = "PRVS_NUM";
      why = Required(r, "PRVS_NUM");
    }
    if (!why.empty()) {
      log_.Reject(r.source(), r.line(), field, why);
      continue;
    }
    const std::string prev(r.Get("PRVS_NUM")), cur(r.Get("CRNT_NUM"));
    auto [it, inserted] = crosswalk_.emplace(prev, cur);
    if (!inserted && it->second != cur) {
      log_.Reject(r.source(), r.line(), "CRNT_NUM",
                  "PRVS_NUM " + prev + " already maps to " + it->second + " (first row kept)");
      continue;
    }
    if (r.Get("HICN_MBI_XREF_IND") == "H") Note("crosswalk.hicn_rows (match no MBI)");
    log_.Mapped(r.source());
  }
}

std::string Importer::Current(std::string_view mbi) const {
  std::string id(mbi);
  for (int step = 0; step < 16; ++step) {  // bounded: a cycle in the crosswalk stops here
    auto it = crosswalk_.find(id);
    if (it == crosswalk_.end() || it->second == id) break;
    id = it->second;
  }
  return id;
}

// CCLF8: one coverage span per row with a range (BENE_RNG_BGN_DT..BENE_RNG_END_DT).
void Importer::ReadMembers() {
  for (const RowView& r : RowsOf(CclfKind::kBeneficiary)) {
    std::string field, why;
    auto fail = [&](const char* f, std::string w) {
      if (why.empty() && !w.empty()) {
        field = f;
        why = std::move(w);
      }
    };
    auto date_of = [&](const char* f, bool required) -> std::optional<Date> {
      if (!why.empty()) return std::nullopt;
      if (required) fail(f, Required(r, f));
      if (!why.empty() || !r.Cut(f).empty() || r.Get(f).empty()) return std::nullopt;
      auto d = ParseCclfDate(r.Get(f));
      if (!d) fail(f, "not a date: '" + std::string(r.Get(f)) + "'");
      return d;
    };
    fail("BENE_MBI_ID", Required(r, "BENE_MBI_ID"));
    const std::optional<Date> birth = date_of("BENE_DOB", true);
    const std::optional<Date> from = date_of("BENE_RNG_BGN_DT", false);
    const std::optional<Date> through = date_of("BENE_RNG_END_DT", false);
    const std::optional<Date> death = date_of("BENE_DEATH_DT", false);
    if (why.empty() && !from && through) {
      fail("BENE_RNG_BGN_DT", "blank while BENE_RNG_END_DT is given");
    }
    if (why.empty() && from && through && *through < *from) {
      fail("BENE_RNG_END_DT", "before BENE_RNG_BGN_DT");
    }
    if (!why.empty()) {
      log_.Reject(r.source(), r.line(), field, why);
      continue;
    }
    const std::string id = Current(r.Get("BENE_MBI_ID"));
    if (id != r.Get("BENE_MBI_ID")) Note("members.mbi_replaced_by_crosswalk");
    auto [it, inserted] = members_.try_emplace(id);
    MemberOut& m = it->second;
    if (inserted) {
      m.id = id;
      m.birth = *birth;
      const std::string_view sex = r.Get("BENE_SEX_CD");
      m.sex = sex == "1" ? "M" : sex == "2" ? "F" : "U";
    }
    const std::string_view dual_code = r.Get("BENE_DUAL_STUS_CD");
    const bool dual = medicare::IsDualStatus(dual_code);
    if (dual) {
      m.medicaid = true;
    } else if (medicare::SmallCode(dual_code) && !m.medicaid) {
      m.medicaid = false;
    }
    const std::string_view orec = r.Get("BENE_ORGNL_ENTLMT_RSN_CD");
    if (!m.orec && !orec.empty()) {
      const auto o = medicare::SmallCode(orec);
      m.orec = o ? std::to_string(*o) : std::string(orec);
    }
    if (from) {
      AddSpan(r, *from, through, death, dual, &m);
    } else {
      Note("members.rows_without_range (no coverage span)");
    }
    m.rows.push_back({&r.source(), r.line()});
  }
}

// One medicare_ffs span of a CCLF8 row: through its end (or open), cut at death.
void Importer::AddSpan(const RowView& r, Date from, std::optional<Date> through,
                       std::optional<Date> death, bool dual, MemberOut* m) {
  Date end = through ? *through : Date::Parse(kOpenEnd).value();
  if (!through) Note("coverage.open_range_through_2199_12_31");
  if (death && *death < end) {
    end = *death;
    Note("coverage.through_cut_at_death_date");
  }
  const std::string_view msc = r.Get("BENE_MDCR_STUS_CD");
  if (!medicare::SmallCode(msc)) Note("coverage.enrollment_type_without_medicare_status");
  const EnrollmentType type = medicare::EnrollmentTypeOf(
      msc, dual, r.Get("BENE_ORGNL_ENTLMT_RSN_CD"), medicare::AgeOn(m->birth, from));
  ojson span = {{"from", from.ToString()},
                {"through", std::max(end, from).ToString()},
                {"program", "medicare_ffs"},
                {"enrollment_type", EnrollmentTypeName(type)}};
  if (std::find(m->coverage.begin(), m->coverage.end(), span) == m->coverage.end()) {
    m->coverage.push_back(std::move(span));
  } else {
    Note("coverage.same_span_in_several_rows_kept_once");
  }
}

// Splits NDJSON text into (line number, line) for non-empty lines.
std::vector<std::pair<int64_t, std::string_view>> NdjsonLines(std::string_view text) {
  std::vector<std::pair<int64_t, std::string_view>> out;
  int64_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? "" : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) out.emplace_back(line_no, line);
  }
  return out;
}

// Member fields CCLF does not carry (README.md): risk scores, voluntary alignment, coverage of
// other programs.
void Importer::MergeAttributes() {
  if (!options_.member_attributes_ndjson) return;
  const std::string& src = options_.member_attributes_name;
  log_.tally(src).kind = "member_attributes";
  log_.tally(src).format = "ndjson";
  for (const auto& [line_no, line] : NdjsonLines(*options_.member_attributes_ndjson)) {
    ++log_.tally(src).read;
    ojson j = ojson::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("member_id") ||
        !j["member_id"].is_string()) {
      log_.Reject(src, line_no, "member_id", "not a JSON object with a string member_id");
      continue;
    }
    auto it = members_.find(Current(j["member_id"].get<std::string>()));
    if (it == members_.end()) {
      log_.Reject(src, line_no, "member_id", "no CCLF8 row for this member");
      continue;
    }
    MemberOut& m = it->second;
    if (j.contains("risk_scores")) m.risk_scores = j["risk_scores"];
    if (j.contains("aligned_npi") && j["aligned_npi"].is_string()) {
      m.aligned_npi = j["aligned_npi"].get<std::string>();
    }
    if (j.contains("coverage") && j["coverage"].is_array()) {
      for (const auto& span : j["coverage"]) m.coverage.push_back(span);
    }
    m.rows.push_back({&src, line_no});
  }
}

// The roster: providers NDJSON, each line decoded with the SPEC §2 decoder.
void Importer::ReadRoster() {
  if (!options_.roster_ndjson) return;
  const std::string& src = options_.roster_name;
  log_.tally(src).kind = "roster";
  log_.tally(src).format = "ndjson";
  codec::RecordDecoder decoder;
  for (const auto& [line_no, line] : NdjsonLines(*options_.roster_ndjson)) {
    ++log_.tally(src).read;
    auto d = decoder.Decode(line, {src, -1, line_no}, RecordKind::kProvider);
    if (d.reject) {
      log_.Reject(src, line_no, d.reject->field, d.reject->reason);
      continue;
    }
    const Provider& p = std::get<Provider>(*d.record);
    roster_[p.npi.str()].push_back({p.tin.str(), p.effective, p.termination});
    roster_lines_.emplace_back(line);
    log_.Mapped(src);
  }
}

std::optional<std::string> Importer::RosterTin(const std::string& npi, Date on) const {
  auto it = roster_.find(npi);
  if (it == roster_.end() || it->second.empty()) return std::nullopt;
  for (const RosterRecord& r : it->second) {
    if (r.effective <= on && (!r.termination || on <= *r.termination)) return r.tin;
  }
  return it->second.front().tin;
}

// Part A and DME lines carry no TIN: the roster's TIN of the billing NPI, else the NPI's
// surrogate TIN (its last 9 digits, as the Tuva importer).
std::string Importer::BillingTinOf(const std::string& npi, Date on, const char* note) {
  if (auto tin = RosterTin(npi, on)) {
    Note(std::string(note) + ".billing_tin_from_roster");
    return *tin;
  }
  Note(std::string(note) + ".billing_tin_surrogate_of_billing_npi");
  return medicare::SurrogateTin(npi);
}

bool IsNpi(std::string_view s) { return s.size() == 10 && AllDigits(s); }

// Collects the first problem of a row: field and reason.
struct Problem {
  std::string field, why;
  void Fail(std::string_view f, std::string w) {
    if (why.empty() && !w.empty()) {
      field = std::string(f);
      why = std::move(w);
    }
  }
  bool ok() const { return why.empty(); }
  std::optional<Date> DateOf(const RowView& r, std::string_view f) {
    if (!ok()) return std::nullopt;
    auto d = ParseCclfDate(r.Get(f));
    if (!d) Fail(f, "not a date: '" + std::string(r.Get(f)) + "'");
    return d;
  }
  std::optional<Money> AmountOf(const RowView& r, std::string_view f) {
    if (!ok()) return std::nullopt;
    auto m = ParseAmount(r.Get(f));
    if (!m) Fail(f, "not an amount: '" + std::string(r.Get(f)) + "'");
    return m;
  }
};

// CCLF1: one header per CUR_CLM_UNIQ_ID; its claim fields and natural key.
void Importer::ReadPartAHeaders() {
  for (const RowView& r : RowsOf(CclfKind::kPartAHeader)) {
    Problem p;
    for (std::string_view f : RequiredFields(CclfKind::kPartAHeader)) p.Fail(f, Required(r, f));
    ClaimRecord c;
    c.kind = CclfKind::kPartAHeader;
    c.type = ClaimType::kInstitutional;
    c.at = {&r.source(), r.line()};
    c.uid = std::string(r.Get("CUR_CLM_UNIQ_ID"));
    if (p.ok() && (!AllDigits(c.uid) || c.uid.size() > 18)) p.Fail("CUR_CLM_UNIQ_ID", "not digits");
    const auto from = p.DateOf(r, "CLM_FROM_DT");
    const auto through = p.DateOf(r, "CLM_THRU_DT");
    const auto effective = p.DateOf(r, "CLM_EFCTV_DT");
    if (p.ok() && *through < *from) p.Fail("CLM_THRU_DT", "before CLM_FROM_DT");
    const auto adj = AdjustmentType(r.Get("CLM_ADJSMT_TYPE_CD"));
    if (p.ok() && !adj) p.Fail("CLM_ADJSMT_TYPE_CD", "not 0, 1 or 2");
    const auto paid = p.AmountOf(r, "CLM_PMT_AMT");
    std::string billing_npi(r.Get("CLM_BLG_PRVDR_NPI_NUM"));
    c.facility_npi = std::string(r.Get("FAC_PRVDR_NPI_NUM"));
    if (!IsNpi(billing_npi)) billing_npi = c.facility_npi;
    if (p.ok() && !IsNpi(billing_npi)) {
      p.Fail("CLM_BLG_PRVDR_NPI_NUM", "no 10-digit billing or facility NPI for the billing TIN");
    }
    if (!p.ok()) {
      log_.Reject(r.source(), r.line(), p.field, p.why);
      continue;
    }
    c.uid_num = std::stoll(c.uid);
    c.from = *from;
    c.through = *through;
    c.effective = *effective;
    c.adjustment = *adj;
    c.header_paid = *paid;
    c.member_id = Current(r.Get("BENE_MBI_ID"));
    c.billing_tin = BillingTinOf(billing_npi, c.from, "part_a");
    c.rendering_npi = std::string(r.Get("ATNDG_PRVDR_NPI_NUM"));
    for (const char* f : {"CLM_ATNDG_PRVDR_NPI_NUM", "OPRTG_PRVDR_NPI_NUM", "FAC_PRVDR_NPI_NUM"}) {
      if (IsNpi(c.rendering_npi)) break;
      c.rendering_npi = std::string(r.Get(f));
      Note(std::string("part_a.rendering_npi_from_") + f);
    }
    c.bill_type = std::string(r.Get("CLM_BILL_FAC_TYPE_CD")) +
                  std::string(r.Get("CLM_BILL_CLSFCTN_CD")) +
                  std::string(r.Get("CLM_BILL_FREQ_CD"));
    c.drg = std::string(r.Get("DGNS_DRG_CD"));
    c.discharge_status = std::string(r.Get("BENE_PTNT_STUS_CD"));
    c.principal = std::string(r.Get("PRNCPL_DGNS_CD"));
    std::string oscar(r.Get("CLM_BLG_PRVDR_OSCAR_NUM"));
    if (oscar.empty()) oscar = std::string(r.Get("PRVDR_OSCAR_NUM"));
    std::string ymd_from = c.from.ToString(), ymd_thru = c.through.ToString();
    std::erase(ymd_from, '-');
    std::erase(ymd_thru, '-');
    c.key = "A|" + oscar + "|" + ymd_from + "|" + ymd_thru + "|" + c.member_id;
    c.base_id = "A." + oscar + "." + ymd_from + "." + ymd_thru + "." + c.member_id;
    c.rows.push_back(c.at);
    auto [it, inserted] = records_.try_emplace("A" + c.uid, std::move(c));
    if (!inserted) {
      log_.Reject(r.source(), r.line(), "CUR_CLM_UNIQ_ID",
                  "repeated: the row at line " + std::to_string(it->second.at.line) + " is kept");
    }
  }
}

// CCLF2: revenue centre lines, attached to their header by CUR_CLM_UNIQ_ID.
void Importer::ReadRevenueLines() {
  for (const RowView& r : RowsOf(CclfKind::kRevenue)) {
    Problem p;
    for (std::string_view f : RequiredFields(CclfKind::kRevenue)) p.Fail(f, Required(r, f));
    auto it = p.ok() ? records_.find("A" + std::string(r.Get("CUR_CLM_UNIQ_ID"))) : records_.end();
    if (p.ok() && it == records_.end()) {
      p.Fail("CUR_CLM_UNIQ_ID", "no usable CCLF1 header with this CUR_CLM_UNIQ_ID");
    }
    LineOut l;
    const auto num = LineNumber(r.Get("CLM_LINE_NUM"));
    if (p.ok() && (!num || *num < 1)) p.Fail("CLM_LINE_NUM", "not a positive integer");
    if (p.ok() && it->second.line_rows.count(*num)) {
      p.Fail("CLM_LINE_NUM", "repeated in this claim (the first row is kept)");
    }
    std::optional<Date> service = p.ok() && r.Get("CLM_LINE_FROM_DT").empty()
                                      ? std::optional<Date>(it->second.from)
                                      : p.DateOf(r, "CLM_LINE_FROM_DT");
    std::optional<Money> paid = Money::Zero();
    if (!r.Get("CLM_LINE_CVRD_PD_AMT").empty()) paid = p.AmountOf(r, "CLM_LINE_CVRD_PD_AMT");
    std::optional<std::string> units = "1";
    if (p.ok() && !r.Get("CLM_LINE_SRVC_UNIT_QTY").empty()) {
      units = ParseQuantity(r.Get("CLM_LINE_SRVC_UNIT_QTY"));
      if (!units) p.Fail("CLM_LINE_SRVC_UNIT_QTY", "not a non-negative quantity");
    }
    if (!p.ok()) {
      log_.Reject(r.source(), r.line(), p.field, p.why);
      continue;
    }
    if (r.Get("CLM_LINE_FROM_DT").empty()) Note("part_a.line_service_date_from_claim_from_date");
    if (r.Get("CLM_LINE_SRVC_UNIT_QTY").empty()) Note("part_a.line_units_blank_taken_as_1");
    if (r.Get("CLM_LINE_CVRD_PD_AMT").empty()) Note("part_a.line_paid_blank_taken_as_0");
    l.line = *num;
    l.service = *service;
    l.paid = *paid;
    l.allowed = *paid;  // CCLF2 has no allowed amount (README.md)
    l.units = *units;
    l.hcpcs = std::string(r.Get("CLM_LINE_HCPCS_CD"));
    l.revenue = std::string(r.Get("CLM_LINE_PROD_REV_CTR_CD"));
    for (const char* f : {"HCPCS_1_MDFR_CD", "HCPCS_2_MDFR_CD", "HCPCS_3_MDFR_CD",
                          "HCPCS_4_MDFR_CD", "HCPCS_5_MDFR_CD"}) {
      if (!r.Get(f).empty()) l.modifiers.emplace_back(r.Get(f));
    }
    it->second.line_rows[*num] = {&r.source(), r.line()};
    it->second.lines.push_back(std::move(l));
  }
}

// CCLF4 (diagnoses) and CCLF3 (procedures), by CLM_VAL_SQNC_NUM.
void Importer::ReadPartACodes(CclfKind kind) {
  const bool dx = kind == CclfKind::kDiagnosis;
  const char* code_field = dx ? "CLM_DGNS_CD" : "CLM_PRCDR_CD";
  for (const RowView& r : RowsOf(kind)) {
    Problem p;
    for (std::string_view f : RequiredFields(kind)) p.Fail(f, Required(r, f));
    auto it = p.ok() ? records_.find("A" + std::string(r.Get("CUR_CLM_UNIQ_ID"))) : records_.end();
    if (p.ok() && it == records_.end()) {
      p.Fail("CUR_CLM_UNIQ_ID", "no usable CCLF1 header with this CUR_CLM_UNIQ_ID");
    }
    const auto seq = LineNumber(r.Get("CLM_VAL_SQNC_NUM"));
    if (p.ok() && !seq) p.Fail("CLM_VAL_SQNC_NUM", "not a positive integer");
    if (!p.ok()) {
      log_.Reject(r.source(), r.line(), p.field, p.why);
      continue;
    }
    auto& list = dx ? it->second.dx_seq : it->second.proc_seq;
    list.emplace_back(*seq, std::string(r.Get(code_field)));
    it->second.rows.push_back({&r.source(), r.line()});
  }
}

// Every row of a claim record is rejected with the record's reason.
void Importer::RejectRecord(ClaimRecord& c, std::string_view field, const std::string& reason) {
  c.rejected = true;
  for (const RowRef& row : c.rows) log_.Reject(*row.source, row.line, field, reason);
  for (const auto& [_, row] : c.line_rows) log_.Reject(*row.source, row.line, field, reason);
}

// A Part A claim: lines in CLM_LINE_NUM order, principal diagnosis first, the header payment.
void Importer::FinishPartA() {
  for (auto& [_, c] : records_) {
    if (c.kind != CclfKind::kPartAHeader) continue;
    if (c.lines.empty()) {
      RejectRecord(c, "CUR_CLM_UNIQ_ID", "Part A claim without a CCLF2 revenue centre line");
      continue;
    }
    std::sort(c.lines.begin(), c.lines.end(),
              [](const LineOut& a, const LineOut& b) { return a.line < b.line; });
    std::stable_sort(c.dx_seq.begin(), c.dx_seq.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::stable_sort(c.proc_seq.begin(), c.proc_seq.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    bool principal_seen = c.principal.empty();
    if (!c.principal.empty()) c.diagnoses.push_back(c.principal);
    for (const auto& [seq, code] : c.dx_seq) {
      if (!principal_seen && code == c.principal) {
        principal_seen = true;  // the principal's own CCLF4 row
        continue;
      }
      c.diagnoses.push_back(code);
    }
    for (const auto& [seq, code] : c.proc_seq) c.procedures.push_back(code);
    // Part A expenditure is CLM_PMT_AMT (Packet §5.3.1): a difference from the lines' sum goes
    // on the first line.
    Money lines_paid;
    for (const LineOut& l : c.lines) lines_paid += l.paid;
    if (!(lines_paid == c.header_paid)) {
      c.lines.front().paid += c.header_paid - lines_paid;
      c.lines.front().allowed = c.lines.front().paid;
      Note("part_a.header_payment_differs_from_lines_difference_on_line_1");
    }
  }
}

// One CCLF5 / CCLF6 row, validated.
struct PartBRow {
  std::string uid, mbi, npi, tin, units = "1";
  int num = 0, adjustment = 0;
  Date from, through, service, effective;
  Money paid, allowed;
};

std::optional<PartBRow> ParsePartBRow(const RowView& r, bool dme, Problem* p) {
  for (std::string_view f : RequiredFields(CclfKind::kPhysician)) p->Fail(f, Required(r, f));
  PartBRow row;
  row.uid = std::string(r.Get("CUR_CLM_UNIQ_ID"));
  row.mbi = std::string(r.Get("BENE_MBI_ID"));
  if (p->ok() && (!AllDigits(row.uid) || row.uid.size() > 18)) {
    p->Fail("CUR_CLM_UNIQ_ID", "not digits");
  }
  const auto num = LineNumber(r.Get("CLM_LINE_NUM"));
  if (p->ok() && !num) p->Fail("CLM_LINE_NUM", "not a positive integer");
  const auto from = p->DateOf(r, "CLM_FROM_DT");
  const auto through = p->DateOf(r, "CLM_THRU_DT");
  const auto service = p->DateOf(r, "CLM_LINE_FROM_DT");
  const auto effective = p->DateOf(r, "CLM_EFCTV_DT");
  if (p->ok() && *through < *from) p->Fail("CLM_THRU_DT", "before CLM_FROM_DT");
  const auto adj = AdjustmentType(r.Get("CLM_ADJSMT_TYPE_CD"));
  if (p->ok() && !adj) p->Fail("CLM_ADJSMT_TYPE_CD", "not 0, 1 or 2");
  const auto paid = p->AmountOf(r, "CLM_LINE_CVRD_PD_AMT");
  const auto allowed = p->AmountOf(r, "CLM_LINE_ALOWD_CHRG_AMT");
  if (!dme && p->ok() && !r.Get("CLM_LINE_SRVC_UNIT_QTY").empty()) {
    auto units = ParseQuantity(r.Get("CLM_LINE_SRVC_UNIT_QTY"));
    if (!units) p->Fail("CLM_LINE_SRVC_UNIT_QTY", "not a non-negative quantity");
    row.units = units.value_or("");
  }
  if (dme) {
    row.npi = std::string(r.Get("CLM_BLG_PRVDR_NPI_NUM"));
    if (!IsNpi(row.npi)) row.npi = std::string(r.Get("PAYTO_PRVDR_NPI_NUM"));
    if (p->ok() && !IsNpi(row.npi)) p->Fail("CLM_BLG_PRVDR_NPI_NUM", "no 10-digit billing NPI");
  } else {
    row.npi = std::string(r.Get("RNDRG_PRVDR_NPI_NUM"));
    if (row.npi.empty()) row.npi = std::string(r.Get("CLM_RNDRG_PRVDR_NPI_NUM"));
    row.tin = std::string(r.Get("CLM_RNDRG_PRVDR_TAX_NUM"));
    if (p->ok() && !IsNpi(row.npi)) p->Fail("RNDRG_PRVDR_NPI_NUM", "not a 10-digit NPI");
    if (p->ok() && !(row.tin.size() == 9 && AllDigits(row.tin))) {
      p->Fail("CLM_RNDRG_PRVDR_TAX_NUM", "not a 9-digit TIN");
    }
  }
  if (!p->ok()) return std::nullopt;
  row.num = *num;
  row.adjustment = *adj;
  row.from = *from;
  row.through = *through;
  row.service = *service;
  row.effective = *effective;
  row.paid = *paid;
  row.allowed = *allowed;
  return row;
}

// A later line of a CUR_CLM_UNIQ_ID must agree with the first on the claim's fields.
void CheckSameClaim(const ClaimRecord& c, const PartBRow& row, const std::string& member_id,
                    Problem* p) {
  const std::string first = " of line " + std::to_string(c.at.line) + " (same CUR_CLM_UNIQ_ID)";
  if (c.member_id != member_id) p->Fail("BENE_MBI_ID", "differs from that" + first);
  if (c.adjustment != row.adjustment) p->Fail("CLM_ADJSMT_TYPE_CD", "differs from that" + first);
  if (!(c.effective == row.effective)) p->Fail("CLM_EFCTV_DT", "differs from that" + first);
  if (!(c.from == row.from) || !(c.through == row.through)) {
    p->Fail("CLM_FROM_DT", "claim dates differ from those" + first);
  }
  if (c.line_rows.count(row.num)) p->Fail("CLM_LINE_NUM", "repeated in this claim");
}

// The claim record a CCLF5 / CCLF6 row starts: its claim fields and natural key (§5.1.2).
ClaimRecord Importer::NewPartBRecord(const RowView& r, CclfKind kind, const PartBRow& row) {
  const bool dme = kind == CclfKind::kDme;
  const std::string prefix = dme ? "D" : "B";
  ClaimRecord c;
  c.kind = kind;
  c.type = ClaimType::kProfessional;
  c.at = {&r.source(), r.line()};
  c.uid = row.uid;
  c.uid_num = std::stoll(row.uid);
  c.member_id = Current(row.mbi);
  c.adjustment = row.adjustment;
  c.effective = row.effective;
  c.from = row.from;
  c.through = row.through;
  c.rendering_npi = row.npi;
  c.billing_tin = dme ? BillingTinOf(row.npi, row.from, "dme") : row.tin;
  std::string cntl(r.Get("CLM_CNTL_NUM"));
  if (cntl.empty()) {
    cntl = prefix + "." + row.uid;
    Note("part_b.clm_cntl_num_blank_key_is_cur_clm_uniq_id");
  }
  c.key = prefix + "|" + cntl + "|" + c.member_id;
  c.base_id = cntl;
  for (int k = 1; k <= 12 && !dme; ++k) {
    std::string_view d = r.Get("CLM_DGNS_" + std::to_string(k) + "_CD");
    if (!d.empty()) c.diagnoses.emplace_back(d);
  }
  return c;
}

// CCLF5 (Part B physician) and CCLF6 (DME) lines, grouped into records by CUR_CLM_UNIQ_ID.
void Importer::ReadPartBLines(CclfKind kind) {
  const bool dme = kind == CclfKind::kDme;
  const std::string prefix = dme ? "D" : "B";
  for (const RowView& r : RowsOf(kind)) {
    Problem p;
    std::optional<PartBRow> row = ParsePartBRow(r, dme, &p);
    auto it = row ? records_.find(prefix + row->uid) : records_.end();
    if (row && it != records_.end()) CheckSameClaim(it->second, *row, Current(row->mbi), &p);
    if (!p.ok()) {
      log_.Reject(r.source(), r.line(), p.field, p.why);
      continue;
    }
    if (dme) Note("dme.units_not_in_cclf6_taken_as_1");
    if (!dme && r.Get("CLM_LINE_SRVC_UNIT_QTY").empty()) Note("part_b.line_units_blank_taken_as_1");
    if (it == records_.end()) {
      it = records_.emplace(prefix + row->uid, NewPartBRecord(r, kind, *row)).first;
    }
    ClaimRecord& c = it->second;
    if (c.rendering_npi != row->npi || (!dme && c.billing_tin != row->tin)) {
      Note("part_b.line_of_another_npi_or_tin_kept_under_the_first_line's");
    }
    const std::string_view line_dx = dme ? "" : r.Get("CLM_LINE_DGNS_CD");
    if (!line_dx.empty() &&
        std::find(c.diagnoses.begin(), c.diagnoses.end(), line_dx) == c.diagnoses.end()) {
      c.diagnoses.emplace_back(line_dx);
      Note("part_b.line_diagnosis_added_to_claim_diagnoses");
    }
    LineOut l;
    l.line = row->num;
    l.service = row->service;
    l.paid = row->paid;
    l.allowed = row->allowed;
    l.units = row->units;
    l.hcpcs = std::string(r.Get("CLM_LINE_HCPCS_CD"));
    l.pos = std::string(r.Get("CLM_POS_CD"));
    for (int k = 1; k <= 5 && !dme; ++k) {
      std::string_view m = r.Get("HCPCS_" + std::to_string(k) + "_MDFR_CD");
      if (!m.empty()) l.modifiers.emplace_back(m);
    }
    if (!dme) {
      ++npi_tins_[row->npi][row->tin];
      ++npi_specialties_[row->npi][std::string(r.Get("CLM_PRVDR_SPCLTY_CD"))];
    }
    c.line_rows[row->num] = {&r.source(), r.line()};
    c.lines.push_back(std::move(l));
  }
  for (auto& [_, c] : records_) {
    if (c.kind != kind) continue;
    std::sort(c.lines.begin(), c.lines.end(),
              [](const LineOut& a, const LineOut& b) { return a.line < b.line; });
  }
}

ojson ClaimJson(const ClaimRecord& c, const std::string& claim_id, int version,
                const char* frequency) {
  ojson j = {{"schema", "vbp.claim/1"},
             {"claim_id", claim_id},
             {"version", version},
             {"frequency", frequency},
             {"member_id", c.member_id},
             {"billing_tin", c.billing_tin},
             {"rendering_npi", c.rendering_npi},
             {"claim_type", ClaimTypeName(c.type)},
             {"from_date", c.from.ToString()},
             {"through_date", c.through.ToString()},
             {"paid_date", c.effective.ToString()},
             {"diagnoses", c.diagnoses}};
  if (c.type == ClaimType::kInstitutional) {
    if (!c.facility_npi.empty()) j["facility_npi"] = c.facility_npi;
    if (!c.bill_type.empty()) j["bill_type"] = c.bill_type;
    if (!c.discharge_status.empty()) j["discharge_status"] = c.discharge_status;
    if (!c.drg.empty()) j["drg"] = c.drg;
    if (!c.procedures.empty()) j["procedures"] = c.procedures;
  }
  ojson lines = ojson::array();
  for (const LineOut& l : c.lines) {
    ojson x = {{"line", l.line}};
    if (!l.hcpcs.empty()) x["hcpcs"] = l.hcpcs;
    x["modifiers"] = l.modifiers;
    if (l.units.find('.') == std::string::npos) {
      x["units"] = std::stoll(l.units);
    } else {
      x["units"] = l.units;
    }
    x["service_date"] = l.service.ToString();
    if (!l.pos.empty()) x["pos"] = l.pos;
    x["allowed"] = l.allowed.ToString();
    x["paid"] = l.paid.ToString();
    if (!l.revenue.empty()) x["revenue_code"] = l.revenue;
    lines.push_back(std::move(x));
  }
  j["lines"] = std::move(lines);
  return j;
}

// Related claims (one natural key) -> claim ids with versions (Packet §5.1-5.2; README.md).
struct Chain {
  std::vector<ClaimRecord*> versions;
  bool voided() const { return versions.back()->adjustment == 1; }
};

std::vector<Chain> ChainsOf(std::vector<ClaimRecord*> group,
                            std::map<std::string, int64_t>* notes) {
  std::sort(group.begin(), group.end(), [](ClaimRecord* a, ClaimRecord* b) {
    return std::tie(a->effective, a->uid_num) < std::tie(b->effective, b->uid_num);
  });
  std::vector<Chain> chains;
  auto latest = [&](auto pred) -> Chain* {
    for (auto it = chains.rbegin(); it != chains.rend(); ++it) {
      if (pred(*it)) return &*it;
    }
    return nullptr;
  };
  for (ClaimRecord* r : group) {
    Chain* to = nullptr;
    if (r->adjustment == 1) {  // a cancellation: of the identical claim, else the latest
      const std::string f = Fingerprint(*r);
      to = latest(
          [&](const Chain& c) { return !c.voided() && Fingerprint(*c.versions.back()) == f; });
      if (!to) {
        to = latest([](const Chain& c) { return !c.voided(); });
        if (to) ++(*notes)["claims.cancellation_matched_to_latest_claim_not_identical"];
      }
      if (!to) ++(*notes)["claims.cancellation_without_open_claim"];
    } else if (r->adjustment == 2) {  // an adjustment: after its cancellation, else the latest
      to = latest([&](const Chain& c) {
        return c.voided() && c.versions.back()->effective == r->effective;
      });
      if (!to) to = latest([](const Chain& c) { return c.voided(); });
      if (!to) to = latest([](const Chain&) { return true; });
      if (!to) ++(*notes)["claims.adjustment_without_original"];
    } else {  // an original: a new claim, or the re-billing of a cancelled one (§5.2.2)
      to = latest([](const Chain& c) { return c.voided(); });
      if (to) ++(*notes)["claims.original_after_cancellation_continues_that_claim"];
    }
    if (!to) to = &chains.emplace_back();
    to->versions.push_back(r);
  }
  return chains;
}

Status Importer::WriteClaims() {
  std::map<std::string, std::vector<ClaimRecord*>> groups;
  for (auto& [_, c] : records_) {
    if (!c.rejected) groups[c.key].push_back(&c);
  }
  codec::RecordDecoder decoder;
  std::map<std::pair<std::string, int>, std::string> out;  // (claim_id, version) -> line
  for (const auto& [key, group] : groups) {
    std::vector<Chain> chains = ChainsOf(group, &notes_);
    int open = 0;
    for (size_t k = 0; k < chains.size(); ++k) {
      const std::string id = group.front()->base_id + (k == 0 ? "" : "." + std::to_string(k + 1));
      open += chains[k].voided() ? 0 : 1;
      for (size_t v = 0; v < chains[k].versions.size(); ++v) {
        ClaimRecord& c = *chains[k].versions[v];
        const char* freq = c.adjustment == 1 ? "void" : v == 0 ? "original" : "replacement";
        const std::string text = Line(ClaimJson(c, id, static_cast<int>(v + 1), freq));
        auto d = decoder.Decode(text, {*c.at.source, -1, c.at.line}, RecordKind::kClaim);
        if (d.reject) {
          RejectRecord(c, d.reject->field, d.reject->reason);
          continue;
        }
        out[{id, static_cast<int>(v + 1)}] = text;
        for (const RowRef& row : c.rows) log_.Mapped(*row.source);
        for (const auto& [_, row] : c.line_rows) log_.Mapped(*row.source);
        ++notes_[std::string("claims.versions_") + freq];
      }
    }
    if (open > 1) ++notes_["claims.related_groups_with_several_final_action_claims"];
    if (chains.size() > 1) ++notes_["claims.related_groups_split_into_several_claim_ids"];
  }
  std::set<std::string> ids;
  for (const auto& [key, text] : out) {
    VBP_RETURN_IF_ERROR(sinks_.claims->Append(text));
    ids.insert(key.first);
    ++summary_.claim_versions;
    if (text.find("\"frequency\":\"void\"") != std::string::npos) ++summary_.voids;
  }
  summary_.claims = static_cast<int64_t>(ids.size());
  return Status::Ok();
}

Status Importer::WriteMembers() {
  codec::RecordDecoder decoder;
  for (auto& [id, m] : members_) {
    std::sort(m.coverage.begin(), m.coverage.end(), [](const ojson& a, const ojson& b) {
      return std::make_pair(a.value("from", ""), a.value("through", "")) <
             std::make_pair(b.value("from", ""), b.value("through", ""));
    });
    ojson j = {{"schema", "vbp.member/1"},
               {"member_id", m.id},
               {"birth_date", m.birth.ToString()},
               {"sex", m.sex},
               {"coverage", m.coverage}};
    if (m.aligned_npi) j["aligned_npi"] = *m.aligned_npi;
    if (!m.risk_scores.is_null()) j["risk_scores"] = m.risk_scores;
    if (m.orec) j["orec"] = *m.orec;
    if (m.medicaid) j["medicaid"] = *m.medicaid;
    const std::string text = Line(j);
    auto d = decoder.Decode(text, {"members", -1, 0}, RecordKind::kMember);
    if (d.reject) {  // every row of the member is rejected with the decoder's reason
      for (const RowRef& row : m.rows) {
        log_.Reject(*row.source, row.line, d.reject->field, "member: " + d.reject->reason);
      }
      continue;
    }
    for (const RowRef& row : m.rows) log_.Mapped(*row.source);
    VBP_RETURN_IF_ERROR(sinks_.members->Append(text));
    ++summary_.members;
  }
  return Status::Ok();
}

// The roster when given; else one record per rendering NPI of CCLF5: the TIN and specialty
// it bills most lines under (ties: the smallest), class from the specialty.
Status Importer::WriteProviders() {
  if (options_.roster_ndjson) {
    for (const std::string& line : roster_lines_) {
      VBP_RETURN_IF_ERROR(sinks_.providers->Append(line));
      ++summary_.providers;
    }
    return Status::Ok();
  }
  auto most = [](const std::map<std::string, int64_t>& counts) {
    std::string best;
    int64_t n = -1;
    for (const auto& [k, c] : counts) {
      if (c > n) {
        best = k;
        n = c;
      }
    }
    return best;
  };
  for (const auto& [npi, tins] : npi_tins_) {
    std::string specialty = most(npi_specialties_[npi]);
    if (tins.size() > 1) Note("providers.npi_bills_under_several_tins_most_lines_kept");
    ojson j = {{"schema", "vbp.provider/1"},
               {"npi", npi},
               {"tin", most(tins)},
               {"specialty", specialty.empty() ? "unknown" : specialty},
               {"provider_class", ProviderClassName(ProviderClassOfSpecialty(specialty))},
               {"effective", kProviderEffective}};
    VBP_RETURN_IF_ERROR(sinks_.providers->Append(Line(j)));
    ++summary_.providers;
  }
  return Status::Ok();
}

Status Importer::WriteContracts() {
  if (!options_.contracts_ndjson) return Status::Ok();
  const std::string& src = options_.contracts_name;
  log_.tally(src).kind = "contract";
  log_.tally(src).format = "ndjson";
  codec::RecordDecoder decoder;
  for (const auto& [line_no, line] : NdjsonLines(*options_.contracts_ndjson)) {
    ++log_.tally(src).read;
    auto d = decoder.Decode(line, {src, -1, line_no}, RecordKind::kContract);
    if (d.reject) {
      log_.Reject(src, line_no, d.reject->field, d.reject->reason);
      continue;
    }
    const int py = std::get<Contract>(*d.record).performance_year;
    if (options_.performance_year && py != *options_.performance_year) {
      log_.Reject(src, line_no, "performance_year",
                  std::to_string(py) + " is not --performance-year " +
                      std::to_string(*options_.performance_year));
      continue;
    }
    VBP_RETURN_IF_ERROR(sinks_.contracts->Append(line));
    log_.Mapped(src);
    ++summary_.contracts;
  }
  return Status::Ok();
}

ojson Importer::Report() const {
  ojson r;
  r["schema"] = "vbp.import_report/1";
  r["source"] = "cclf";
  r["layout"] = "CMS CCLF Information Packet v38.0 (02/02/2024), Appendix B";
  ojson files = ojson::array();
  for (const auto& [name, t] : log_.tallies()) {
    files.push_back({{"source", name},
                     {"kind", t.kind},
                     {"format", t.format},
                     {"rows_read", t.read},
                     {"rows_mapped", t.mapped},
                     {"rows_rejected", t.rejected},
                     {"short_lines", t.short_lines}});
  }
  r["files"] = std::move(files);
  r["written"] = {{"members", summary_.members}, {"providers", summary_.providers},
                  {"claims", summary_.claims},   {"claim_versions", summary_.claim_versions},
                  {"voids", summary_.voids},     {"contracts", summary_.contracts},
                  {"rejects", log_.total()}};
  r["notes"] = notes_;
  r["rejects_by_reason"] = log_.by_reason();
  r["assumptions"] = {
      "claim_id: Part A = 'A.' + CLM_BLG_PRVDR_OSCAR_NUM + CLM_FROM_DT + CLM_THRU_DT + most recent "
      "MBI (the Part A natural key, Packet 5.1.2); Part B and DME = CLM_CNTL_NUM (natural key "
      "CLM_CNTL_NUM + MBI); a second final-action claim of one key gets '.2', '.3'",
      "versions: related claims ordered by CLM_EFCTV_DT then CUR_CLM_UNIQ_ID; a cancellation "
      "(CLM_ADJSMT_TYPE_CD 1) is a void of the identical open claim (else the latest), an "
      "adjustment (2) a replacement following its cancellation (Packet 5.2.1), an original (0) a "
      "new claim unless it re-bills a cancelled one (Packet 5.2.2)",
      "paid_date = CLM_EFCTV_DT (CCLF has no paid date)",
      "MBIs replaced by the most recent MBI of CCLF9 (Packet 5.1.1)",
      "Part A billing_tin: the roster TIN of CLM_BLG_PRVDR_NPI_NUM (else FAC_PRVDR_NPI_NUM), "
      "else its surrogate (last 9 digits); CCLF1 carries no TIN",
      "Part A line allowed = line paid (CCLF2 has no allowed amount); CLM_PMT_AMT minus the "
      "lines' sum goes on line 1 (Packet 5.3.1 sums CLM_PMT_AMT)",
      "Part A admission_date/discharge_date absent (not in the v38 CCLF1 layout)",
      "coverage: one medicare_ffs span per CCLF8 row with BENE_RNG_BGN_DT; open end = "
      "2199-12-31; cut at BENE_DEATH_DT",
      "enrollment_type from BENE_MDCR_STUS_CD, BENE_DUAL_STUS_CD, BENE_ORGNL_ENTLMT_RSN_CD "
      "(shared with vbp import tuva)",
      "short fixed-width lines: the fields they hold whole are read; a required field cut or "
      "missing rejects the row"};
  return r;
}

Result<CclfImportSummary> Importer::Run(const std::vector<CclfInput>& inputs) {
  VBP_RETURN_IF_ERROR(ReadAll(inputs));
  ReadCrosswalk();
  ReadMembers();
  MergeAttributes();
  ReadRoster();
  ReadPartAHeaders();
  ReadRevenueLines();
  ReadPartACodes(CclfKind::kDiagnosis);
  ReadPartACodes(CclfKind::kProcedure);
  FinishPartA();
  ReadPartBLines(CclfKind::kPhysician);
  ReadPartBLines(CclfKind::kDme);
  VBP_RETURN_IF_ERROR(WriteClaims());
  VBP_RETURN_IF_ERROR(WriteMembers());
  VBP_RETURN_IF_ERROR(WriteProviders());
  VBP_RETURN_IF_ERROR(WriteContracts());
  VBP_RETURN_IF_ERROR(log_.status());
  for (const auto& [name, t] : log_.tallies()) {
    VBP_CHECK(t.read == t.mapped + t.rejected);  // every row counted once (SPEC §6)
  }
  summary_.rows_rejected = log_.total();
  summary_.report = Report();
  return std::move(summary_);
}

}  // namespace

Result<CclfImportSummary> ImportCclf(const std::vector<CclfInput>& inputs,
                                     const CclfImportOptions& options,
                                     const CclfImportSinks& sinks) {
  if (!sinks.members || !sinks.providers || !sinks.claims || !sinks.contracts || !sinks.rejects) {
    return Status::Invalid("every output sink must be given");
  }
  Importer importer(options, sinks);
  return importer.Run(inputs);
}

// --- Public helpers -------------------------------------------------------------------------

std::optional<Money> ParseAmount(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (!AllDigits(whole) || (dot != std::string_view::npos && !AllDigits(frac))) {
    return std::nullopt;
  }
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  std::string plain = (negative ? "-" : "") + std::string(whole);
  if (!frac.empty()) plain += "." + std::string(frac);
  auto m = Money::Parse(plain);
  if (!m.ok()) return std::nullopt;
  return *m;
}

std::optional<std::string> ParseQuantity(std::string_view text) {
  auto m = ParseAmount(text);
  if (!m || m->IsNegative()) return std::nullopt;
  std::string s = m->ToString();  // at least two decimals
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::optional<Date> ParseCclfDate(std::string_view text) {
  std::string t(text);
  if (t.size() == 8 && AllDigits(t)) t = t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6);
  auto d = Date::Parse(t);
  if (!d.ok()) return std::nullopt;
  return *d;
}

}  // namespace vbp::cclf
