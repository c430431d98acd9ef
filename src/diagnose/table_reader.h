#pragma once

#include <istream>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "diagnose/drift.h"

// Streaming readers for the tabular inputs of `vakt diagnose`: CSV (RFC 4180, header row) and
// JSON Lines. Values are typed while streaming, so a file is never held in memory as text.
// Missing values (empty field, NaN, JSON null) and +-inf are dropped, as Evidently does.
// Readers are stateless functions; thread-safe.
namespace vakt::diagnose {

// TableSchema says how to read columns: which are categorical (all others are numerical) and
// which to keep (empty = all).
struct TableSchema {
  std::set<std::string, std::less<>> categorical;
  std::vector<std::string> columns;
  bool all_text = false;  // read every column as text (categorical); used to sniff types
};

// TableColumn is one typed column.
struct TableColumn {
  std::string name;
  ColumnType type = ColumnType::kNumerical;
  ColumnSample sample;
};

// Table is a set of typed columns in file order.
struct Table {
  std::vector<TableColumn> columns;
  int64_t rows = 0;
};

// ReadCsv parses RFC 4180 CSV from `in` (`name` is used in messages). The first row is the
// header. Errors: InvalidArgument "name:line:column: reason" for malformed quoting, a row with
// the wrong number of fields, a non-numeric value in a numerical column, or a requested column
// that the header lacks.
Result<Table> ReadCsv(std::istream& in, const std::string& name, const TableSchema& schema);

// ReadJsonLines parses one JSON object per line; columns are the keys in order of first
// appearance, absent keys are missing. Errors: InvalidArgument "name:line: reason".
Result<Table> ReadJsonLines(std::istream& in, const std::string& name, const TableSchema& schema);

// ReadTable opens `path` and reads it as JSON Lines when it ends in .jsonl/.ndjson, else as CSV.
// Errors: NotFound when the file cannot be opened; the reader's errors otherwise.
Result<Table> ReadTable(const std::string& path, const TableSchema& schema);

// SniffCategoricalColumns reads the first `max_bytes` of a file (whole lines) with every column
// as text and returns the columns holding a non-numeric value there: the categorical columns of
// a file whose schema nobody wrote down (a runbook's drift inputs). Errors as ReadTable.
Result<std::set<std::string, std::less<>>> SniffCategoricalColumns(const std::string& path,
                                                                   size_t max_bytes = 256 * 1024);

}  // namespace vakt::diagnose
