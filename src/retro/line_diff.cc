#include "retro/line_diff.h"

#include <fmt/format.h>

#include <algorithm>

namespace vakt::retro {

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<DiffLine> DiffLines(const std::vector<std::string>& before,
                                const std::vector<std::string>& after) {
  const int n = static_cast<int>(before.size());
  const int m = static_cast<int>(after.size());
  const int max = n + m;
  const int offset = max + 1;
  // Myers: v[k] is the furthest x on diagonal k after d edits; keep each d's v to backtrack.
  std::vector<int> v(2 * max + 3, 0);
  std::vector<std::vector<int>> trace;
  int found_d = -1;
  for (int d = 0; d <= max && found_d < 0; ++d) {
    trace.push_back(v);
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                  ? v[offset + k + 1]
                  : v[offset + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && before[x] == after[y]) {
        ++x;
        ++y;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
  }
  // Backtrack from (n, m) through the saved frontiers, collecting the script in reverse.
  std::vector<DiffLine> reversed;
  int x = n;
  int y = m;
  for (int d = found_d; d > 0; --d) {
    const std::vector<int>& prev = trace[d];
    int k = x - y;
    bool went_down = k == -d || (k != d && prev[offset + k - 1] < prev[offset + k + 1]);
    int prev_k = went_down ? k + 1 : k - 1;
    int prev_x = prev[offset + prev_k];
    int prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      reversed.push_back({DiffLine::Kind::kKeep, before[x - 1]});
      --x;
      --y;
    }
    if (went_down) {
      reversed.push_back({DiffLine::Kind::kInsert, after[y - 1]});
      --y;
    } else {
      reversed.push_back({DiffLine::Kind::kDelete, before[x - 1]});
      --x;
    }
  }
  while (x > 0 && y > 0) {
    reversed.push_back({DiffLine::Kind::kKeep, before[x - 1]});
    --x;
    --y;
  }
  std::vector<DiffLine> script(reversed.rbegin(), reversed.rend());
  // Within each run of changes, show deletions before insertions.
  for (size_t start = 0; start < script.size();) {
    if (script[start].kind == DiffLine::Kind::kKeep) {
      ++start;
      continue;
    }
    size_t end = start;
    while (end < script.size() && script[end].kind != DiffLine::Kind::kKeep) ++end;
    std::stable_partition(script.begin() + start, script.begin() + end,
                          [](const DiffLine& line) { return line.kind == DiffLine::Kind::kDelete; });
    start = end;
  }
  return script;
}

namespace {

std::string Range(int start, int count) {
  // diff -u: an empty range names the line before it.
  if (count == 0) return fmt::format("{},0", start);
  if (count == 1) return fmt::format("{}", start + 1);
  return fmt::format("{},{}", start + 1, count);
}

}  // namespace

std::string UnifiedDiff(std::string_view before, std::string_view after,
                        std::string_view before_name, std::string_view after_name, int context) {
  std::vector<DiffLine> script = DiffLines(SplitLines(before), SplitLines(after));
  std::vector<size_t> changes;
  for (size_t index = 0; index < script.size(); ++index) {
    if (script[index].kind != DiffLine::Kind::kKeep) changes.push_back(index);
  }
  if (changes.empty()) return "";
  std::string out = fmt::format("--- {}\n+++ {}\n", before_name, after_name);
  const size_t ctx = static_cast<size_t>(std::max(context, 0));
  size_t change = 0;
  while (change < changes.size()) {
    // A hunk spans changes closer than 2·context lines to each other.
    size_t first = changes[change] > ctx ? changes[change] - ctx : 0;
    size_t last_change = changes[change];
    while (change + 1 < changes.size() && changes[change + 1] - last_change <= 2 * ctx + 1) {
      last_change = changes[++change];
    }
    ++change;
    size_t end = std::min(script.size(), last_change + ctx + 1);
    // Line numbers at the hunk start: count lines of each side before `first`.
    int old_start = 0;
    int new_start = 0;
    for (size_t index = 0; index < first; ++index) {
      if (script[index].kind != DiffLine::Kind::kInsert) ++old_start;
      if (script[index].kind != DiffLine::Kind::kDelete) ++new_start;
    }
    int old_count = 0;
    int new_count = 0;
    std::string body;
    for (size_t index = first; index < end; ++index) {
      const DiffLine& line = script[index];
      char mark = line.kind == DiffLine::Kind::kKeep ? ' ' : line.kind == DiffLine::Kind::kDelete ? '-' : '+';
      if (line.kind != DiffLine::Kind::kInsert) ++old_count;
      if (line.kind != DiffLine::Kind::kDelete) ++new_count;
      body += mark;
      body += line.text;
      body += '\n';
    }
    out += fmt::format("@@ -{} +{} @@\n", Range(old_start, old_count), Range(new_start, new_count));
    out += body;
  }
  return out;
}

}  // namespace vakt::retro
