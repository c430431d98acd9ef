#pragma once

#include <string>

namespace vakt {

// RedactUrlCredentials replaces the password of every "scheme://user:password@" in `text` with
// "<secret>" (as Alertmanager masks secrets), for anything shown in logs, stdout or the API.
std::string RedactUrlCredentials(const std::string& text);

// PrintableForMessage makes untrusted bytes safe to put in an error message: ASCII control and
// non-ASCII bytes become \xNN, and the result is cut to `max_bytes`.
std::string PrintableForMessage(const std::string& text, size_t max_bytes = 200);

}  // namespace vakt
