#pragma once

#include <cstddef>
#include <string_view>

namespace vakt {

// PlainJsonCursor walks JSON in the plain shape that Prometheus sends and vakt stores: objects,
// arrays and strings of printable ASCII without escapes. It backs fast paths that decline
// everything else to the full parser (common/json_parse.h), so every method returns false, and
// reads nothing further, when the input leaves that shape. Strings are views into the text.
class PlainJsonCursor {
 public:
  explicit PlainJsonCursor(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
      ++pos_;
    }
  }
  // Consume skips whitespace and takes `c` if it is next.
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // String reads a JSON string made of printable ASCII without escapes.
  bool String(std::string_view& out) {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '"') return false;
    size_t start = ++pos_;
    while (pos_ < text_.size()) {
      auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        out = text_.substr(start, pos_ - start);
        ++pos_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++pos_;
    }
    return false;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace vakt
