#include "storage/sql/sql_connection.h"

namespace vakt::storage {

std::int64_t SqlRow::Int(size_t column) const {
  const SqlValue& value = values_.at(column);
  if (const auto* number = std::get_if<std::int64_t>(&value)) return *number;
  if (const auto* real = std::get_if<double>(&value)) return static_cast<std::int64_t>(*real);
  if (const auto* text = std::get_if<std::string>(&value)) return text->empty() ? 0 : std::stoll(*text);
  return 0;
}

double SqlRow::Double(size_t column) const {
  const SqlValue& value = values_.at(column);
  if (const auto* real = std::get_if<double>(&value)) return *real;
  if (const auto* number = std::get_if<std::int64_t>(&value)) return static_cast<double>(*number);
  if (const auto* text = std::get_if<std::string>(&value)) return text->empty() ? 0 : std::stod(*text);
  return 0;
}

std::string SqlRow::Text(size_t column) const {
  const SqlValue& value = values_.at(column);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* number = std::get_if<std::int64_t>(&value)) return std::to_string(*number);
  if (const auto* real = std::get_if<double>(&value)) return std::to_string(*real);
  return "";
}

bool SqlRow::IsNull(size_t column) const {
  return std::holds_alternative<std::nullptr_t>(values_.at(column));
}

}  // namespace vakt::storage
