#pragma once

#include <string>
#include <string_view>

namespace vakt {

// Header names, HTTP methods, weekday names and the like are ASCII and case-insensitive by their
// specifications; std::tolower on a plain char is undefined for negative values, so every caller
// goes through this one spelling.
std::string AsciiLower(std::string_view text);

}  // namespace vakt
