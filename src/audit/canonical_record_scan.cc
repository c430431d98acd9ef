#include "audit/canonical_record_scan.h"

#include <chrono>

#include "audit/audit_record.h"
#include "common/crypto.h"

namespace vakt::audit {
namespace {

// Same bound as ParseJsonStrict's default JsonLimits: the record object is level 1.
constexpr int kMaxDepth = 64;

// Scanner validates the canonical JSON grammar the log writes (nlohmann dump(-1) with the strict
// UTF-8 handler, keys from a std::map):
//  * no whitespace; keys strictly increasing by decoded bytes (so no duplicates);
//  * strings: literal UTF-8 (well-formed, as nlohmann's lexer checks), escapes only \" \\ \b \f
//    \n \r \t and \u00xx (lowercase hex) for the other control characters;
//  * integers only: 0 | [1-9][0-9]* | -[1-9][0-9]*, within uint64 / int64 (else a float to
//    nlohmann, which the record refuses);
//  * true, false, null, arrays, objects; nesting at most kMaxDepth.
class Scanner {
 public:
  explicit Scanner(std::string_view data) : p_(data.data()), end_(data.data() + data.size()) {}

  bool AtEnd() const { return p_ == end_; }

  bool Literal(std::string_view text) {
    if (static_cast<size_t>(end_ - p_) < text.size()) return false;
    if (std::string_view(p_, text.size()) != text) return false;
    p_ += text.size();
    return true;
  }

  bool Byte(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  // String reads a canonical string starting at its opening quote; appends the decoded bytes to
  // `out` when given.
  bool String(std::string* out) {
    if (!Byte('"')) return false;
    for (;;) {
      const char* run = p_;
      while (p_ != end_) {
        const auto c = static_cast<unsigned char>(*p_);
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
        ++p_;
      }
      if (out != nullptr) out->append(run, static_cast<size_t>(p_ - run));
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (!Escape(out)) return false;
        continue;
      }
      if (!Utf8(out)) return false;
    }
  }

  // UnsignedInteger reads a canonical non-negative integer that fits uint64.
  bool UnsignedInteger(std::uint64_t& value) {
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0') {
      ++p_;
      value = 0;
      return p_ == end_ || *p_ < '0' || *p_ > '9';
    }
    value = 0;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
      const auto digit = static_cast<std::uint64_t>(*p_ - '0');
      if (value > (UINT64_MAX - digit) / 10) return false;  // nlohmann: a float
      value = value * 10 + digit;
      ++p_;
    }
    return true;
  }

  bool Value(int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return Object(depth + 1);
      case '[':
        return Array(depth + 1);
      case '"':
        return String(nullptr);
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      case '-': {
        ++p_;
        std::uint64_t magnitude = 0;
        if (p_ == end_ || *p_ == '0') return false;  // "-0" re-encodes as "0"
        if (!UnsignedInteger(magnitude)) return false;
        return magnitude <= std::uint64_t{1} << 63;
      }
      default: {
        std::uint64_t value = 0;
        return UnsignedInteger(value);
      }
    }
  }

  // Object reads a canonical object (at nesting level `depth`) starting at its '{'.
  bool Object(int depth) {
    if (depth > kMaxDepth || !Byte('{')) return false;
    if (Byte('}')) return true;
    std::string previous;
    std::string key;
    for (bool first = true;; first = false) {
      key.clear();
      if (!String(&key)) return false;
      if (!first && !(previous < key)) return false;  // byte order, no duplicates
      if (!Byte(':') || !Value(depth)) return false;
      if (Byte('}')) return true;
      if (!Byte(',')) return false;
      previous.swap(key);
    }
  }

  bool Array(int depth) {
    if (depth > kMaxDepth || !Byte('[')) return false;
    if (Byte(']')) return true;
    for (;;) {
      if (!Value(depth)) return false;
      if (Byte(']')) return true;
      if (!Byte(',')) return false;
    }
  }

 private:
  static int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;  // uppercase is not what the encoder writes
  }

  bool Escape(std::string* out) {
    ++p_;  // the backslash
    if (p_ == end_) return false;
    char decoded = 0;
    switch (*p_) {
      case '"':
        decoded = '"';
        break;
      case '\\':
        decoded = '\\';
        break;
      case 'b':
        decoded = '\b';
        break;
      case 'f':
        decoded = '\f';
        break;
      case 'n':
        decoded = '\n';
        break;
      case 'r':
        decoded = '\r';
        break;
      case 't':
        decoded = '\t';
        break;
      case 'u': {
        if (end_ - p_ < 5 || p_[1] != '0' || p_[2] != '0') return false;
        const int high = HexDigit(p_[3]);
        const int low = HexDigit(p_[4]);
        if (high < 0 || high > 1 || low < 0) return false;  // only control characters
        decoded = static_cast<char>(high * 16 + low);
        // These five have a short escape, which is what the encoder writes.
        if (decoded == '\b' || decoded == '\f' || decoded == '\n' || decoded == '\r' ||
            decoded == '\t') {
          return false;
        }
        p_ += 4;
        break;
      }
      default:
        return false;  // includes "\/": the encoder writes '/' literally
    }
    ++p_;
    if (out != nullptr) out->push_back(decoded);
    return true;
  }

  // Utf8 accepts one well-formed multi-byte sequence (Unicode Table 3-7) at p_.
  bool Utf8(std::string* out) {
    const auto* s = reinterpret_cast<const unsigned char*>(p_);
    const auto left = end_ - p_;
    auto cont = [&](int at, unsigned char lo, unsigned char hi) {
      return at < left && s[at] >= lo && s[at] <= hi;
    };
    int length = 0;
    const unsigned char lead = s[0];
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = cont(1, 0x80, 0xBF) ? 2 : 0;
    } else if (lead == 0xE0) {
      length = cont(1, 0xA0, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
    } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
      length = cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
    } else if (lead == 0xED) {
      length = cont(1, 0x80, 0x9F) && cont(2, 0x80, 0xBF) ? 3 : 0;
    } else if (lead == 0xF0) {
      length = cont(1, 0x90, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      length = cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
    } else if (lead == 0xF4) {
      length = cont(1, 0x80, 0x8F) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
    }
    if (length == 0) return false;
    if (out != nullptr) out->append(p_, static_cast<size_t>(length));
    p_ += length;
    return true;
  }

  const char* p_;
  const char* end_;
};

// CanonicalTime reads "YYYY-MM-DDTHH:MM:SS.mmmZ" with every field in range and a year from 1970
// (what FormatRfc3339 writes for ms >= 0) without fmt or a round trip; anything else is left to
// ParseRfc3339 + FormatRfc3339, the reference.
bool CanonicalTime(std::string_view text, TimeMs& ms) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != kShape.size()) return false;
  for (size_t pos = 0; pos < kShape.size(); ++pos) {
    if (kShape[pos] == 'd' ? (text[pos] < '0' || text[pos] > '9') : text[pos] != kShape[pos]) {
      return false;
    }
  }
  auto number = [&](size_t at, size_t digits) {
    int value = 0;
    for (size_t pos = at; pos < at + digits; ++pos) value = value * 10 + (text[pos] - '0');
    return value;
  };
  const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (year < 1970 || !date.ok() || hour > 23 || minute > 59 || second > 59) return false;
  const TimeMs days = std::chrono::sys_days(date).time_since_epoch().count();
  ms = ((days * 86400 + hour * 3600 + minute * 60 + second) * 1000) + number(20, 3);
  return true;
}

}  // namespace

std::optional<ScannedRecord> ScanCanonicalRecord(std::string_view data) {
  // The top-level keys in canonical (sorted) order: action, actor, details, [digest], seq,
  // subject, time, v. Anything else - another key, another order, a missing one - is refused.
  Scanner scan(data);
  ScannedRecord record;
  std::string text;
  if (!scan.Literal("{\"action\":") || !scan.String(&record.action) || record.action.empty()) {
    return std::nullopt;
  }
  if (!scan.Literal(",\"actor\":") || !scan.String(&text) || text.empty()) return std::nullopt;
  if (!scan.Literal(",\"details\":") || !scan.Object(2)) return std::nullopt;
  if (scan.Literal(",\"digest\":")) {
    text.clear();
    // An empty digest is written as no digest, so "" is not canonical either.
    if (!scan.String(&text) || !IsSha256Hex(text)) return std::nullopt;
  }
  if (!scan.Literal(",\"seq\":") || !scan.UnsignedInteger(record.seq)) return std::nullopt;
  if (!scan.Literal(",\"subject\":") || !scan.String(&record.subject) || record.subject.empty()) {
    return std::nullopt;
  }
  text.clear();
  if (!scan.Literal(",\"time\":") || !scan.String(&text)) return std::nullopt;
  // The time must be exactly what FormatRfc3339 writes for the instant it names.
  if (!CanonicalTime(text, record.time)) return std::nullopt;
  if (!scan.Literal(",\"v\":1}") || !scan.AtEnd()) return std::nullopt;
  return record;
}

Result<ScannedRecord> ReadRecordFields(std::string_view data) {
  if (auto scanned = ScanCanonicalRecord(data)) return std::move(*scanned);
  VAKT_ASSIGN_OR_RETURN(AuditRecord record, ParseAuditRecord(data));
  return ScannedRecord{record.seq, record.time, std::move(record.event.action),
                       std::move(record.event.subject)};
}

}  // namespace vakt::audit
