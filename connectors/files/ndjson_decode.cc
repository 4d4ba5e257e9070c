#include "connectors/files/ndjson_decode.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <utility>

#include "connectors/files/ndjson_file.h"

namespace vbp::files {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr size_t kChunkBytesMin = size_t{64} << 10;
constexpr int kChunksPerThread = 8;

struct Chunk {
  std::string_view text;
  // Output, with line numbers local to the chunk (its first line is 1).
  std::vector<codec::DecodedRecord> records;
  std::vector<Reject> rejects;
  int64_t lines = 0;
  int64_t blank_lines = 0;
};

// Splits `text` into chunks of about `target` bytes, each ending just after a '\n' (the last
// one at the end of the text).
std::vector<Chunk> Split(std::string_view text, size_t target) {
  std::vector<Chunk> chunks;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.size();
    if (text.size() - start > target) {
      size_t nl = text.find('\n', start + target);
      end = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    chunks.push_back(Chunk{text.substr(start, end - start), {}, {}, 0, 0});
    start = end;
  }
  return chunks;
}

void DecodeChunk(Chunk* chunk, codec::RecordDecoder* decoder, const std::string& source,
                 std::optional<RecordKind> kind) {
  NdjsonLines lines(chunk->text);
  NdjsonLine line;
  SourcePos pos;
  pos.source = source;
  pos.partition = -1;
  while (lines.Next(&line)) {
    pos.position = line.number;
    codec::DecodeResult r = decoder->Decode(line.text, pos, kind);
    if (r.record) {
      chunk->records.push_back(std::move(*r.record));
    } else {
      chunk->rejects.push_back(std::move(*r.reject));
    }
  }
  chunk->lines = lines.lines_read();
  chunk->blank_lines = lines.blank_lines();
}

}  // namespace

DecodedFile DecodeNdjsonText(std::string_view text, std::optional<RecordKind> kind, int threads,
                             const DecodeOptions& options) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  if (threads < 1) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  size_t target = text.size() / (static_cast<size_t>(threads) * kChunksPerThread) + 1;
  target = std::clamp(target, kChunkBytesMin, std::max(kChunkBytesMin, options.chunk_bytes_max));
  std::vector<Chunk> chunks = Split(text, target);

  size_t workers = std::min(chunks.size(), static_cast<size_t>(threads));
  if (workers <= 1) {
    codec::RecordDecoder decoder;
    for (Chunk& c : chunks) DecodeChunk(&c, &decoder, options.source, kind);
  } else {
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    pool.reserve(workers);
    for (size_t w = 0; w < workers; ++w) {
      pool.emplace_back([&] {
        // RecordDecoder never throws on input; only allocation failure could end up here, and
        // that ends the process as it would on the calling thread.
        codec::RecordDecoder decoder;
        for (size_t k = next.fetch_add(1); k < chunks.size(); k = next.fetch_add(1)) {
          DecodeChunk(&chunks[k], &decoder, options.source, kind);
        }
      });
    }
    for (auto& t : pool) t.join();
  }

  // Merge in file order, turning chunk-local line numbers into file line numbers.
  DecodedFile out;
  size_t record_count = 0;
  size_t reject_count = 0;
  for (const Chunk& c : chunks) {
    record_count += c.records.size();
    reject_count += c.rejects.size();
  }
  out.records.reserve(record_count);
  out.rejects.reserve(reject_count);
  for (Chunk& c : chunks) {
    const int64_t offset = out.lines;
    for (auto& r : c.records) {
      std::visit([&](auto& rec) { rec.source.position += offset; }, r);
      out.records.push_back(std::move(r));
    }
    for (auto& r : c.rejects) {
      r.source.position += offset;
      out.rejects.push_back(std::move(r));
    }
    out.lines += c.lines;
    out.blank_lines += c.blank_lines;
  }
  VBP_CHECK(static_cast<int64_t>(out.records.size() + out.rejects.size()) + out.blank_lines ==
            out.lines);
  return out;
}

Result<DecodedFile> DecodeNdjsonFile(const std::string& path, std::optional<RecordKind> kind,
                                     int threads, const DecodeOptions& options) {
  auto file = NdjsonFile::Open(path);
  if (!file.ok()) return file.status();
  DecodeOptions o = options;
  if (o.source.empty()) o.source = path;
  return DecodeNdjsonText(file->text(), kind, threads, o);
}

}  // namespace vbp::files
