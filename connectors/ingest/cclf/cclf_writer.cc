#include "connectors/ingest/cclf/cclf_writer.h"

#include <algorithm>
#include <cstdio>

#include "connectors/codec/record_decoder.h"
#include "domain/check.h"

namespace vbp::cclf {
namespace {

using ojson = nlohmann::ordered_json;

// The first CUR_CLM_UNIQ_ID written: 13 digits (Appendix B 9(13)).
constexpr int64_t kFirstClaimUid = 1'000'000'000'001;
constexpr size_t kProfessionalDiagnosesMax = 12;  // CLM_DGNS_1_CD .. CLM_DGNS_12_CD

// One record of a layout being filled by field name.
class RowBuilder {
 public:
  explicit RowBuilder(CclfKind kind) : layout_(LayoutOf(kind)), values_(layout_.fields.size()) {}
  RowBuilder& Set(std::string_view name, std::string value) {
    values_[layout_.Index(name)] = std::move(value);
    return *this;
  }
  // An amount or quantity in the "-9(n).99" / "-9(n).9999" form of its field.
  Status SetAmount(std::string_view name, std::string_view amount, int decimals) {
    const CclfField& f = layout_.fields[layout_.Index(name)];
    auto text = FormatAmount(amount, f.length, decimals);
    if (!text) {
      return Status::Invalid(std::string(name) + ": " + std::string(amount) +
                             " does not fit the CCLF field");
    }
    Set(name, *text);
    return Status::Ok();
  }
  Status WriteTo(generate::LineSink* sink) const {
    std::string too_long;
    auto line = FormatFixedWidth(layout_, values_, &too_long);
    if (!line) {
      return Status::Invalid(std::string(layout_.file_id) + ": value too long for " + too_long);
    }
    return sink->Append(*line);
  }

 private:
  const CclfLayout& layout_;
  std::vector<std::string> values_;
};

std::string Digits(int64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

// CLM_TYPE_CD of an institutional claim from its type of bill (Appendix B Table 14).
std::string PartAClaimType(std::string_view bill_type) {
  if (bill_type.size() < 2) return "40";
  if (bill_type[0] == '1' && bill_type[1] == '1') return "60";  // inpatient
  if (bill_type[0] == '2') return "20";                         // SNF
  if (bill_type[0] == '3') return "10";                         // HHA
  if (bill_type[0] == '8' && bill_type[1] == '1') return "50";  // hospice
  return "40";                                                  // outpatient
}

// The facility's synthetic CCN: the last 6 digits of its NPI (README.md).
std::string Ccn(std::string_view npi) {
  return std::string(npi.size() >= 6 ? npi.substr(npi.size() - 6) : npi);
}

}  // namespace

std::string CmsFileName(CclfKind kind, int year) {
  const std::string yy = Digits(year % 100, 2);
  return "P.A0001.ACO.ZC" + std::string(1, LayoutOf(kind).zc_digit) + "Y" + yy + ".D" + yy +
         "1231.T1200000";
}

class CclfWriter::Impl {
 public:
  explicit Impl(const CclfWriterSinks& sinks) : sinks_(sinks) {}

  Status AddMember(std::string_view line);
  Status AddProvider(std::string_view line);
  Status AddContract(std::string_view line);
  Status AddClaim(std::string_view line);
  Status FlushClaims();
  ojson Summary() const;

 private:
  Status WriteVersion(const Claim& c, int adjustment, Date effective);
  Status WritePartA(const Claim& c, const std::string& uid, int adjustment, Date effective);
  Status WritePartB(const Claim& c, const std::string& uid, int adjustment, Date effective);
  std::optional<Claim> Decode(std::string_view line, RecordKind kind);

  CclfWriterSinks sinks_;
  codec::RecordDecoder decoder_;
  std::map<std::string, std::string> specialty_;  // npi -> CMS specialty (the roster's)
  std::string buffered_member_;
  std::map<std::pair<std::string, int64_t>, Claim> buffered_;  // (claim_id, version)
  int64_t next_uid_ = kFirstClaimUid;
  std::map<std::string, int64_t> counts_;
};

Status CclfWriter::Impl::AddProvider(std::string_view line) {
  auto d = decoder_.Decode(line, {"providers", -1, 0}, RecordKind::kProvider);
  if (d.reject) {
    ++counts_["not_written.provider"];
    return Status::Ok();
  }
  const Provider& p = std::get<Provider>(*d.record);
  specialty_.try_emplace(p.npi.str(), p.specialty);
  ++counts_["roster_records"];
  return sinks_.roster->Append(line);
}

Status CclfWriter::Impl::AddContract(std::string_view line) {
  auto d = decoder_.Decode(line, {"contracts", -1, 0}, RecordKind::kContract);
  if (d.reject) {
    ++counts_["not_written.contract"];
    return Status::Ok();
  }
  ++counts_["contracts"];
  return sinks_.contracts->Append(line);
}

// CCLF8: one row per Medicare FFS span; the rest in member_attributes.ndjson.
Status CclfWriter::Impl::AddMember(std::string_view line) {
  auto d = decoder_.Decode(line, {"members", -1, 0}, RecordKind::kMember);
  if (d.reject) {
    ++counts_["not_written.member"];
    return Status::Ok();
  }
  const Member& m = std::get<Member>(*d.record);
  const ojson raw = ojson::parse(line, nullptr, false);
  ojson attributes = {{"member_id", m.member_id.str()}};
  if (raw.contains("risk_scores")) attributes["risk_scores"] = raw["risk_scores"];
  if (m.aligned_npi) attributes["aligned_npi"] = m.aligned_npi->str();
  ojson other = ojson::array();
  auto row = [&](const Coverage* span) -> Status {
    RowBuilder r(CclfKind::kBeneficiary);
    r.Set("BENE_MBI_ID", m.member_id.str()).Set("BENE_DOB", m.birth_date.ToString());
    r.Set("BENE_SEX_CD", m.sex == Sex::kMale ? "1" : m.sex == Sex::kFemale ? "2" : "0");
    if (m.orec) r.Set("BENE_ORGNL_ENTLMT_RSN_CD", *m.orec);
    if (span) {
      const EnrollmentType t = span->enrollment_type;
      r.Set("BENE_RNG_BGN_DT", span->from.ToString())
          .Set("BENE_RNG_END_DT", span->through.ToString());
      r.Set("BENE_MDCR_STUS_CD", t == EnrollmentType::kEsrd       ? "31"
                                 : t == EnrollmentType::kDisabled ? "20"
                                                                  : "10");
      std::string dual = !m.medicaid ? "" : *m.medicaid ? "02" : "00";
      if (t == EnrollmentType::kAgedDual) dual = "02";
      if (t == EnrollmentType::kAgedNondual && m.medicaid) dual = "00";
      r.Set("BENE_DUAL_STUS_CD", dual);
    }
    ++counts_["cclf8_rows"];
    return r.WriteTo(sinks_.cclf8);
  };
  int ffs_spans = 0;
  for (const Coverage& span : m.coverage) {
    if (span.program != "medicare_ffs") {
      other.push_back({{"from", span.from.ToString()},
                       {"through", span.through.ToString()},
                       {"program", span.program},
                       {"enrollment_type", EnrollmentTypeName(span.enrollment_type)}});
      continue;
    }
    ++ffs_spans;
    VBP_RETURN_IF_ERROR(row(&span));
  }
  if (ffs_spans == 0) VBP_RETURN_IF_ERROR(row(nullptr));  // the member, without a range
  if (!other.empty()) attributes["coverage"] = std::move(other);
  if (attributes.size() > 1) {
    ++counts_["member_attributes"];
    VBP_RETURN_IF_ERROR(sinks_.member_attributes->Append(attributes.dump()));
  }
  return Status::Ok();
}

std::optional<Claim> CclfWriter::Impl::Decode(std::string_view line, RecordKind kind) {
  auto d = decoder_.Decode(line, {"claims", -1, 0}, kind);
  if (d.reject) return std::nullopt;
  return std::get<Claim>(std::move(*d.record));
}

Status CclfWriter::Impl::AddClaim(std::string_view line) {
  auto c = Decode(line, RecordKind::kClaim);
  if (!c) {
    ++counts_["not_written.claim"];
    return Status::Ok();
  }
  if (c->member_id.str() != buffered_member_) {
    VBP_RETURN_IF_ERROR(FlushClaims());
    buffered_member_ = c->member_id.str();
  }
  auto key = std::make_pair(c->claim_id.str(), c->version);
  if (!buffered_.try_emplace(key, std::move(*c)).second)
    ++counts_["duplicate_deliveries_written_once"];
  return Status::Ok();
}

// One member's claims, each in version order: an original, then per replacement a
// cancellation of the version it replaces and an adjustment, per void a cancellation
// (Packet §4.4, §5.2.1). CUR_CLM_UNIQ_IDs increase in that order.
Status CclfWriter::Impl::FlushClaims() {
  const Claim* previous = nullptr;
  for (const auto& [key, c] : buffered_) {
    const bool first = previous == nullptr || previous->claim_id.str() != key.first;
    if (first) {
      VBP_RETURN_IF_ERROR(WriteVersion(c, c.frequency == Frequency::kVoid ? 1 : 0, c.paid_date));
    } else if (c.frequency == Frequency::kVoid) {
      VBP_RETURN_IF_ERROR(WriteVersion(c, 1, c.paid_date));
    } else {
      if (previous->frequency != Frequency::kVoid) {
        VBP_RETURN_IF_ERROR(WriteVersion(*previous, 1, c.paid_date));
      }
      VBP_RETURN_IF_ERROR(WriteVersion(c, 2, c.paid_date));
    }
    previous = &c;
  }
  buffered_.clear();
  return Status::Ok();
}

Status CclfWriter::Impl::WriteVersion(const Claim& c, int adjustment, Date effective) {
  const std::string uid = Digits(next_uid_++, 13);
  ++counts_[std::string("records_adjustment_type_") + std::to_string(adjustment)];
  if (c.claim_type == ClaimType::kInstitutional) return WritePartA(c, uid, adjustment, effective);
  return WritePartB(c, uid, adjustment, effective);
}

Status CclfWriter::Impl::WritePartA(const Claim& c, const std::string& uid, int adjustment,
                                    Date effective) {
  std::string bill = c.bill_type;
  if (bill.size() == 4 && bill[0] == '0') bill.erase(0, 1);
  if (bill.size() != 3) ++counts_["part_a.bill_type_not_3_digits_left_blank"];
  const std::string type = PartAClaimType(bill);
  const std::string facility = c.facility_npi.empty() ? c.rendering_npi.str() : c.facility_npi;
  const std::string ccn = Ccn(facility);
  Money total;
  for (const ClaimLine& l : c.lines) total += l.paid;
  RowBuilder h(CclfKind::kPartAHeader);
  h.Set("CUR_CLM_UNIQ_ID", uid).Set("PRVDR_OSCAR_NUM", ccn).Set("BENE_MBI_ID", c.member_id.str());
  h.Set("CLM_TYPE_CD", type).Set("CLM_FROM_DT", c.from_date.ToString());
  h.Set("CLM_THRU_DT", c.through_date.ToString());
  if (bill.size() == 3) {
    h.Set("CLM_BILL_FAC_TYPE_CD", bill.substr(0, 1)).Set("CLM_BILL_CLSFCTN_CD", bill.substr(1, 1));
    h.Set("CLM_BILL_FREQ_CD", bill.substr(2, 1));
  }
  if (!c.diagnoses.empty()) h.Set("PRNCPL_DGNS_CD", c.diagnoses[0]);
  VBP_RETURN_IF_ERROR(h.SetAmount("CLM_PMT_AMT", total.ToString(), 2));
  h.Set("BENE_PTNT_STUS_CD", c.discharge_status).Set("DGNS_DRG_CD", c.drg);
  h.Set("FAC_PRVDR_NPI_NUM", facility).Set("ATNDG_PRVDR_NPI_NUM", c.rendering_npi.str());
  h.Set("CLM_ADJSMT_TYPE_CD", std::to_string(adjustment));
  h.Set("CLM_EFCTV_DT", effective.ToString()).Set("CLM_IDR_LD_DT", effective.ToString());
  h.Set("DGNS_PRCDR_ICD_IND", "0").Set("CLM_BLG_PRVDR_OSCAR_NUM", ccn);
  h.Set("CLM_BLG_PRVDR_NPI_NUM", facility);
  VBP_RETURN_IF_ERROR(h.WriteTo(sinks_.cclf1));
  for (const ClaimLine& l : c.lines) {
    RowBuilder r(CclfKind::kRevenue);
    r.Set("CUR_CLM_UNIQ_ID", uid).Set("CLM_LINE_NUM", Digits(l.line, 10));
    r.Set("BENE_MBI_ID", c.member_id.str()).Set("CLM_TYPE_CD", type);
    r.Set("CLM_LINE_FROM_DT", l.service_date.ToString());
    r.Set("CLM_LINE_THRU_DT", l.service_date.ToString());
    r.Set("CLM_LINE_PROD_REV_CTR_CD", l.revenue_code);
    r.Set("CLM_LINE_INSTNL_REV_CTR_DT", l.service_date.ToString())
        .Set("CLM_LINE_HCPCS_CD", l.hcpcs);
    r.Set("PRVDR_OSCAR_NUM", ccn).Set("CLM_FROM_DT", c.from_date.ToString());
    r.Set("CLM_THRU_DT", c.through_date.ToString());
    VBP_RETURN_IF_ERROR(r.SetAmount("CLM_LINE_SRVC_UNIT_QTY", l.units, 4));
    VBP_RETURN_IF_ERROR(r.SetAmount("CLM_LINE_CVRD_PD_AMT", l.paid.ToString(), 2));
    for (size_t k = 0; k < l.modifiers.size() && k < 5; ++k) {
      r.Set("HCPCS_" + std::to_string(k + 1) + "_MDFR_CD", l.modifiers[k]);
    }
    r.Set("CLM_FAC_PRVDR_OSCAR_NUM", ccn);
    VBP_RETURN_IF_ERROR(r.WriteTo(sinks_.cclf2));
  }
  for (size_t i = 0; i < c.diagnoses.size(); ++i) {
    RowBuilder r(CclfKind::kDiagnosis);
    r.Set("CUR_CLM_UNIQ_ID", uid).Set("BENE_MBI_ID", c.member_id.str()).Set("CLM_TYPE_CD", type);
    r.Set("CLM_PROD_TYPE_CD", i == 0 ? "P" : "D").Set("CLM_VAL_SQNC_NUM", Digits(i + 1, 2));
    r.Set("CLM_DGNS_CD", c.diagnoses[i]).Set("PRVDR_OSCAR_NUM", ccn);
    r.Set("CLM_FROM_DT", c.from_date.ToString()).Set("CLM_THRU_DT", c.through_date.ToString());
    r.Set("DGNS_PRCDR_ICD_IND", "0").Set("CLM_BLG_PRVDR_OSCAR_NUM", ccn);
    VBP_RETURN_IF_ERROR(r.WriteTo(sinks_.cclf4));
  }
  for (size_t i = 0; i < c.procedures.size(); ++i) {
    RowBuilder r(CclfKind::kProcedure);
    r.Set("CUR_CLM_UNIQ_ID", uid).Set("BENE_MBI_ID", c.member_id.str()).Set("CLM_TYPE_CD", type);
    r.Set("CLM_VAL_SQNC_NUM", Digits(i + 1, 2)).Set("CLM_PRCDR_CD", c.procedures[i]);
    r.Set("CLM_PRCDR_PRFRM_DT", c.from_date.ToString()).Set("PRVDR_OSCAR_NUM", ccn);
    r.Set("CLM_FROM_DT", c.from_date.ToString()).Set("CLM_THRU_DT", c.through_date.ToString());
    r.Set("DGNS_PRCDR_ICD_IND", "0").Set("CLM_BLG_PRVDR_OSCAR_NUM", ccn);
    VBP_RETURN_IF_ERROR(r.WriteTo(sinks_.cclf3));
  }
  return Status::Ok();
}

Status CclfWriter::Impl::WritePartB(const Claim& c, const std::string& uid, int adjustment,
                                    Date effective) {
  if (c.diagnoses.size() > kProfessionalDiagnosesMax)
    ++counts_["part_b.diagnoses_beyond_12_dropped"];
  auto spec = specialty_.find(c.rendering_npi.str());
  for (const ClaimLine& l : c.lines) {
    RowBuilder r(CclfKind::kPhysician);
    r.Set("CUR_CLM_UNIQ_ID", uid).Set("CLM_LINE_NUM", Digits(l.line, 10));
    r.Set("BENE_MBI_ID", c.member_id.str()).Set("CLM_TYPE_CD", "71");
    r.Set("CLM_FROM_DT", c.from_date.ToString()).Set("CLM_THRU_DT", c.through_date.ToString());
    if (spec != specialty_.end() && spec->second.size() <= 2) {
      r.Set("CLM_PRVDR_SPCLTY_CD", spec->second);
    }
    r.Set("CLM_POS_CD", l.pos).Set("CLM_LINE_FROM_DT", l.service_date.ToString());
    r.Set("CLM_LINE_THRU_DT", l.service_date.ToString()).Set("CLM_LINE_HCPCS_CD", l.hcpcs);
    VBP_RETURN_IF_ERROR(r.SetAmount("CLM_LINE_CVRD_PD_AMT", l.paid.ToString(), 2));
    if (!c.diagnoses.empty()) r.Set("CLM_LINE_DGNS_CD", c.diagnoses[0]);
    r.Set("CLM_RNDRG_PRVDR_TAX_NUM", c.billing_tin.str());
    r.Set("RNDRG_PRVDR_NPI_NUM", c.rendering_npi.str());
    r.Set("CLM_ADJSMT_TYPE_CD", std::to_string(adjustment));
    r.Set("CLM_EFCTV_DT", effective.ToString()).Set("CLM_IDR_LD_DT", effective.ToString());
    r.Set("CLM_CNTL_NUM", c.claim_id.str());
    VBP_RETURN_IF_ERROR(r.SetAmount("CLM_LINE_ALOWD_CHRG_AMT", l.allowed.ToString(), 2));
    VBP_RETURN_IF_ERROR(r.SetAmount("CLM_LINE_SRVC_UNIT_QTY", l.units, 4));
    for (size_t k = 0; k < l.modifiers.size() && k < 5; ++k) {
      r.Set("HCPCS_" + std::to_string(k + 1) + "_MDFR_CD", l.modifiers[k]);
    }
    for (size_t k = 0; k < c.diagnoses.size() && k < kProfessionalDiagnosesMax; ++k) {
      r.Set("CLM_DGNS_" + std::to_string(k + 1) + "_CD", c.diagnoses[k]);
    }
    r.Set("DGNS_PRCDR_ICD_IND", "0").Set("CLM_RNDRG_PRVDR_NPI_NUM", c.rendering_npi.str());
    VBP_RETURN_IF_ERROR(r.WriteTo(sinks_.cclf5));
  }
  return Status::Ok();
}

ojson CclfWriter::Impl::Summary() const { return counts_; }

CclfWriter::CclfWriter(const CclfWriterSinks& sinks) : impl_(std::make_unique<Impl>(sinks)) {}
CclfWriter::~CclfWriter() = default;
Status CclfWriter::AddMemberLine(std::string_view line) { return impl_->AddMember(line); }
Status CclfWriter::AddProviderLine(std::string_view line) { return impl_->AddProvider(line); }
Status CclfWriter::AddContractLine(std::string_view line) { return impl_->AddContract(line); }
Status CclfWriter::AddClaimLine(std::string_view line) { return impl_->AddClaim(line); }
Status CclfWriter::Finish() { return impl_->FlushClaims(); }
nlohmann::ordered_json CclfWriter::Summary() const { return impl_->Summary(); }

Status CclfRecordSink::Append(std::string_view line) {
  ++lines_;
  bytes_ += static_cast<int64_t>(line.size()) + 1;
  switch (kind_) {
    case RecordKind::kMember:
      return writer_->AddMemberLine(line);
    case RecordKind::kProvider:
      return writer_->AddProviderLine(line);
    case RecordKind::kContract:
      return writer_->AddContractLine(line);
    case RecordKind::kClaim:
      return writer_->AddClaimLine(line);
  }
  return Status::Ok();
}

}  // namespace vbp::cclf
