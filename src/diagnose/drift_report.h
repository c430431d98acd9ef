#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "diagnose/drift.h"
#include "diagnose/table_reader.h"

// The drift report of issue 6: every shared column of two tables analysed (in parallel across
// columns) with Evidently's default test, plus the dataset verdict. Rendered as JSON or text.
// Functions are thread-safe; CompareTables starts and joins its own worker threads.
namespace vakt::diagnose {

struct DriftReportOptions {
  DriftOptions statistics;
  double drift_share = 0.5;  // dataset drift when drifted/columns >= this
  unsigned threads = 0;      // 0 = std::thread::hardware_concurrency()
};

// ColumnReport is one column's outcome.
struct ColumnReport {
  std::string column;
  ColumnType type = ColumnType::kNumerical;
  DriftAnalysis analysis;
};

// DriftReport is the whole comparison.
struct DriftReport {
  std::vector<ColumnReport> columns;
  DatasetDrift dataset;
};

// CompareTables analyses every column of `reference` (which `current` must also have, with the
// same type). Consumes both tables. Errors: InvalidArgument naming the column when a column is
// missing from `current` or has no non-missing values on one side.
Result<DriftReport> CompareTables(Table reference, Table current,
                                  const DriftReportOptions& options);

// DriftReportToJson renders {"columns":[{column,type,n_reference,n_current,test,score,threshold,
// drift,statistics:{...}}],"dataset":{drifted_columns,share,drift}}. Statistics that do not
// apply are omitted; non-finite numbers are written as the strings "inf", "-inf", "nan".
nlohmann::json DriftReportToJson(const DriftReport& report);
// JsonNumber writes NaN and ±infinity as the strings "nan", "inf" and "-inf" (JSON has no spelling
// for them), every other value as a number.
nlohmann::json JsonNumber(double value);

// DriftReportToText renders an aligned table for terminals.
std::string DriftReportToText(const DriftReport& report);

}  // namespace vakt::diagnose
