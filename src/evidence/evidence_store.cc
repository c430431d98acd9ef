#include "evidence/evidence_store.h"

#include <algorithm>
#include <cctype>

namespace vakt::evidence {

bool IsValidSha256Hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool IsValidIncidentId(std::string_view text) {
  return !text.empty() && text.size() <= 128 && text[0] != '.' &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' ||
                  c == '-';
         });
}

}  // namespace vakt::evidence
