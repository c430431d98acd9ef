#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/label_set.h"
#include "runbook/selector.h"

namespace vakt::dispatch {

// MatchRoute is one entry of an ordered route list: all selectors must match (an empty list
// matches every alert); after a match the search stops unless continue_matching is set.
struct MatchRoute {
  std::vector<runbook::Selector> selectors;
  bool continue_matching = false;
};

// SelectorIndex answers "which routes match these labels, in order, honouring continue" without
// testing every route. Each route is filed under ONE of its positive literal selectors (equality,
// or a regex that is a plain alternation of literals) — the one whose values are rarest across
// all routes — in an inverted index label → value → route ids. Routes with no such selector go
// on an always-check list. A lookup gathers the postings of the alert's own labels plus the
// always-check list, sorts them back into declaration order and evaluates only those candidates:
// a route not among them cannot match, because its filed selector would fail.
//
// Cost per alert: one hash lookup per alert label + full evaluation of the candidates, which is
// independent of the number of routes as long as selectors are selective. Immutable after Build;
// safe for concurrent Match calls.
class SelectorIndex {
 public:
  SelectorIndex() = default;
  static SelectorIndex Build(std::vector<MatchRoute> routes);

  // Match appends the ids (positions in the Build input) of matching routes to *out, in order:
  // every match up to and including the first one without continue. *out is cleared first.
  void Match(const LabelSet& labels, std::vector<std::uint32_t>* out) const;
  // MatchLinear is the reference semantics: test every route in order. Same output as Match.
  void MatchLinear(const LabelSet& labels, std::vector<std::uint32_t>* out) const;

  const std::vector<MatchRoute>& routes() const { return routes_; }
  size_t always_check_count() const { return always_.size(); }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  using ValuePostings =
      std::unordered_map<std::string, std::vector<std::uint32_t>, StringHash, std::equal_to<>>;

  bool RouteMatches(std::uint32_t id, const LabelSet& labels) const;

  std::vector<MatchRoute> routes_;
  std::unordered_map<std::string, ValuePostings, StringHash, std::equal_to<>> postings_;
  std::vector<std::uint32_t> always_;
};

}  // namespace vakt::dispatch
