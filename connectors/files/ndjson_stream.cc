#include "connectors/files/ndjson_stream.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "connectors/files/ndjson_file.h"

namespace vbp::files {
namespace {

// Chunk boundaries at newlines.
std::vector<std::string_view> Split(std::string_view text, size_t chunk_bytes) {
  std::vector<std::string_view> chunks;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.size(), pos + chunk_bytes);
    if (end < text.size()) {
      const void* nl = std::memchr(text.data() + end, '\n', text.size() - end);
      end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1 : text.size();
    }
    chunks.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return chunks;
}

void Renumber(SourcePos& p, int64_t base) { p.position += base; }

}  // namespace

Status StreamNdjsonFile(const std::string& path, std::optional<RecordKind> kind, int threads,
                        const std::function<Status(DecodedChunk&)>& consume,
                        const StreamOptions& options) {
  auto file = NdjsonFile::Open(path);
  if (!file.ok()) return file.status();
  const std::string source = options.source.empty() ? path : options.source;
  std::vector<std::string_view> chunks =
      Split(file->text(), std::max<size_t>(options.chunk_bytes, 1));
  threads = std::max(1, threads);
  const size_t ahead = static_cast<size_t>(threads) * 2;

  std::vector<std::optional<DecodedChunk>> slots(chunks.size());
  std::mutex mu;
  std::condition_variable ready, room;
  size_t next_to_take = 0;     // next chunk a worker starts
  size_t next_to_consume = 0;  // next chunk the consumer takes
  bool stop = false;
  // Consumed chunks go back to the decoding threads to be freed: their records were
  // allocated there, and freeing them on the consuming thread (the serial one) cost it ~7%
  // of a settlement's CPU in glibc's cross-thread free path.
  std::vector<DecodedChunk> consumed;

  auto worker = [&] {
    codec::RecordDecoder decoder;
    std::vector<DecodedChunk> to_free;
    while (true) {
      size_t i;
      {
        std::unique_lock<std::mutex> lock(mu);
        room.wait(lock, [&] { return stop || next_to_take < next_to_consume + ahead; });
        if (stop || next_to_take >= chunks.size()) return;
        i = next_to_take++;
        to_free.swap(consumed);
      }
      to_free.clear();
      DecodedChunk out;
      out.bytes = chunks[i].size();
      NdjsonLines lines(chunks[i], 1);  // numbered from 1 within the chunk; renumbered below
      NdjsonLine line;
      while (lines.Next(&line)) {
        SourcePos pos{source, -1, line.number};
        codec::DecodeResult r = decoder.Decode(line.text, pos, kind);
        if (r.record) {
          out.records.push_back(std::move(*r.record));
        } else {
          out.rejects.push_back(std::move(*r.reject));
        }
      }
      out.lines = lines.lines_read();
      out.blank_lines = lines.blank_lines();
      {
        std::lock_guard<std::mutex> lock(mu);
        slots[i] = std::move(out);
      }
      ready.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);

  Status result;
  int64_t base = 0;  // lines before the current chunk
  for (size_t i = 0; i < chunks.size(); ++i) {
    DecodedChunk chunk;
    {
      std::unique_lock<std::mutex> lock(mu);
      ready.wait(lock, [&] { return slots[i].has_value(); });
      chunk = std::move(*slots[i]);
      slots[i].reset();
      next_to_consume = i + 1;
    }
    room.notify_all();
    if (base) {
      for (auto& rec : chunk.records) {
        std::visit([base](auto& r) { Renumber(r.source, base); }, rec);
      }
      for (auto& rej : chunk.rejects) Renumber(rej.source, base);
    }
    base += chunk.lines;
    file->Discard(chunks[i]);  // decoded records own their bytes: drop the pages from RSS
    result = consume(chunk);
    if (!result.ok()) break;
    {
      std::lock_guard<std::mutex> lock(mu);
      consumed.push_back(std::move(chunk));
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  room.notify_all();
  for (auto& t : pool) t.join();
  return result;
}

}  // namespace vbp::files
