#pragma once
// Reads a settle data directory (members, providers, contracts, claims NDJSON, in that order)
// into a book (BatchSettlement for `vbp settle`, audit::AuditBook for `vbp explain` and
// `vbp whatif`), decoding in parallel and folding each chunk in file order. Rejected lines go
// to the book's AddReject when it has one, and are left out otherwise (as settlement leaves
// them out).

#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "connectors/files/ndjson_stream.h"
#include "domain/status.h"

namespace vbp::cli {

struct LoadOptions {
  int threads = 2;
  bool progress = false;  // a progress line on stderr
};

inline constexpr const char* kDataFiles[] = {"members.ndjson", "providers.ndjson",
                                             "contracts.ndjson", "claims.ndjson"};

template <class Book>
Status LoadDirectory(const std::string& dir, Book* book, const LoadOptions& options) {
  const RecordKind kinds[] = {RecordKind::kMember, RecordKind::kProvider, RecordKind::kContract,
                              RecordKind::kClaim};
  uint64_t total = 0;
  for (const char* name : kDataFiles) {
    struct stat st {};
    std::string path = dir + "/" + name;
    if (::stat(path.c_str(), &st) != 0) {
      return Status::NotFound(path +
                              " is missing: a data directory holds members.ndjson, "
                              "providers.ndjson, contracts.ndjson and claims.ndjson (an empty "
                              "file is fine); `vbp generate` or `vbp import tuva` make one");
    }
    total += static_cast<uint64_t>(st.st_size);
  }
  uint64_t done = 0;
  int last_pct = -1;
  for (size_t i = 0; i < 4; ++i) {
    const std::string path = dir + "/" + kDataFiles[i];
    const RecordKind kind = kinds[i];
    Status st = files::StreamNdjsonFile(
        path, kind, options.threads, [&](files::DecodedChunk& chunk) -> Status {
          for (auto& rec : chunk.records) {
            std::visit(
                [&](auto&& r) {
                  using T = std::decay_t<decltype(r)>;
                  if constexpr (std::is_same_v<T, Claim>) {
                    book->AddClaim(r);
                  } else if constexpr (std::is_same_v<T, Member>) {
                    book->AddMember(std::move(r));
                  } else if constexpr (std::is_same_v<T, Provider>) {
                    book->AddProvider(r);
                  } else {
                    book->AddContract(std::move(r));
                  }
                },
                std::move(rec));
          }
          if constexpr (requires(Reject r) { book->AddReject(std::move(r), kind); }) {
            for (auto& r : chunk.rejects) book->AddReject(std::move(r), kind);
          }
          done += chunk.bytes;
          if (options.progress && total > 0) {
            int pct = static_cast<int>(done * 100 / total);
            if (pct != last_pct) {
              std::fprintf(stderr, "\rreading %3d%%  %s", pct, kDataFiles[i]);
              std::fflush(stderr);
              last_pct = pct;
            }
          }
          return Status::Ok();
        });
    if (!st.ok()) return st;
  }
  if (options.progress) std::fprintf(stderr, "\rreading 100%%  done              \n");
  return Status::Ok();
}

}  // namespace vbp::cli
