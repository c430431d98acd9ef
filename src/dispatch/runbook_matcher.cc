#include "dispatch/runbook_matcher.h"

#include <fmt/format.h>

namespace vakt::dispatch {

RunbookMatcher RunbookMatcher::Build(std::shared_ptr<const runbook::RunbookSet> set) {
  RunbookMatcher matcher;
  std::vector<MatchRoute> routes;
  for (const auto& runbook : set->runbooks()) {
    if (runbook->detection.is_default) continue;
    matcher.routed_.push_back(runbook.get());
    routes.push_back({runbook->detection.match, runbook->detection.continue_matching});
  }
  matcher.index_ = SelectorIndex::Build(std::move(routes));
  matcher.set_ = std::move(set);
  return matcher;
}

std::vector<const runbook::Runbook*> RunbookMatcher::Match(const LabelSet& labels) const {
  thread_local std::vector<std::uint32_t> ids;
  index_.Match(labels, &ids);
  std::vector<const runbook::Runbook*> selected;
  selected.reserve(ids.size() + 1);
  for (std::uint32_t id : ids) selected.push_back(routed_[id]);
  if (selected.empty() && set_->default_runbook() != nullptr) {
    selected.push_back(set_->default_runbook());
  }
  return selected;
}

Explanation RunbookMatcher::Explain(const LabelSet& labels) const {
  Explanation explanation;
  std::string stopped_by;
  for (const runbook::Runbook* runbook : routed_) {
    RunbookVerdict verdict;
    verdict.runbook = runbook;
    verdict.matched = true;
    for (const runbook::Selector& selector : runbook->detection.match) {
      SelectorVerdict selector_verdict;
      selector_verdict.selector = selector.ToString();
      const auto it = labels.find(selector.label());
      selector_verdict.present = it != labels.end();
      selector_verdict.value = selector_verdict.present ? it->second : "";
      selector_verdict.matched = selector.Matches(labels);
      verdict.matched &= selector_verdict.matched;
      verdict.selectors.push_back(std::move(selector_verdict));
    }
    verdict.considered = stopped_by.empty();
    verdict.stopped_by = stopped_by;
    verdict.selected = verdict.matched && verdict.considered;
    if (verdict.selected) {
      explanation.selected.push_back(runbook);
      if (!runbook->detection.continue_matching) stopped_by = runbook->id();
    }
    explanation.runbooks.push_back(std::move(verdict));
  }
  if (explanation.selected.empty() && set_->default_runbook() != nullptr) {
    explanation.selected.push_back(set_->default_runbook());
    explanation.used_default = true;
  }
  return explanation;
}

std::string Explanation::ToString() const {
  std::string text;
  if (selected.empty()) {
    text += "selected: none (no runbook matched and the set has no default runbook)\n";
  } else {
    text += "selected:";
    for (const runbook::Runbook* runbook : selected) text += " " + runbook->id();
    text += used_default ? " (default: no runbook matched)\n" : "\n";
  }
  for (const RunbookVerdict& verdict : runbooks) {
    const char* state = verdict.selected  ? "SELECTED"
                        : !verdict.matched ? "no match"
                                           : "matches, not reached";
    text += fmt::format("\n{} [{}] {}", verdict.runbook->id(), state,
                        verdict.runbook->source_path);
    if (verdict.selected && verdict.runbook->detection.continue_matching) {
      text += " (continue: true, search goes on)";
    }
    if (!verdict.considered) {
      text += fmt::format(" (search stopped at {})", verdict.stopped_by);
    }
    text += "\n";
    for (const SelectorVerdict& selector : verdict.selectors) {
      text += fmt::format("  {} {}  (alert has {})\n", selector.matched ? "✓" : "✗",
                          selector.selector,
                          selector.present ? fmt::format("\"{}\"", selector.value)
                                           : std::string("no such label, read as \"\""));
    }
    if (verdict.selectors.empty()) text += "  (no selectors: matches every alert)\n";
  }
  return text;
}

}  // namespace vakt::dispatch
