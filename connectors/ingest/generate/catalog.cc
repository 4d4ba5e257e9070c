#include "connectors/ingest/generate/catalog.h"

#include <array>

#include "domain/check.h"

namespace vbp::generate {
namespace {

using PC = ProviderClass;

constexpr std::array<SpecialtyInfo, kSpecCount> kSpecialties = {{
    {Spec::kFamilyPractice, "08", PC::kPcp, false, 45},
    {Spec::kInternalMedicine, "11", PC::kPcp, false, 43},
    {Spec::kGeneralPractice, "01", PC::kPcp, false, 6},
    {Spec::kGeriatrics, "38", PC::kPcp, false, 6},
    {Spec::kNursePractitioner, "50", PC::kNpp, false, 56},
    {Spec::kPhysicianAssistant, "97", PC::kNpp, false, 40},
    {Spec::kClinicalNurseSpecialist, "89", PC::kNpp, false, 4},
    {Spec::kCardiology, "06", PC::kSpecialist, false, 12},
    {Spec::kOrthopedics, "20", PC::kSpecialist, false, 8},
    {Spec::kGastroenterology, "10", PC::kSpecialist, false, 5},
    {Spec::kOphthalmology, "18", PC::kSpecialist, false, 7},
    {Spec::kDermatology, "07", PC::kSpecialist, false, 4},
    {Spec::kPulmonology, "29", PC::kSpecialist, false, 4},
    {Spec::kNeurology, "13", PC::kSpecialist, false, 4},
    {Spec::kUrology, "34", PC::kSpecialist, false, 4},
    {Spec::kNephrology, "39", PC::kSpecialist, false, 3},
    {Spec::kOncology, "83", PC::kSpecialist, false, 4},
    {Spec::kRadiology, "30", PC::kSpecialist, false, 11},
    {Spec::kEmergency, "93", PC::kSpecialist, false, 8},
    {Spec::kHospitalist, "C6", PC::kSpecialist, false, 8},
    {Spec::kGeneralSurgery, "02", PC::kSpecialist, false, 4},
    {Spec::kEndocrinology, "46", PC::kSpecialist, false, 2},
    {Spec::kRheumatology, "66", PC::kSpecialist, false, 2},
    {Spec::kPodiatry, "48", PC::kSpecialist, false, 3},
    {Spec::kPhysicalTherapist, "65", PC::kOther, false, 45},
    {Spec::kChiropractor, "35", PC::kOther, false, 20},
    {Spec::kOptometrist, "41", PC::kOther, false, 20},
    {Spec::kPsychologist, "62", PC::kOther, false, 15},
    {Spec::kHospital, "A0", PC::kOther, true, 0},
    {Spec::kLaboratory, "69", PC::kOther, true, 0},
    {Spec::kSkilledNursing, "A1", PC::kOther, true, 0},
    {Spec::kHomeHealth, "A4", PC::kOther, true, 0},
    {Spec::kDialysis, "87", PC::kOther, true, 0},
    {Spec::kDme, "54", PC::kOther, true, 0},
    {Spec::kAmbulance, "59", PC::kOther, true, 0},
}};

constexpr Condition kChronic[] = {
    {"I10", 520, Spec::kCardiology},         // essential hypertension
    {"E785", 450, Spec::kCardiology},        // hyperlipidemia
    {"E119", 160, Spec::kEndocrinology},     // type 2 diabetes
    {"E1122", 50, Spec::kNephrology},        // T2DM with diabetic CKD
    {"E1165", 40, Spec::kEndocrinology},     // T2DM with hyperglycemia
    {"E1140", 25, Spec::kNeurology},         // T2DM with neuropathy
    {"Z794", 40, Spec::kEndocrinology},      // long-term insulin use
    {"I2510", 140, Spec::kCardiology},       // coronary artery disease
    {"I4891", 90, Spec::kCardiology},        // atrial fibrillation
    {"I5022", 45, Spec::kCardiology},        // chronic systolic heart failure
    {"I5032", 35, Spec::kCardiology},        // chronic diastolic heart failure
    {"I110", 25, Spec::kCardiology},         // hypertensive heart disease with HF
    {"N1830", 80, Spec::kNephrology},        // CKD stage 3
    {"N184", 20, Spec::kNephrology},         // CKD stage 4
    {"J449", 90, Spec::kPulmonology},        // COPD
    {"G4733", 60, Spec::kPulmonology},       // obstructive sleep apnea
    {"E039", 150, Spec::kEndocrinology},     // hypothyroidism
    {"K219", 140, Spec::kGastroenterology},  // GERD
    {"K5730", 50, Spec::kGastroenterology},  // diverticulosis
    {"M1711", 70, Spec::kOrthopedics},       // primary OA right knee
    {"M1990", 80, Spec::kOrthopedics},       // osteoarthritis
    {"M810", 70, Spec::kRheumatology},       // osteoporosis
    {"M069", 20, Spec::kRheumatology},       // rheumatoid arthritis
    {"F329", 90, Spec::kPsychologist},       // depression
    {"F331", 20, Spec::kPsychologist},       // recurrent major depression, moderate
    {"F0390", 40, Spec::kNeurology},         // dementia
    {"G20A1", 10, Spec::kNeurology},         // Parkinson's disease
    {"I639", 15, Spec::kNeurology},          // history-coded cerebral infarction
    {"H2513", 90, Spec::kOphthalmology},     // age-related nuclear cataract
    {"H353210", 25, Spec::kOphthalmology},   // exudative AMD, right eye
    {"N400", 70, Spec::kUrology},            // BPH
    {"C61", 25, Spec::kUrology},             // prostate cancer
    {"C50911", 20, Spec::kOncology},         // breast cancer
    {"C3490", 10, Spec::kOncology},          // lung cancer
    {"C189", 8, Spec::kOncology},            // colon cancer
    {"E6601", 40, Spec::kEndocrinology},     // morbid obesity
    {"I739", 30, Spec::kCardiology},         // peripheral vascular disease
    {"D649", 60, Spec::kNephrology},         // anemia
    {"E559", 80, Spec::kEndocrinology},      // vitamin D deficiency
    {"F17210", 60, Spec::kPulmonology},      // nicotine dependence, cigarettes
};

constexpr const char* kRoutine[] = {"Z0000", "Z1231", "Z1211",  "Z23",  "R0789", "R42",
                                    "R5383", "R0600", "M25561", "R739", "E559",  "R262",
                                    "J189",  "N390",  "K5900",  "R531", "Z86010"};

// clang-format off
constexpr Drg kDrgs[] = {
    // code, payment, los, weight, principal, secondary, surgical, surgeon code/fee/spec, PCS
    {"871", 1868750, 4, 8, 90, "A419", "N179", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"872",  1006250, 3, 6, 60, "A419", "N390", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"291",  1293750, 3, 7, 80, "I5022", "N1830", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"292",  891250, 2, 5, 45, "I5032", "I10", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"193",  1250625, 3, 7, 55, "J189", "J9601", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"194",  862500, 2, 5, 45, "J189", "J449", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"190",  1078125, 3, 6, 45, "J441", "J9601", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"470", 1868750, 1, 3, 50, "M1711", "I10", true, "27447", 140000, Spec::kOrthopedics,
     "0SRC0J9"},
    {"481", 1940625, 4, 7, 25, "S72001A", "W1830XA", true, "27236", 130000,
     Spec::kOrthopedics, "0QS604Z"},
    {"065",  991875, 2, 5, 35, "I639", "I4891", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"682", 1437500, 3, 7, 35, "N179", "E1122", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"690",  761875, 2, 4, 45, "N390", "F0390", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"392",  718750, 2, 4, 45, "K5900", "E871", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"603",  819375, 2, 5, 35, "L03116", "E119", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"247", 2012500, 1, 3, 30, "I214", "I2510", true, "92928", 60000, Spec::kCardiology,
     "027034Z"},
    {"378",  963125, 2, 5, 30, "K5730", "D649", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"312",  776250, 1, 3, 35, "R55", "I10", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"641",  718750, 2, 4, 30, "E871", "N1830", false, nullptr, 0, Spec::kHospitalist, nullptr},
    {"329", 4887500, 7, 14, 12, "C189", "K5730", true, "44140", 180000, Spec::kGeneralSurgery,
     "0DTN0ZZ"},
};
constexpr Drg kCatastrophic[] = {
    {"003", 17250000, 20, 45, 30, "J9601", "A419", true, "31600", 40000, Spec::kGeneralSurgery,
     "5A1955Z"},
    {"004", 10781250, 14, 30, 30, "J9621", "J189", true, "31600", 40000, Spec::kGeneralSurgery,
     "0B110F4"},
    {"207", 5462500, 10, 25, 25, "J9601", "J441", false, nullptr, 0, Spec::kHospitalist,
     "5A1955Z"},
    {"853", 4743750, 10, 25, 15, "A419", "L03116", true, "11043", 30000, Spec::kGeneralSurgery,
     "0JBN0ZZ"},
};
// clang-format on

constexpr Service kCardiologyProcs[] = {
    {"93000", 1700}, {"93306", 23000}, {"93880", 19000}, {"93224", 8000}};
constexpr Service kOrthoProcs[] = {{"20610", 6500}, {"73562", 3500}, {"20611", 9500}};
constexpr Service kGiProcs[] = {
    {"45378", 38000}, {"45385", 48000}, {"43239", 28000}, {"88305", 7000}};
constexpr Service kOphthoProcs[] = {
    {"92134", 4200}, {"92083", 6000}, {"66984", 52000}, {"67028", 10500}};
constexpr Service kDermProcs[] = {
    {"17000", 7000}, {"17003", 500}, {"11102", 10500}, {"88305", 7000}};
constexpr Service kPulmProcs[] = {{"94010", 3500}, {"94060", 6000}, {"94729", 5000}};
constexpr Service kNeuroProcs[] = {{"95886", 10000}, {"95910", 12000}, {"95816", 23000}};
constexpr Service kUroProcs[] = {{"51798", 2000}, {"52000", 23000}, {"55700", 29000}};
constexpr Service kNephroProcs[] = {{"36415", 300}, {"80069", 1100}};
constexpr Service kOncoProcs[] = {
    {"96413", 14000}, {"96415", 3000}, {"96375", 2500}, {"85025", 777}};
constexpr Service kSurgeryProcs[] = {{"49505", 60000}, {"47562", 70000}, {"11042", 11000}};
constexpr Service kEndoProcs[] = {{"95251", 4000}, {"83036", 971}};
constexpr Service kRheumProcs[] = {{"20610", 6500}, {"96372", 1500}};
constexpr Service kPodiatryProcs[] = {{"11721", 5000}, {"11055", 4000}, {"11720", 3000}};
constexpr Service kPtProcs[] = {
    {"97110", 3000}, {"97140", 2800}, {"97161", 10000}, {"97530", 3400}};
constexpr Service kChiroProcs[] = {{"98940", 3000}, {"98941", 4300}};
constexpr Service kOptoProcs[] = {{"92014", 14000}, {"92015", 2000}};
constexpr Service kPsychProcs[] = {{"90834", 10500}, {"90837", 15500}, {"96127", 500}};
constexpr Service kNone[] = {{"99213", 9200}};

constexpr Service kLab[] = {{"80053", 1056}, {"85025", 777},  {"80061", 1339}, {"83036", 971},
                            {"84443", 1680}, {"82306", 2960}, {"81001", 317},  {"82570", 509},
                            {"84153", 1800}, {"82607", 1500}, {"83735", 600},  {"80048", 840}};
constexpr Service kImaging[] = {
    {"71046", 3600},  {"70450", 11500}, {"72148", 22500}, {"77067", 14000}, {"76700", 11500},
    {"71250", 15000}, {"70551", 23000}, {"73562", 3500},  {"78452", 43000}, {"77080", 4000}};

}  // namespace

const SpecialtyInfo& InfoOf(Spec s) {
  const auto& info = kSpecialties[static_cast<size_t>(s)];
  VBP_CHECK(info.spec == s);
  return info;
}

std::optional<ProviderClass> ClassOfCmsSpecialty(std::string_view cms_code) {
  for (const SpecialtyInfo& info : kSpecialties) {
    if (cms_code == info.cms_code) return info.cls;
  }
  return std::nullopt;
}

std::span<const Condition> ChronicConditions() { return kChronic; }
std::span<const char* const> RoutineDiagnoses() { return kRoutine; }
std::span<const Drg> CommonDrgs() { return kDrgs; }
std::span<const Drg> CatastrophicDrgs() { return kCatastrophic; }
std::span<const Service> LabServices() { return kLab; }
std::span<const Service> ImagingServices() { return kImaging; }

std::span<const Service> ProceduresOf(Spec s) {
  switch (s) {
    case Spec::kCardiology:
      return kCardiologyProcs;
    case Spec::kOrthopedics:
      return kOrthoProcs;
    case Spec::kGastroenterology:
      return kGiProcs;
    case Spec::kOphthalmology:
      return kOphthoProcs;
    case Spec::kDermatology:
      return kDermProcs;
    case Spec::kPulmonology:
      return kPulmProcs;
    case Spec::kNeurology:
      return kNeuroProcs;
    case Spec::kUrology:
      return kUroProcs;
    case Spec::kNephrology:
      return kNephroProcs;
    case Spec::kOncology:
      return kOncoProcs;
    case Spec::kGeneralSurgery:
      return kSurgeryProcs;
    case Spec::kEndocrinology:
      return kEndoProcs;
    case Spec::kRheumatology:
      return kRheumProcs;
    case Spec::kPodiatry:
      return kPodiatryProcs;
    case Spec::kPhysicalTherapist:
      return kPtProcs;
    case Spec::kChiropractor:
      return kChiroProcs;
    case Spec::kOptometrist:
      return kOptoProcs;
    case Spec::kPsychologist:
      return kPsychProcs;
    default:
      return kNone;
  }
}

int64_t PartBDeductibleCents(int year) { return year >= 2025 ? 25700 : 24000; }
int64_t PartADeductibleCents(int year) { return year >= 2025 ? 167600 : 163200; }
int64_t SnfCoinsurancePerDayCents(int year) { return year >= 2025 ? 20950 : 20400; }

int64_t PriceIndexE4(int year) {
  int64_t idx = 10000;
  for (int y = year; y < 2025; ++y) idx = idx * 10000 / 10300;
  for (int y = 2025; y < year; ++y) idx = idx * 10300 / 10000;
  return idx;
}

}  // namespace vbp::generate
