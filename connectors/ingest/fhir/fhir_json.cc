#include "connectors/ingest/fhir/fhir_json.h"

#include <vector>

namespace vbp::fhir {
namespace {

// Builds the DOM from nlohmann's SAX events, keeping each non-integer number's literal text.
class PreservingBuilder {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  bool null() { return Put(Json(nullptr)); }
  bool boolean(bool v) { return Put(Json(v)); }
  bool number_integer(number_integer_t v) { return Put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) { return Put(Json(v)); }
  bool number_float(number_float_t, const string_t& literal) { return Put(Json(literal)); }
  bool string(string_t& v) { return Put(Json(std::move(v))); }
  bool binary(binary_t&) { return false; }
  bool start_object(std::size_t) { return Open(Json::object()); }
  bool key(string_t& k) {
    key_ = std::move(k);
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(std::size_t) { return Open(Json::array()); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_ = "not valid JSON at byte " + std::to_string(position) + ": " + e.what();
    return false;
  }

  Json& root() { return root_; }
  const std::string& error() const { return error_; }

 private:
  // Inserts into the open container (or sets the root) and returns where the value lives.
  Json* Insert(Json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    Json& slot = top[key_];
    slot = std::move(v);
    return &slot;
  }
  bool Put(Json v) {
    Insert(std::move(v));
    return true;
  }
  bool Open(Json v) {
    stack_.push_back(Insert(std::move(v)));
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  Json root_;
  std::vector<Json*> stack_;
  std::string key_;
  std::string error_;
};

}  // namespace

Result<Json> ParseJsonPreservingNumbers(std::string_view text) {
  PreservingBuilder builder;
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const std::exception& e) {  // nlohmann may throw on allocation or depth
    return Status::Invalid(std::string("not valid JSON: ") + e.what());
  }
  if (!ok) {
    return Status::Invalid(builder.error().empty() ? "not valid JSON" : builder.error());
  }
  return std::move(builder.root());
}

const Json* Field(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string Str(const Json& obj, std::string_view key) {
  const Json* v = Field(obj, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

std::optional<std::string> DecimalText(const Json* value) {
  if (!value) return std::nullopt;
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number_unsigned()) return std::to_string(value->get<uint64_t>());
  if (value->is_number_integer()) return std::to_string(value->get<int64_t>());
  return std::nullopt;  // floats never reach the DOM (see the header)
}

namespace {

template <typename Fn>
void ForEachCoding(const Json* cc, Fn fn) {
  if (!cc) return;
  const Json* codings = Field(*cc, "coding");
  if (!codings || !codings->is_array()) return;
  for (const Json& c : *codings) {
    if (c.is_object() && fn(c)) return;
  }
}

}  // namespace

std::string CodeIn(const Json* cc, std::string_view system) {
  std::string out;
  ForEachCoding(cc, [&](const Json& c) {
    if (Str(c, "system") != system) return false;
    out = Str(c, "code");
    return true;
  });
  return out;
}

std::string FirstCode(const Json* cc) {
  std::string out;
  ForEachCoding(cc, [&](const Json& c) {
    out = Str(c, "code");
    return !out.empty();
  });
  return out;
}

bool HasCode(const Json* cc, std::string_view system, std::string_view code) {
  bool found = false;
  ForEachCoding(cc, [&](const Json& c) {
    found = Str(c, "code") == code && (system.empty() || Str(c, "system") == system);
    return found;
  });
  return found;
}

const Json* Extension(const Json& obj, std::string_view url) {
  const Json* exts = Field(obj, "extension");
  if (!exts || !exts->is_array()) return nullptr;
  for (const Json& e : *exts) {
    if (Str(e, "url") == url) return &e;
  }
  return nullptr;
}

std::string ExtensionText(const Json* ext) {
  if (!ext) return {};
  if (const Json* c = Field(*ext, "valueCoding")) return Str(*c, "code");
  if (const Json* i = Field(*ext, "valueIdentifier")) return Str(*i, "value");
  for (const char* k : {"valueString", "valueCode", "valueDate", "valueDateTime"}) {
    if (const Json* v = Field(*ext, k); v && v->is_string()) return v->get<std::string>();
  }
  if (const Json* b = Field(*ext, "valueBoolean"); b && b->is_boolean()) {
    return b->get<bool>() ? "true" : "false";
  }
  for (const char* k : {"valueDecimal", "valueInteger", "valueUnsignedInt", "valuePositiveInt"}) {
    if (auto t = DecimalText(Field(*ext, k))) return *t;
  }
  return {};
}

std::string IdentifierValue(const Json& obj, std::string_view system, std::string_view type_code) {
  const Json* ids = Field(obj, "identifier");
  if (!ids) return {};
  auto match = [&](const Json& id) {
    if (!system.empty() && Str(id, "system") == system) return true;
    return !type_code.empty() && HasCode(Field(id, "type"), {}, type_code);
  };
  if (ids->is_object()) return match(*ids) ? Str(*ids, "value") : std::string();  // Reference
  if (!ids->is_array()) return {};
  for (const Json& id : *ids) {
    if (id.is_object() && match(id)) return Str(id, "value");
  }
  return {};
}

std::string ReferenceId(const Json* reference) {
  if (!reference) return {};
  std::string ref = Str(*reference, "reference");
  if (ref.rfind("urn:uuid:", 0) == 0) return ref.substr(9);
  if (ref.rfind('#', 0) == 0) return ref;
  const size_t slash = ref.rfind('/');
  if (slash == std::string::npos) return ref;
  // ".../Patient/123/_history/2" -> drop the history part.
  const size_t hist = ref.find("/_history/");
  if (hist != std::string::npos) {
    ref.resize(hist);
    return ref.substr(ref.rfind('/') + 1);
  }
  return ref.substr(slash + 1);
}

}  // namespace vbp::fhir
