#include "diagnose/table_reader.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <nlohmann/json.hpp>
#include <string_view>

namespace vakt::diagnose {
namespace {

constexpr size_t kChunkSize = 1 << 20;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsMissingText(std::string_view s) {
  return s.empty() || s == "NaN" || s == "nan" || s == "NAN";
}

// ParseNumber accepts what Python's float() accepts for plain decimals (optional sign,
// exponent); inf/nan parse too and are then treated as missing by the caller.
bool ParseNumber(std::string_view s, double* out) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// ColumnSink types and stores the values of one kept column.
class ColumnSink {
 public:
  explicit ColumnSink(TableColumn* column) : column_(column) {}

  // Add stores one raw value; returns false (with `error`) when a numerical value is not a number.
  bool Add(std::string_view raw, std::string* error) {
    ++column_->sample.raw_count;
    const std::string_view text = Trim(raw);
    if (IsMissingText(text)) return true;
    if (column_->type == ColumnType::kCategorical) {
      column_->sample.strings.emplace_back(text);
      return true;
    }
    double value;
    if (!ParseNumber(text, &value)) {
      *error = "column '" + column_->name + "': '" + std::string(text.substr(0, 40)) +
               "' is not a number (list the column in --categorical)";
      return false;
    }
    if (std::isfinite(value)) column_->sample.numbers.push_back(value);
    return true;
  }
  void AddMissing() { ++column_->sample.raw_count; }

 private:
  TableColumn* column_;
};

// Keeps the requested columns of a header; `slots[i]` is the table column of field i or -1.
Status ResolveColumns(const std::vector<std::string>& header, const TableSchema& schema,
                      const std::string& where, Table* table, std::vector<int>* slots) {
  std::map<std::string, int, std::less<>> index;
  for (size_t i = 0; i < header.size(); ++i) {
    if (!index.emplace(header[i], static_cast<int>(i)).second) {
      return Status::InvalidArgument(where + ": duplicate column '" + header[i] + "'");
    }
  }
  std::vector<std::string> wanted = schema.columns.empty() ? header : schema.columns;
  slots->assign(header.size(), -1);
  for (const std::string& name : wanted) {
    auto it = index.find(name);
    if (it == index.end()) {
      return Status::InvalidArgument(where + ": no column '" + name + "' in header");
    }
    TableColumn column;
    column.name = name;
    column.type = schema.all_text || schema.categorical.count(name) ? ColumnType::kCategorical
                                                                   : ColumnType::kNumerical;
    (*slots)[static_cast<size_t>(it->second)] = static_cast<int>(table->columns.size());
    table->columns.push_back(std::move(column));
  }
  for (const std::string& name : schema.categorical) {
    if (!index.count(name)) {
      return Status::InvalidArgument(where + ": categorical column '" + name + "' not in header");
    }
  }
  return Status::Ok();
}

// CsvParser is an RFC 4180 state machine fed chunk by chunk.
class CsvParser {
 public:
  CsvParser(std::string name, const TableSchema& schema) : name_(std::move(name)), schema_(schema) {}

  Status Feed(std::string_view chunk) {
    for (size_t i = 0; i < chunk.size(); ++i) {
      const char c = chunk[i];
      switch (state_) {
        case State::kFieldStart:
          if (field_ends_.empty()) record_line_ = line_;
          field_columns_.push_back(column_);
          if (c == '"') {
            state_ = State::kQuoted;
            quote_line_ = line_;
            quote_column_ = column_;
            Advance(c);
            continue;
          }
          state_ = State::kUnquoted;
          [[fallthrough]];
        case State::kUnquoted: {
          // Fast path: copy plain bytes up to the next delimiter in one go.
          size_t end = i;
          while (end < chunk.size() && chunk[end] != ',' && chunk[end] != '\n' &&
                 chunk[end] != '\r' && chunk[end] != '"') {
            ++end;
          }
          record_.append(chunk.data() + i, end - i);
          column_ += end - i;
          i = end;
          if (i == chunk.size()) return Status::Ok();
          const char d = chunk[i];
          if (d == '"') return Error("bare '\"' in an unquoted field");
          VAKT_RETURN_IF_ERROR(EndOfField(d));
          break;
        }
        case State::kQuoted:
          if (c == '"') {
            state_ = State::kQuoteInQuoted;
          } else {
            record_.push_back(c);
          }
          Advance(c);
          break;
        case State::kQuoteInQuoted:
          if (c == '"') {
            record_.push_back('"');
            state_ = State::kQuoted;
            Advance(c);
          } else if (c == ',' || c == '\n' || c == '\r') {
            VAKT_RETURN_IF_ERROR(EndOfField(c));
          } else {
            return Error("unexpected character after closing quote");
          }
          break;
        case State::kAfterCr:
          state_ = State::kFieldStart;
          if (c == '\n') {
            // CRLF: the record already ended at CR.
            break;
          }
          --i;  // a lone CR ended the record; reprocess this byte
          break;
      }
    }
    return Status::Ok();
  }

  Status Finish(Table* out) {
    if (state_ == State::kQuoted) {
      return Status::InvalidArgument(name_ + ":" + std::to_string(quote_line_) + ":" +
                                     std::to_string(quote_column_) +
                                     ": quoted field is not closed before end of file");
    }
    // The last record may lack its line break; "a,b," at EOF still has an (empty) last field.
    if (state_ == State::kUnquoted || state_ == State::kQuoteInQuoted ||
        (state_ == State::kFieldStart && !field_ends_.empty())) {
      if (field_columns_.size() == field_ends_.size()) field_columns_.push_back(column_);
      field_ends_.push_back(record_.size());
      VAKT_RETURN_IF_ERROR(EndOfRecord());
    }
    if (!have_header_) return Status::InvalidArgument(name_ + ": empty file (no header row)");
    table_.rows = rows_;
    *out = std::move(table_);
    return Status::Ok();
  }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterCr };

  void Advance(char c) {
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
  }

  Status Error(const std::string& reason) const {
    return Status::InvalidArgument(name_ + ":" + std::to_string(line_) + ":" +
                                   std::to_string(column_) + ": " + reason);
  }

  // Handles the delimiter `d` (',', '\n' or '\r') that ended the current field.
  Status EndOfField(char d) {
    field_ends_.push_back(record_.size());
    if (d == ',') {
      state_ = State::kFieldStart;
      ++column_;
      return Status::Ok();
    }
    VAKT_RETURN_IF_ERROR(EndOfRecord());
    state_ = d == '\r' ? State::kAfterCr : State::kFieldStart;
    ++line_;
    column_ = 1;
    return Status::Ok();
  }

  std::string_view Field(size_t i) const {
    const size_t begin = i == 0 ? 0 : field_ends_[i - 1];
    return std::string_view(record_).substr(begin, field_ends_[i] - begin);
  }

  // Consumes the complete record in record_ / field_ends_. Fields live in one buffer that is
  // reused from record to record, so parsing allocates nothing per value.
  Status EndOfRecord() {
    const int record_line = record_line_;
    const size_t n_fields = field_ends_.size();
    auto reset = [this] {
      record_.clear();
      field_ends_.clear();
      field_columns_.clear();
    };
    if (!have_header_) {
      have_header_ = true;
      for (size_t i = 0; i < n_fields; ++i) header_.emplace_back(Field(i));
      reset();
      VAKT_RETURN_IF_ERROR(ResolveColumns(header_, schema_, name_ + ":" + std::to_string(record_line),
                                          &table_, &slots_));
      for (TableColumn& column : table_.columns) sinks_.emplace_back(&column);
      return Status::Ok();
    }
    // A blank line (one empty field) is skipped, as CSV readers commonly do.
    if (n_fields == 1 && field_ends_[0] == 0 && header_.size() > 1) {
      reset();
      return Status::Ok();
    }
    if (n_fields != header_.size()) {
      return Status::InvalidArgument(name_ + ":" + std::to_string(record_line) + ":1: row has " +
                                     std::to_string(n_fields) + " fields, header has " +
                                     std::to_string(header_.size()));
    }
    for (size_t i = 0; i < n_fields; ++i) {
      const int slot = slots_[i];
      if (slot < 0) continue;
      std::string error;
      if (!sinks_[static_cast<size_t>(slot)].Add(Field(i), &error)) {
        return Status::InvalidArgument(name_ + ":" + std::to_string(record_line) + ":" +
                                       std::to_string(field_columns_[i]) + ": " + error);
      }
    }
    ++rows_;
    reset();
    return Status::Ok();
  }

  std::string name_;
  const TableSchema& schema_;
  State state_ = State::kFieldStart;
  std::string record_;              // the bytes of every field of the current record
  std::vector<size_t> field_ends_;  // end offset of each field in record_
  std::vector<std::string> header_;
  std::vector<int> slots_;
  std::vector<ColumnSink> sinks_;
  bool have_header_ = false;
  int line_ = 1;
  int column_ = 1;
  int record_line_ = 1;
  int quote_line_ = 1;    // where the open quoted field started
  int quote_column_ = 1;            // line where the current record started
  std::vector<int> field_columns_;  // byte column where each field of the record started
  int64_t rows_ = 0;
  Table table_;
};

}  // namespace

Result<Table> ReadCsv(std::istream& in, const std::string& name, const TableSchema& schema) {
  CsvParser parser(name, schema);
  std::string buffer(kChunkSize, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    VAKT_RETURN_IF_ERROR(parser.Feed(std::string_view(buffer.data(), static_cast<size_t>(got))));
  }
  if (in.bad()) return Status::Unavailable(name + ": read error");
  Table table;
  VAKT_RETURN_IF_ERROR(parser.Finish(&table));
  return table;
}

Result<Table> ReadJsonLines(std::istream& in, const std::string& name, const TableSchema& schema) {
  Table table;
  std::map<std::string, size_t, std::less<>> index;  // key -> table column
  const bool fixed_columns = !schema.columns.empty();
  auto add_column = [&](const std::string& key) {
    TableColumn column;
    column.name = key;
    column.type = schema.all_text || schema.categorical.count(key) ? ColumnType::kCategorical
                                                                  : ColumnType::kNumerical;
    // Rows before the column first appeared are missing in it.
    column.sample.raw_count = table.rows;
    index.emplace(key, table.columns.size());
    table.columns.push_back(std::move(column));
  };
  for (const std::string& key : schema.columns) add_column(key);
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (Trim(line).empty()) continue;
    const std::string where = name + ":" + std::to_string(line_number);
    nlohmann::json row;
    try {
      row = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      return Status::InvalidArgument(where + ": invalid JSON: " + e.what());
    }
    if (!row.is_object()) return Status::InvalidArgument(where + ": line is not a JSON object");
    std::vector<bool> seen(table.columns.size(), false);
    for (auto& [key, value] : row.items()) {
      auto it = index.find(key);
      if (it == index.end()) {
        if (fixed_columns) continue;
        add_column(key);
        seen.push_back(false);
        it = index.find(key);
      }
      TableColumn& column = table.columns[it->second];
      seen[it->second] = true;
      ++column.sample.raw_count;
      if (value.is_null()) continue;
      if (column.type == ColumnType::kCategorical) {
        std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        if (!IsMissingText(text)) column.sample.strings.push_back(std::move(text));
        continue;
      }
      double number;
      if (value.is_number()) {
        number = value.get<double>();
      } else if (value.is_string() && IsMissingText(value.get<std::string>())) {
        continue;
      } else if (!value.is_string() || !ParseNumber(value.get<std::string>(), &number)) {
        return Status::InvalidArgument(where + ": column '" + key + "': " + value.dump() +
                                       " is not a number (list the column in --categorical)");
      }
      if (std::isfinite(number)) column.sample.numbers.push_back(number);
    }
    for (size_t i = 0; i < seen.size(); ++i) {
      if (!seen[i]) ++table.columns[i].sample.raw_count;
    }
    ++table.rows;
  }
  if (in.bad()) return Status::Unavailable(name + ": read error");
  for (const std::string& key : schema.categorical) {
    if (!index.count(key)) {
      return Status::InvalidArgument(name + ": categorical column '" + key + "' never appears");
    }
  }
  return table;
}

Result<Table> ReadTable(const std::string& path, const TableSchema& schema) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  auto ends_with = [&path](std::string_view suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".jsonl") || ends_with(".ndjson")) return ReadJsonLines(in, path, schema);
  return ReadCsv(in, path, schema);
}

Result<std::set<std::string, std::less<>>> SniffCategoricalColumns(const std::string& path,
                                                                   size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::string head(max_bytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(max_bytes));
  head.resize(static_cast<size_t>(in.gcount()));
  // Cut at the last complete line unless the whole file fit.
  if (!in.eof()) {
    const size_t last_newline = head.rfind('\n');
    if (last_newline != std::string::npos) head.resize(last_newline + 1);
  }
  std::istringstream sample(head);
  TableSchema text_schema;
  text_schema.all_text = true;
  const bool jsonl = path.size() >= 6 && (path.ends_with(".jsonl") || path.ends_with(".ndjson"));
  VAKT_ASSIGN_OR_RETURN(Table table, jsonl ? ReadJsonLines(sample, path, text_schema)
                                           : ReadCsv(sample, path, text_schema));
  std::set<std::string, std::less<>> categorical;
  for (const TableColumn& column : table.columns) {
    for (const std::string& value : column.sample.strings) {
      double number;
      if (!ParseNumber(value, &number)) {
        categorical.insert(column.name);
        break;
      }
    }
  }
  return categorical;
}

}  // namespace vakt::diagnose
