#include "domain/csv.h"

namespace vbp {

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::Next(std::vector<std::string>* fields, std::string* error) {
  fields->clear();
  error->clear();
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;
  std::string field;
  // A line break: CRLF, LF or CR. Consumes it and counts the line.
  auto at_break = [&](size_t p) { return text_[p] == '\n' || text_[p] == '\r'; };
  auto consume_break = [&]() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  };
  for (;;) {
    // Start of a field.
    field.clear();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      bool closed = false;
      while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            field.push_back('"');
            pos_ += 2;
            continue;
          }
          ++pos_;
          closed = true;
          break;
        }
        if (c == '\r' || c == '\n') {
          // Embedded line break: kept as written (CRLF stays CRLF), counted as a line.
          if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
            field += "\r\n";
            pos_ += 2;
          } else {
            field.push_back(c);
            ++pos_;
          }
          ++line_;
          continue;
        }
        field.push_back(c);
        ++pos_;
      }
      if (!closed) {
        fields->push_back(std::move(field));
        *error = "quoted field opened on line " + std::to_string(record_line_) +
                 " is not closed before the end of the file";
        pos_ = text_.size();
        return true;
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && !at_break(pos_)) {
        *error = "unexpected text after a closing quote";
        // Skip to the end of this physical line.
        while (pos_ < text_.size() && !at_break(pos_)) ++pos_;
        fields->push_back(std::move(field));
        if (pos_ < text_.size()) consume_break();
        return true;
      }
    } else {
      while (pos_ < text_.size() && text_[pos_] != ',' && !at_break(pos_)) {
        if (text_[pos_] == '"') ++stray_quotes_;
        field.push_back(text_[pos_]);
        ++pos_;
      }
    }
    fields->push_back(std::move(field));
    if (pos_ >= text_.size()) return true;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    consume_break();
    return true;
  }
}

std::string_view TrimCsvBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<CsvTable> CsvTable::Parse(std::string text, std::string name) {
  CsvTable t;
  t.name_ = std::move(name);
  CsvReader reader(text);
  std::vector<std::string> fields;
  std::string error;
  bool have_header = false;
  while (reader.Next(&fields, &error)) {
    if (!error.empty()) {
      if (!have_header) return Status::Invalid(t.name_ + ": header row: " + error);
      t.errors_.push_back({reader.record_line(), error});
      continue;
    }
    const bool blank = fields.size() == 1 && TrimCsvBlanks(fields[0]).empty();
    if (blank) {
      ++t.blank_lines_;
      continue;
    }
    if (!have_header) {
      for (size_t i = 0; i < fields.size(); ++i) {
        std::string h(TrimCsvBlanks(fields[i]));
        if (!t.index_.emplace(h, i).second) {
          return Status::Invalid(t.name_ + ": column '" + h + "' appears twice in the header");
        }
        t.headers_.push_back(std::move(h));
      }
      have_header = true;
      continue;
    }
    t.rows_.push_back({reader.record_line(), fields});
  }
  if (!have_header) return Status::Invalid(t.name_ + ": no header row");
  t.stray_quotes_ = reader.stray_quotes();
  return t;
}

std::optional<size_t> CsvTable::Column(std::string_view header) const {
  auto it = index_.find(header);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::string_view CsvTable::Get(const Row& row, std::optional<size_t> column) const {
  if (!column || *column >= row.fields.size()) return {};
  return TrimCsvBlanks(row.fields[*column]);
}

std::string CsvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) *out += ',';
    *out += CsvField(fields[i]);
  }
  *out += "\r\n";
}

}  // namespace vbp
