#pragma once

#include <string>
#include <string_view>
#include <vector>

// Line diff for runbook versions: Myers' O((N+M)·D) shortest edit script over lines, rendered as a
// unified diff (the format `diff -u` and `git diff` print). Pure.
namespace vakt::retro {

// DiffOp is one line of an edit script.
struct DiffLine {
  enum class Kind { kKeep, kDelete, kInsert };
  Kind kind;
  std::string text;  // the line without its newline
};

// SplitLines splits on '\n'; a final line without newline is still a line; "" has no lines.
std::vector<std::string> SplitLines(std::string_view text);

// DiffLines returns a shortest edit script turning `before` into `after` (deletions before
// insertions within a change, as diff -u shows them).
std::vector<DiffLine> DiffLines(const std::vector<std::string>& before,
                                const std::vector<std::string>& after);

// UnifiedDiff renders the difference of two texts with `context` unchanged lines around each
// change and headers "--- before_name" / "+++ after_name". Identical texts give "".
std::string UnifiedDiff(std::string_view before, std::string_view after,
                        std::string_view before_name, std::string_view after_name,
                        int context = 3);

}  // namespace vakt::retro
