#include "diagnose/merge_scan.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "diagnose/pairwise_sum.h"

namespace vakt::diagnose {
namespace {

// Walker merges the two samples one value at a time and hands out scipy's W1 terms in order:
// term k is |F_u(x_k) - F_v(x_k)| (x_{k+1} - x_k) over the pooled sorted values. The counts right
// after taking x_k are F at x_k whenever x_{k+1} > x_k; inside a run of equal values the gap is 0,
// so the term is 0 either way and no look-ahead over ties is needed. The merge step itself is
// branch-free (the two samples interleave at random, so a branch per value mispredicts about
// half the time, which cost more than everything else together). When a run of equal values
// ends, the same difference is what KS and the unique counts need.
class Walker {
 public:
  Walker(std::span<const double> u, std::span<const double> v)
      : u_(u), v_(v), dnu_(static_cast<double>(u.size())), dnv_(static_cast<double>(v.size())) {
    Take();
  }

  double operator()() {
    const double prev_x = x_;
    const double prev_diff = diff_;
    const bool prev_from_u = from_u_;
    Take();
    if (x_ != prev_x) EndGroup(prev_x, prev_diff, prev_from_u);
    else group_has_u_ |= prev_from_u;
    return std::fabs(prev_diff) * (x_ - prev_x);
  }

  // Finish closes the last run and returns the results; call after all total - 1 terms.
  MergeScan Finish(double wasserstein, bool ks_pvalue) {
    EndGroup(x_, diff_, from_u_);
    MergeScan out;
    out.wasserstein = wasserstein;
    out.n_unique_reference = unique_reference_;
    out.n_unique_combined = unique_combined_;
    // ks_2samp evaluates F_ref - F_cur at the reference values, then at the current ones, and
    // keeps np.argmax's first hit, the later block winning only when strictly beyond. The
    // difference rises only at reference values, so every run attaining the maximum holds a
    // reference value: the first such run is the answer. It falls only at current values, so
    // the minimum is reported at the first run holding a reference value when one attains it,
    // else at the first run attaining it.
    const double min_diff = min_;
    const double min_at = ref_min_ == min_ ? ref_min_at_ : min_at_;
    const double min_s = std::clamp(-min_diff, 0.0, 1.0);
    if (min_s > max_) {
      out.ks.statistic = min_s;
      out.ks.location = min_at;
      out.ks.sign = -1;
    } else {
      out.ks.statistic = max_;
      out.ks.location = max_at_;
      out.ks.sign = 1;
    }
    if (ks_pvalue) {
      out.ks.pvalue = KsAsympPvalue(static_cast<long>(u_.size()), static_cast<long>(v_.size()),
                                    out.ks.statistic);
    }
    out.ks.method_used = KsMethod::kAsymp;
    return out;
  }

 private:
  // Take merges the next value (from u on ties, like std::merge; either order gives the same
  // counts at the end of a run) and the CDF difference right after it.
  void Take() {
    const size_t nu = u_.size();
    const size_t nv = v_.size();
    const double uu = u_[std::min(iu_, nu - 1)];
    const double vv = v_[std::min(iv_, nv - 1)];
    // Bitwise, not short-circuit: both operands are cheap and this keeps the step branch-free.
    from_u_ = (iu_ < nu) & ((iv_ >= nv) | (uu <= vv));
    x_ = from_u_ ? uu : vv;
    iu_ += from_u_;
    iv_ += !from_u_;
    diff_ = static_cast<double>(iu_) / dnu_ - static_cast<double>(iv_) / dnv_;
  }

  void EndGroup(double x, double diff, bool last_from_u) {
    const bool has_u = group_has_u_ | last_from_u;
    group_has_u_ = false;
    ++unique_combined_;
    unique_reference_ += has_u;
    if (diff > max_) max_ = diff, max_at_ = x;
    if (diff < min_) min_ = diff, min_at_ = x;
    if (has_u && diff < ref_min_) ref_min_ = diff, ref_min_at_ = x;
  }

  static constexpr double kInf = std::numeric_limits<double>::infinity();
  std::span<const double> u_, v_;
  const double dnu_, dnv_;
  size_t iu_ = 0, iv_ = 0;
  double x_ = 0, diff_ = 0;
  bool from_u_ = false;
  bool group_has_u_ = false;
  int64_t unique_reference_ = 0, unique_combined_ = 0;
  double max_ = -kInf, min_ = kInf, ref_min_ = kInf;
  double max_at_ = 0, min_at_ = 0, ref_min_at_ = 0;
};

}  // namespace

MergeScan ScanSorted(std::span<const double> reference, std::span<const double> current,
                     bool ks_pvalue) {
  Walker walker(reference, current);
  const size_t total = reference.size() + current.size();
  const double wasserstein = PairwiseSumOf(total - 1, walker);
  return walker.Finish(wasserstein, ks_pvalue);
}

}  // namespace vakt::diagnose
