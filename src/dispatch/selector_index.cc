#include "dispatch/selector_index.h"

#include <algorithm>
#include <limits>
#include <map>

namespace vakt::dispatch {

SelectorIndex SelectorIndex::Build(std::vector<MatchRoute> routes) {
  SelectorIndex index;
  index.routes_ = std::move(routes);
  // Pass 1: how many routes name each label=value, so each route can be filed under its rarest.
  std::map<std::pair<std::string_view, std::string_view>, size_t> frequency;
  for (const MatchRoute& route : index.routes_) {
    for (const runbook::Selector& selector : route.selectors) {
      for (const std::string& value : selector.literal_alternatives()) {
        ++frequency[{selector.label(), value}];
      }
    }
  }
  // Pass 2: file each route once, under the selector with the fewest competing routes.
  for (std::uint32_t id = 0; id < index.routes_.size(); ++id) {
    const runbook::Selector* best = nullptr;
    size_t best_cost = std::numeric_limits<size_t>::max();
    for (const runbook::Selector& selector : index.routes_[id].selectors) {
      if (selector.literal_alternatives().empty()) continue;
      size_t cost = 0;
      for (const std::string& value : selector.literal_alternatives()) {
        cost += frequency[{selector.label(), value}];
      }
      if (cost < best_cost) {
        best_cost = cost;
        best = &selector;
      }
    }
    if (best == nullptr) {
      index.always_.push_back(id);
      continue;
    }
    ValuePostings& by_value = index.postings_[best->label()];
    for (const std::string& value : best->literal_alternatives()) by_value[value].push_back(id);
  }
  return index;
}

bool SelectorIndex::RouteMatches(std::uint32_t id, const LabelSet& labels) const {
  for (const runbook::Selector& selector : routes_[id].selectors) {
    if (!selector.Matches(labels)) return false;
  }
  return true;
}

void SelectorIndex::Match(const LabelSet& labels, std::vector<std::uint32_t>* out) const {
  out->clear();
  // Scratch space reused per thread so a match allocates nothing in the steady state.
  thread_local std::vector<std::uint32_t> candidates;
  candidates.clear();
  for (const auto& [name, value] : labels) {
    const auto by_label = postings_.find(std::string_view(name));
    if (by_label == postings_.end()) continue;
    const auto by_value = by_label->second.find(std::string_view(value));
    if (by_value == by_label->second.end()) continue;
    candidates.insert(candidates.end(), by_value->second.begin(), by_value->second.end());
  }
  // A route is filed under one label and an alert has one value per label, so postings never
  // repeat a route and are disjoint from the always-check list: sorting restores declaration order.
  candidates.insert(candidates.end(), always_.begin(), always_.end());
  std::sort(candidates.begin(), candidates.end());
  for (std::uint32_t id : candidates) {
    if (!RouteMatches(id, labels)) continue;
    out->push_back(id);
    if (!routes_[id].continue_matching) break;
  }
}

void SelectorIndex::MatchLinear(const LabelSet& labels, std::vector<std::uint32_t>* out) const {
  out->clear();
  for (std::uint32_t id = 0; id < routes_.size(); ++id) {
    if (!RouteMatches(id, labels)) continue;
    out->push_back(id);
    if (!routes_[id].continue_matching) break;
  }
}

}  // namespace vakt::dispatch
