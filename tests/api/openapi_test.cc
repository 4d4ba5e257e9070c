// schemas/openapi.yaml documents exactly the routes the service answers, each as a GET only,
// with the bearer scheme and the error body.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "connectors/api/api_service.h"

namespace vbp::api {
namespace {

struct OpenApiPaths {
  std::map<std::string, std::set<std::string>> methods;  // path -> operations
  std::string text;
};

// The document is YAML; its `paths:` block is read line by line (two-space indentation:
// paths at 2, operations at 4), which is all this test needs.
OpenApiPaths ReadPaths() {
  std::ifstream in(std::string(VBP_SOURCE_DIR) + "/schemas/openapi.yaml");
  OpenApiPaths out;
  std::stringstream all;
  all << in.rdbuf();
  out.text = all.str();
  std::istringstream lines(out.text);
  bool in_paths = false;
  std::string current;
  const std::regex path_re("^  (/[^:]*):\\s*$");
  const std::regex op_re("^    ([a-z]+):.*$");
  for (std::string l; std::getline(lines, l);) {
    if (l == "paths:") {
      in_paths = true;
      continue;
    }
    if (!in_paths) continue;
    if (!l.empty() && l[0] != ' ') break;  // the next top-level key
    std::smatch m;
    if (std::regex_match(l, m, path_re)) {
      current = m[1];
      out.methods[current];
    } else if (!current.empty() && std::regex_match(l, m, op_re)) {
      out.methods[current].insert(m[1]);
    }
  }
  return out;
}

TEST(OpenApiTest, EveryRouteIsDocumentedAndEveryDocumentedPathIsARoute) {
  OpenApiPaths doc = ReadPaths();
  ASSERT_FALSE(doc.methods.empty()) << "no paths read from schemas/openapi.yaml";
  std::set<std::string> implemented;
  for (const RouteSpec& r : ApiRoutes()) implemented.insert(r.path);
  std::set<std::string> documented;
  for (const auto& [p, ops] : doc.methods) documented.insert(p);
  EXPECT_EQ(implemented, documented);
  for (const auto& [p, ops] : doc.methods) {
    EXPECT_EQ(ops, (std::set<std::string>{"get"})) << p << ": the API is read-only";
  }
}

TEST(OpenApiTest, DocumentsTheBearerSchemeAndTheErrorBody) {
  OpenApiPaths doc = ReadPaths();
  EXPECT_NE(doc.text.find("openapi: 3."), std::string::npos);
  EXPECT_NE(doc.text.find("scheme: bearer"), std::string::npos);
  EXPECT_NE(doc.text.find("required: [error, detail]"), std::string::npos);
  for (const char* status : {"\"400\"", "\"401\"", "\"404\"", "\"405\"", "\"413\""}) {
    EXPECT_NE(doc.text.find(status), std::string::npos) << status;
  }
  // Out of scope is answered as not found: no route documents a 403.
  EXPECT_EQ(doc.text.find("\"403\""), std::string::npos);
}

}  // namespace
}  // namespace vbp::api
