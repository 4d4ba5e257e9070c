#pragma once
// The one owner of the FHIR names the importer reads and the writer writes: code systems,
// extension URLs, identifier types and category codes of CARIN Blue Button (C4BB, R4 STU 2.0.0),
// CMS Blue Button 2.0 (R4, as served by BCDA v2) and Blue Button 1.0 (STU3, BCDA v1). The reader
// accepts every alternative listed for a concept; the writer writes the first (R4 CARIN) form.
// Project extensions (kVbp*) carry what FHIR has no element for (risk scores, voluntary
// alignment, the program of a coverage span); see README.md.

#include <string_view>

namespace vbp::fhir::vocab {

using sv = std::string_view;

// --- Resource types -------------------------------------------------------------------------
inline constexpr sv kEob = "ExplanationOfBenefit";
inline constexpr sv kPatient = "Patient";
inline constexpr sv kCoverage = "Coverage";

// --- Identifiers ----------------------------------------------------------------------------
inline constexpr sv kNpiSystem = "http://hl7.org/fhir/sid/us-npi";
inline constexpr sv kMbiSystem = "http://hl7.org/fhir/sid/us-mbi";
inline constexpr sv kMbiHashSystemPrefix = "https://bluebutton.cms.gov/resources/identifier/mbi";
inline constexpr sv kBeneIdSystem = "https://bluebutton.cms.gov/resources/variables/bene_id";
inline constexpr sv kTinSystem = "urn:oid:2.16.840.1.113883.4.4";  // IRS TIN
inline constexpr sv kIdentifierTypeSystem = "http://terminology.hl7.org/CodeSystem/v2-0203";
inline constexpr sv kTaxIdType = "TAX";
inline constexpr sv kNpiIdType = "NPI";
inline constexpr sv kNpiIdTypeC4bb = "npi";  // C4BBIdentifierType, as Blue Button 2.0 writes it
inline constexpr sv kMbiIdType = "MC";       // v2-0203 "Patient's Medicare number"
inline constexpr sv kC4bbIdentifierTypeSystem =
    "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBIdentifierType";
inline constexpr sv kUniqueClaimIdType = "uc";
inline constexpr sv kClmIdSystem = "https://bluebutton.cms.gov/resources/variables/clm_id";

// --- Claim type -----------------------------------------------------------------------------
inline constexpr sv kClaimTypeSystem = "http://terminology.hl7.org/CodeSystem/claim-type";
inline constexpr sv kClaimTypeSystemStu3 = "http://hl7.org/fhir/ex-claimtype";
inline constexpr sv kBbEobTypeSystem = "https://bluebutton.cms.gov/resources/codesystem/eob-type";

// --- Status and related claims --------------------------------------------------------------
inline constexpr sv kStatusCancelled = "cancelled";
inline constexpr sv kStatusEnteredInError = "entered-in-error";
inline constexpr sv kRelatedRelationshipSystem =
    "http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship";
inline constexpr sv kRelationshipPrior = "prior";            // this EOB replaces the referenced one
inline constexpr sv kRelationshipReplaces = "replaces";      // same meaning, some payers' code
inline constexpr sv kRelationshipReplacedBy = "replacedby";  // C4BB: the referenced replaces this

// --- Care team ------------------------------------------------------------------------------
inline constexpr sv kC4bbCareTeamRoleSystem =
    "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBClaimCareTeamRole";
inline constexpr sv kRolePerforming = "performing";
inline constexpr sv kRoleRendering = "rendering";
inline constexpr sv kRolePrimary = "primary";  // R4 core claimcareteamrole, BB v1
inline constexpr sv kBbVariables = "https://bluebutton.cms.gov/resources/variables/";
inline constexpr sv kTaxNumUrl = "https://bluebutton.cms.gov/resources/variables/tax_num";
inline constexpr sv kSpecialtySystem =
    "https://bluebutton.cms.gov/resources/variables/prvdr_spclty";

// --- Amounts --------------------------------------------------------------------------------
inline constexpr sv kAdjudicationSystem = "http://terminology.hl7.org/CodeSystem/adjudication";
inline constexpr sv kC4bbAdjudicationSystem =
    "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication";
inline constexpr sv kBbAdjudicationSystem =
    "https://bluebutton.cms.gov/resources/codesystem/adjudication";
inline constexpr sv kCatEligible = "eligible";  // allowed amount
inline constexpr sv kCatPaidToProvider = "paidtoprovider";
inline constexpr sv kCatBenefit = "benefit";
// BB variables used as adjudication category codes (full URLs in BB v1 and v2).
inline constexpr sv kBbLineAllowed =
    "https://bluebutton.cms.gov/resources/variables/line_alowd_chrg_amt";
inline constexpr sv kBbLinePaid = "https://bluebutton.cms.gov/resources/variables/line_nch_pmt_amt";
inline constexpr sv kBbRevCenterPaid =
    "https://bluebutton.cms.gov/resources/variables/rev_cntr_pmt_amt_amt";
inline constexpr sv kBbWeeklyProcessDate =
    "https://bluebutton.cms.gov/resources/variables/nch_wkly_proc_dt";

// --- Codes on claims ------------------------------------------------------------------------
inline constexpr sv kIcd10CmSystem = "http://hl7.org/fhir/sid/icd-10-cm";
inline constexpr sv kIcd10PcsSystem = "http://www.cms.gov/Medicare/Coding/ICD10";
inline constexpr sv kDiagnosisTypeSystem = "http://terminology.hl7.org/CodeSystem/ex-diagnosistype";
inline constexpr sv kDiagnosisPrincipal = "principal";
inline constexpr sv kHcpcsSystem = "https://bluebutton.cms.gov/resources/codesystem/hcpcs";
inline constexpr sv kPosSystem =
    "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set";
inline constexpr sv kRevenueSystem = "https://www.nubc.org/CodeSystem/RevenueCodes";
inline constexpr sv kBillTypeSystem = "https://www.nubc.org/CodeSystem/TypeOfBill";
inline constexpr sv kDischargeStatusSystem = "https://www.nubc.org/CodeSystem/PatDischargeStatus";
inline constexpr sv kDrgSystem =
    "https://www.cms.gov/Medicare/Medicare-Fee-for-Service-Payment/AcuteInpatientPPS/"
    "MS-DRG-Classifications-and-Software";
inline constexpr sv kSupportingInfoTypeSystem =
    "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBSupportingInfoType";
inline constexpr sv kInfoBillType = "typeofbill";
inline constexpr sv kInfoDischargeStatus = "discharge-status";
inline constexpr sv kInfoAdmissionPeriod = "admissionperiod";
inline constexpr sv kInfoDrg = "drg";
inline constexpr sv kInfoClaimReceived = "clmrecvddate";

// --- Coverage -------------------------------------------------------------------------------
inline constexpr sv kMsCdUrl = "https://bluebutton.cms.gov/resources/variables/ms_cd";
inline constexpr sv kOrecUrl = "https://bluebutton.cms.gov/resources/variables/orec";
inline constexpr sv kDualStatusUrlPrefix = "https://bluebutton.cms.gov/resources/variables/dual_";
// One dual status code for the span (CCLF8 BENE_DUAL_STUS_CD's name); BB's monthly
// dual_01..dual_12 share the prefix and are read alike.
inline constexpr sv kDualStatusUrl = "https://bluebutton.cms.gov/resources/variables/dual_stus_cd";
inline constexpr sv kMedicareStatusAged = "10";
inline constexpr sv kMedicareStatusDisabled = "20";
inline constexpr sv kMedicareStatusEsrd = "31";
inline constexpr sv kDualFull = "02";
inline constexpr sv kDualNone = "00";
inline constexpr sv kCoverageClassSystem = "http://terminology.hl7.org/CodeSystem/coverage-class";
inline constexpr sv kPartA = "Part A";
inline constexpr sv kPartB = "Part B";
inline constexpr sv kPartC = "Part C";
inline constexpr sv kPartD = "Part D";

// --- Profiles and other names only the writer needs ----------------------------------------
inline constexpr sv kProfileEobProfessional =
    "http://hl7.org/fhir/us/carin-bb/StructureDefinition/"
    "C4BB-ExplanationOfBenefit-Professional-NonClinician";
inline constexpr sv kProfileEobInstitutional =
    "http://hl7.org/fhir/us/carin-bb/StructureDefinition/"
    "C4BB-ExplanationOfBenefit-Outpatient-Institutional";
inline constexpr sv kProfilePatient =
    "http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Patient";
inline constexpr sv kProfileCoverage =
    "http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Coverage";
inline constexpr sv kClaimIdSystem = "urn:vbp:claim-id";  // the claim identifier's system
inline constexpr sv kCoverageClassPlan = "plan";

// --- Project extensions (no FHIR element carries these) -------------------------------------
inline constexpr sv kVbpRiskScoreUrl = "urn:vbp:fhir:extension:risk-score";  // year + score
inline constexpr sv kVbpAlignedNpiUrl = "urn:vbp:fhir:extension:aligned-npi";
inline constexpr sv kVbpMedicaidUrl = "urn:vbp:fhir:extension:medicaid";
inline constexpr sv kVbpProgramUrl = "urn:vbp:fhir:extension:program";

// --- Program names written into SPEC member coverage ----------------------------------------
inline constexpr sv kProgramFfs = "medicare_ffs";
inline constexpr sv kProgramAdvantage = "medicare_advantage";

}  // namespace vbp::fhir::vocab
