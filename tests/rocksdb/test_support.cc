#include "tests/rocksdb/test_support.h"

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "domain/check.h"

namespace vbp::rocksdb_test {

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/vbp-rocksdb-test-XXXXXX";
  VBP_CHECK_MSG(mkdtemp(pattern.data()) != nullptr, pattern.c_str());
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (ec) std::fprintf(stderr, "cannot remove %s: %s\n", path_.c_str(), ec.message().c_str());
}

Status DumpAll(const StateStore& store, StoreDump* out) {
  for (int i = 0; i < kSpaceCount; ++i) {
    auto& d = (*out)[static_cast<size_t>(i)];
    d.clear();
    VBP_RETURN_IF_ERROR(store.Scan(static_cast<Space>(i), "",
                                   [&](std::string_view k, std::string_view v) {
                                     d.emplace_back(std::string(k), std::string(v));
                                     return true;
                                   }));
  }
  return Status::Ok();
}

std::string Printable(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

std::string FirstDifference(const StoreDump& expected, const StoreDump& actual) {
  for (int i = 0; i < kSpaceCount; ++i) {
    const auto& e = expected[static_cast<size_t>(i)];
    const auto& a = actual[static_cast<size_t>(i)];
    const std::string space = SpaceName(static_cast<Space>(i));
    for (size_t j = 0; j < std::max(e.size(), a.size()); ++j) {
      if (j >= e.size()) {
        return space + "[" + std::to_string(j) + "]: unexpected key " + Printable(a[j].first);
      }
      if (j >= a.size()) {
        return space + "[" + std::to_string(j) + "]: missing key " + Printable(e[j].first);
      }
      if (e[j] != a[j]) {
        return space + "[" + std::to_string(j) + "]: expected " + Printable(e[j].first) + " = " +
               Printable(e[j].second) + ", got " + Printable(a[j].first) + " = " +
               Printable(a[j].second);
      }
    }
  }
  return "";
}

std::string Be32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 3; i >= 0; --i, v >>= 8) s[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return s;
}

std::string Be64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) s[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return s;
}

uint64_t ParseBe64(const std::string& s) {
  VBP_CHECK(s.size() == 8);
  uint64_t v = 0;
  for (unsigned char c : s) v = (v << 8) | c;
  return v;
}

namespace {
uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string Filler(uint64_t b, uint64_t i, int bytes) {
  std::string s;
  uint64_t x = SplitMix(b * 1000003 + i);
  for (int n = 0; n < bytes; ++n) {
    if (n % 8 == 0) x = SplitMix(x);
    s.push_back(static_cast<char>((x >> (8 * (n % 8))) & 0xff));
  }
  return s;
}
}  // namespace

StateStore::Batch MakeCrashBatch(uint64_t b, const CrashShape& shape) {
  StateStore::Batch batch;
  batch.Put(Space::kOffsets, kCrashOffsetKey, std::to_string(b));
  for (int i = 0; i < shape.overwrite_keys; ++i) {
    const auto u = static_cast<uint32_t>(i);
    batch.Put(Space::kClaims, "c" + Be32(u), Be64(b) + Be32(u) + Filler(b, u, shape.value_bytes));
  }
  for (int i = 0; i < shape.append_keys; ++i) {
    const auto u = static_cast<uint32_t>(i);
    batch.Put(Space::kHistory, Be64(b) + Be32(u), Filler(b, 1u << 20 | u, shape.value_bytes));
  }
  batch.Put(Space::kMemberClaims, "m" + Be64(b), "");
  if (b > 1) batch.Delete(Space::kMemberClaims, "m" + Be64(b - 1));
  batch.Put(Space::kCounters, "applied", std::to_string(b * static_cast<uint64_t>(shape.overwrite_keys)));
  return batch;
}

}  // namespace vbp::rocksdb_test
