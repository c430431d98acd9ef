// Conformance with /work/shared/testdata/drift/drift_vectors.json: every case, every expected
// value. An expected field this test does not know fails the test, so new fields in the vectors
// cannot be skipped silently.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "diagnose/drift.h"
#include "diagnose/ks.h"

namespace vakt::diagnose {
namespace {

using nlohmann::json;

constexpr double kRelPvalue = 1e-9;
constexpr double kRelValue = 1e-12;

json LoadVectors() {
  const char* shared = std::getenv("VAKT_SHARED_DIR");
  const std::string path =
      std::string(shared != nullptr ? shared : "/work/shared") + "/testdata/drift/drift_vectors.json";
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return json::object();
  }
  return json::parse(in);
}

const json& Vectors() {
  static const json* vectors = new json(LoadVectors());
  return *vectors;
}

double ExpectedDouble(const json& v) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    ADD_FAILURE() << "unexpected string for a number: " << s;
    return 0;
  }
  return v.get<double>();
}

// Checker compares one case's expected object against computed values and insists that every
// expected key is consumed by some check.
class Checker {
 public:
  explicit Checker(std::string case_id) : case_id_(std::move(case_id)) {}

  void Near(const std::string& path, const json& expected, double actual, double rel) {
    const double e = ExpectedDouble(expected);
    if (std::isnan(e) && std::isnan(actual)) return;
    if (e == actual) return;
    const double diff = std::fabs(e - actual);
    EXPECT_LE(diff, rel * std::fabs(e))
        << case_id_ << " " << path << ": expected " << Repr(e) << " got " << Repr(actual)
        << " (rel " << diff / std::fabs(e) << ")";
  }
  void Exact(const std::string& path, const json& expected, double actual) {
    const double e = ExpectedDouble(expected);
    if (std::isnan(e) && std::isnan(actual)) return;
    EXPECT_EQ(e, actual) << case_id_ << " " << path << ": expected " << Repr(e) << " got "
                         << Repr(actual);
  }
  void Equal(const std::string& path, const json& expected, const json& actual) {
    EXPECT_EQ(expected, actual) << case_id_ << " " << path;
  }
  template <typename T>
  void NearVector(const std::string& path, const json& expected, const std::vector<T>& actual,
                  double rel) {
    ASSERT_TRUE(expected.is_array()) << case_id_ << " " << path;
    ASSERT_EQ(expected.size(), actual.size()) << case_id_ << " " << path << " length";
    for (size_t i = 0; i < actual.size(); ++i) {
      Near(path + "[" + std::to_string(i) + "]", expected[i], static_cast<double>(actual[i]), rel);
    }
  }

  // Section runs `checks` for each key of `expected`; an unhandled key is a failure.
  using KeyChecks = std::map<std::string, std::function<void(const json&)>>;
  void Section(const std::string& path, const json& expected, const KeyChecks& checks) {
    for (auto& [key, value] : expected.items()) {
      auto it = checks.find(key);
      if (it == checks.end()) {
        ADD_FAILURE() << case_id_ << " " << path << "." << key
                      << ": expected field not understood by the conformance test";
        continue;
      }
      it->second(value);
      ++checked_;
    }
  }
  int checked() const { return checked_; }

 private:
  static std::string Repr(double v) {
    std::ostringstream out;
    out.precision(17);
    out << v;
    return out.str();
  }
  std::string case_id_;
  int checked_ = 0;
};

ColumnSample ToSample(const json& values, ColumnType type) {
  ColumnSample sample;
  sample.raw_count = static_cast<int64_t>(values.size());
  for (const json& v : values) {
    if (v.is_null()) continue;
    if (type == ColumnType::kNumerical) {
      sample.numbers.push_back(v.get<double>());
    } else {
      sample.strings.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    }
  }
  return sample;
}

std::string KsMethodName(KsMethod m) { return m == KsMethod::kExact ? "exact" : "asymp"; }

void CheckCase(const json& c, std::map<std::string, bool>* drift_by_case) {
  const std::string id = c.at("id").get<std::string>();
  const ColumnType type = c.at("column_type") == "numerical" ? ColumnType::kNumerical
                                                               : ColumnType::kCategorical;
  DriftOptions options;
  options.decile_psi = true;
  options.rank_tests = true;
  ColumnSample ref = ToSample(c.at("reference"), type);
  ColumnSample cur = ToSample(c.at("current"), type);
  Result<DriftAnalysis> result = AnalyzeColumn(type, std::move(ref), std::move(cur), options);
  ASSERT_TRUE(result.ok()) << id << ": " << result.status().ToString();
  const DriftAnalysis& a = *result;
  (*drift_by_case)[id] = a.drift;
  Checker ck(id);
  const bool numerical = type == ColumnType::kNumerical;
  auto no_warnings = [&](const std::string& path) {
    return [&ck, path](const json& v) { ck.Equal(path, v, json::array()); };
  };

  Checker::KeyChecks top;
  top["n_ref_raw"] = [&](const json& v) { ck.Exact("n_ref_raw", v, double(a.n_ref_raw)); };
  top["n_cur_raw"] = [&](const json& v) { ck.Exact("n_cur_raw", v, double(a.n_cur_raw)); };
  top["n_ref"] = [&](const json& v) { ck.Exact("n_ref", v, double(a.n_ref)); };
  top["n_cur"] = [&](const json& v) { ck.Exact("n_cur", v, double(a.n_cur)); };
  top["n_unique_ref"] = [&](const json& v) { ck.Exact("n_unique_ref", v, double(a.n_unique_ref)); };
  top["n_unique_combined"] = [&](const json& v) {
    ck.Exact("n_unique_combined", v, double(a.n_unique_combined));
  };
  top["ks_2samp"] = [&](const json& ks) {
    ASSERT_TRUE(a.ks.has_value()) << id;
    // The raw D (not snapped to h/lcm) for the exact p-value, as a separate scipy call sees it.
    const bool exact_attempted = double(a.n_ref) * double(a.n_cur) <= 2e8;
    std::optional<double> exact;
    if (exact_attempted) {
      double snapped = 0;
      exact = KsExactPvalue(a.n_ref, a.n_cur, a.ks_raw_statistic, &snapped);
    }
    ck.Section("ks_2samp", ks, {
      {"statistic", [&](const json& v) { ck.Exact("ks.statistic", v, a.ks->statistic); }},
      {"statistic_location", [&](const json& v) { ck.Exact("ks.location", v, a.ks->location); }},
      {"statistic_sign", [&](const json& v) { ck.Exact("ks.sign", v, a.ks->sign); }},
      {"pvalue_auto", [&](const json& v) { ck.Near("ks.pvalue_auto", v, a.ks->pvalue, kRelPvalue); }},
      {"auto_method", [&](const json& v) { ck.Equal("ks.auto_method", v, KsMethodName(a.ks->method_used)); }},
      {"auto_warnings", no_warnings("ks.auto_warnings")},
      {"exact_warnings", no_warnings("ks.exact_warnings")},
      {"pvalue_exact", [&](const json& v) {
         if (v.is_null()) {
           EXPECT_FALSE(exact_attempted && exact.has_value()) << id << " exact p should be absent";
         } else {
           ASSERT_TRUE(exact.has_value()) << id << " exact p missing";
           ck.Near("ks.pvalue_exact", v, *exact, kRelPvalue);
         }
       }},
      {"exact_note", [&](const json& v) {
         EXPECT_FALSE(exact_attempted) << id << " " << v.get<std::string>();
       }},
      {"pvalue_asymp", [&](const json& v) { ck.Near("ks.pvalue_asymp", v, a.ks_pvalue_asymp, kRelPvalue); }},
      {"asymp_formula", [&](const json& v) {
         ck.Equal("ks.asymp_formula", v, "scipy.stats.kstwo.sf(D, round(en)), en = m*n/(m+n)");
       }},
      {"en", [&](const json& v) { ck.Exact("ks.en", v, a.ks_en); }},
      {"pvalue_kstwobign", [&](const json& v) {
         ck.Near("ks.pvalue_kstwobign", v, a.ks_pvalue_kstwobign, kRelPvalue);
       }},
    });
  };
  top["wasserstein_distance"] = [&](const json& v) {
    ASSERT_TRUE(a.wasserstein.has_value());
    ck.Near("wasserstein", v, *a.wasserstein, kRelValue);
  };
  top["wasserstein_normed_evidently"] = [&](const json& w) {
    ASSERT_TRUE(a.wasserstein_normed.has_value());
    ck.Section("wasserstein_normed", w, {
      {"value", [&](const json& v) { ck.Near("wn.value", v, *a.wasserstein_normed, kRelValue); }},
      {"ref_std_ddof0", [&](const json& v) { ck.Near("wn.std", v, a.ref_std, kRelValue); }},
      {"norm", [&](const json& v) { ck.Near("wn.norm", v, std::max(a.ref_std, 0.001), kRelValue); }},
    });
  };
  top["evidently_binning"] = [&](const json& b) {
    ck.Section("binning", b, {
      {"mode", [&](const json& v) {
         ck.Equal("binning.mode", v, a.binning.per_value ? "per_unique_value" : "sturges_on_combined");
       }},
      {"n_bins", [&](const json& v) { ck.Exact("binning.n_bins", v, double(a.binning.ref_counts.size())); }},
      {"log2N_plus_1", [&](const json& v) { ck.Exact("binning.log2N_plus_1", v, a.binning.log2n_plus_1); }},
      {"edges", [&](const json& v) { ck.NearVector("binning.edges", v, a.binning.edges, 0.0); }},
      {"keys", [&](const json& v) {
         if (numerical) {
           ck.NearVector("binning.keys", v, a.binning.numeric_keys, 0.0);
         } else {
           ck.Equal("binning.keys", v, a.binning.string_keys);
         }
       }},
      {"ref_counts", [&](const json& v) { ck.NearVector("binning.ref_counts", v, a.binning.ref_counts, 0.0); }},
      {"cur_counts", [&](const json& v) { ck.NearVector("binning.cur_counts", v, a.binning.cur_counts, 0.0); }},
    });
  };
  top["psi_evidently"] = [&](const json& p) {
    ck.Section("psi", p, {
      {"value", [&](const json& v) { ck.Near("psi.value", v, a.psi, kRelValue); }},
      {"ref_fill_value", [&](const json& v) { ck.Near("psi.ref_fill", v, a.ref_fill_value, kRelValue); }},
      {"cur_fill_value", [&](const json& v) { ck.Near("psi.cur_fill", v, a.cur_fill_value, kRelValue); }},
      {"ref_percents_filled", [&](const json& v) {
         ck.NearVector("psi.ref_percents", v, a.ref_percents_filled, kRelValue);
       }},
      {"cur_percents_filled", [&](const json& v) {
         ck.NearVector("psi.cur_percents", v, a.cur_percents_filled, kRelValue);
       }},
    });
  };
  top["kl_div_evidently"] = [&](const json& v) { ck.Near("kl", v, a.kl_divergence, kRelValue); };
  top["jensenshannon_evidently"] = [&](const json& v) { ck.Near("js", v, a.jensenshannon, kRelValue); };
  top["jensenshannon_base2"] = [&](const json& v) { ck.Near("js2", v, a.jensenshannon_base2, kRelValue); };
  top["psi_fixed_eps"] = [&](const json& p) {
    ck.Section("psi_fixed_eps", p, {
      {"value", [&](const json& v) {
         ck.Near("psi_fixed.value", v, numerical ? a.decile_psi->value : a.fixed_eps_psi, kRelValue);
       }},
      {"interior_edges", [&](const json& v) {
         ASSERT_TRUE(a.decile_psi.has_value());
         ck.NearVector("psi_fixed.edges", v, a.decile_psi->interior_edges, 0.0);
       }},
      {"keys", [&](const json& v) { ck.Equal("psi_fixed.keys", v, a.binning.string_keys); }},
      {"ref_counts", [&](const json& v) {
         ck.NearVector("psi_fixed.ref_counts", v, numerical ? a.decile_psi->ref_counts : a.binning.ref_counts, 0.0);
       }},
      {"cur_counts", [&](const json& v) {
         ck.NearVector("psi_fixed.cur_counts", v, numerical ? a.decile_psi->cur_counts : a.binning.cur_counts, 0.0);
       }},
      {"epsilon", [&](const json& v) { ck.Exact("psi_fixed.epsilon", v, 1e-4); }},
    });
  };
  top["chi2_contingency"] = [&](const json& p) {
    const ChiSquareResult& r = a.chi2_contingency;
    ck.Section("chi2_contingency", p, {
      {"statistic", [&](const json& v) { ck.Near("chi2c.statistic", v, r.statistic, kRelValue); }},
      {"pvalue", [&](const json& v) { ck.Near("chi2c.pvalue", v, r.pvalue, kRelPvalue); }},
      {"dof", [&](const json& v) { ck.Exact("chi2c.dof", v, double(r.dof)); }},
      {"yates_correction_applied", [&](const json& v) { ck.Equal("chi2c.yates", v, r.yates); }},
      {"n_columns", [&](const json& v) { ck.Exact("chi2c.n_columns", v, double(r.n_columns)); }},
      {"warnings", no_warnings("chi2c.warnings")},
    });
  };
  top["chisquare_evidently"] = [&](const json& p) {
    ASSERT_TRUE(a.chisquare.has_value()) << id;
    const ChiSquareResult& r = *a.chisquare;
    ck.Section("chisquare", p, {
      {"statistic", [&](const json& v) { ck.Near("chisq.statistic", v, r.statistic, kRelValue); }},
      {"pvalue", [&](const json& v) { ck.Near("chisq.pvalue", v, r.pvalue, kRelPvalue); }},
      {"dof", [&](const json& v) { ck.Exact("chisq.dof", v, double(r.dof)); }},
      {"f_obs", [&](const json& v) { ck.NearVector("chisq.f_obs", v, a.binning.cur_counts, 0.0); }},
      {"f_exp", [&](const json& v) { ck.NearVector("chisq.f_exp", v, a.chisquare_f_exp, kRelValue); }},
      {"warnings", [&](const json& v) {
         json warnings = json::array();
         if (r.divide_by_zero) warnings.push_back("divide by zero encountered in divide");
         ck.Equal("chisq.warnings", v, warnings);
       }},
    });
  };
  top["ztest_evidently"] = [&](const json& p) {
    ASSERT_TRUE(a.ztest.has_value()) << id;
    const ZTestResult& z = *a.ztest;
    ck.Section("ztest", p, {
      {"pvalue", [&](const json& v) { ck.Near("z.pvalue", v, z.pvalue, kRelPvalue); }},
      {"pvalue_erfc", [&](const json& v) { ck.Near("z.pvalue_erfc", v, z.pvalue_erfc, kRelPvalue); }},
      {"z", [&](const json& v) { ck.Near("z.z", v, z.z, kRelValue); }},
      {"p_ref", [&](const json& v) { ck.Near("z.p_ref", v, z.p_ref, kRelValue); }},
      {"p_cur", [&](const json& v) { ck.Near("z.p_cur", v, z.p_cur, kRelValue); }},
      {"pooled", [&](const json& v) { ck.Near("z.pooled", v, z.pooled, kRelValue); }},
      {"key0", [&](const json& v) {
         if (numerical) {
           ck.Exact("z.key0", v, a.binning.numeric_keys[0]);
         } else {
           ck.Equal("z.key0", v, a.ztest_key0);
         }
       }},
    });
  };
  top["evidently_default"] = [&](const json& p) {
    const bool pvalue_test = a.test == DriftTest::kKs || a.test == DriftTest::kChiSquare ||
                             a.test == DriftTest::kZ;
    std::string rule = a.test == DriftTest::kKs ? "p_value <= threshold"
                       : pvalue_test           ? "p_value < threshold"
                       : a.test == DriftTest::kWasserstein ? "normed distance >= threshold"
                                                           : "distance >= threshold";
    ck.Section("default", p, {
      {"test", [&](const json& v) { ck.Equal("default.test", v, DriftTestName(a.test)); }},
      {"threshold", [&](const json& v) { ck.Exact("default.threshold", v, a.threshold); }},
      {"score", [&](const json& v) {
         ck.Near("default.score", v, a.score, pvalue_test ? kRelPvalue : kRelValue);
       }},
      {"drift", [&](const json& v) { ck.Equal("default.drift", v, a.drift); }},
      {"rule", [&](const json& v) { ck.Equal("default.rule", v, rule); }},
    });
  };
  top["mannwhitneyu"] = [&](const json& p) {
    ASSERT_TRUE(a.mann_whitney.has_value()) << id;
    const MannWhitneyResult& r = *a.mann_whitney;
    ck.Section("mannwhitneyu", p, {
      {"U1", [&](const json& v) { ck.Exact("mwu.U1", v, r.u1); }},
      {"pvalue_auto", [&](const json& v) { ck.Near("mwu.pvalue_auto", v, r.pvalue_auto, kRelPvalue); }},
      {"pvalue_asymptotic", [&](const json& v) {
         ck.Near("mwu.pvalue_asymptotic", v, r.pvalue_asymptotic, kRelPvalue);
       }},
      {"pvalue_exact", [&](const json& v) {
         if (v.is_null()) {
           EXPECT_TRUE(r.has_ties || std::max(a.n_ref, a.n_cur) > 30) << id << " exact MWU expected";
         } else {
           ASSERT_TRUE(r.pvalue_exact.has_value()) << id;
           ck.Near("mwu.pvalue_exact", v, *r.pvalue_exact, kRelPvalue);
         }
       }},
      {"has_ties", [&](const json& v) { ck.Equal("mwu.has_ties", v, r.has_ties); }},
      {"auto_method", [&](const json& v) {
         ck.Equal("mwu.auto_method", v, r.auto_exact ? "exact" : "asymptotic");
       }},
      {"pvalue_less_auto_evidently", [&](const json& v) {
         ck.Near("mwu.pvalue_less", v, r.pvalue_less_auto, kRelPvalue);
       }},
    });
  };
  top["anderson_ksamp"] = [&](const json& p) {
    if (p.contains("error")) {
      EXPECT_FALSE(a.anderson.has_value()) << id << " scipy raised: " << p.at("error");
      ck.Section("anderson", p, {{"error", [](const json&) {}}});
      return;
    }
    ASSERT_TRUE(a.anderson.has_value()) << id;
    const AndersonResult& r = *a.anderson;
    ck.Section("anderson", p, {
      {"statistic", [&](const json& v) { ck.Near("ad.statistic", v, r.statistic, kRelValue); }},
      {"critical_values", [&](const json& v) { ck.NearVector("ad.critical", v, r.critical_values, 0.0); }},
      {"significance_level", [&](const json& v) {
         ck.Near("ad.significance", v, r.significance_level, kRelPvalue);
       }},
      {"significance_level_note", [](const json&) {}},
      {"warnings", [&](const json& v) { ck.Equal("ad.warnings", v, r.warnings); }},
    });
  };
  top["cramervonmises_2samp"] = [&](const json& p) {
    ASSERT_TRUE(a.cramer_von_mises.has_value()) << id;
    const CramerVonMisesResult& r = *a.cramer_von_mises;
    ck.Section("cvm", p, {
      {"statistic", [&](const json& v) { ck.Near("cvm.statistic", v, r.statistic, kRelValue); }},
      {"pvalue_asymptotic", [&](const json& v) {
         // scipy forms this p-value as 1 - CDF with the CDF summed to ~1, so below ~1e-6 its
         // last digits are rounding noise of that subtraction (a few ulp of 1.0, ~1e-15
         // absolute), which no independent implementation reproduces. Compare relatively to
         // 1e-9 or absolutely to 1e-14, whichever is looser.
         const double e = ExpectedDouble(v);
         if (std::fabs(e - r.pvalue_asymptotic) <= 1e-14) return;
         ck.Near("cvm.pvalue_asymptotic", v, r.pvalue_asymptotic, kRelPvalue);
       }},
      {"pvalue_exact", [&](const json& v) {
         if (v.is_null()) {
           EXPECT_FALSE(r.pvalue_exact.has_value()) << id;
         } else {
           ASSERT_TRUE(r.pvalue_exact.has_value()) << id;
           ck.Near("cvm.pvalue_exact", v, *r.pvalue_exact, kRelPvalue);
         }
       }},
      {"auto_method", [&](const json& v) {
         ck.Equal("cvm.auto_method", v, r.auto_exact ? "exact" : "asymptotic");
       }},
    });
  };
  ck.Section("expected", c.at("expected"), top);
  EXPECT_GT(ck.checked(), 10) << id;
}

TEST(DriftVectorsTest, EveryCaseMatchesScipyAndEvidently) {
  const json& vectors = Vectors();
  ASSERT_TRUE(vectors.contains("cases"));
  ASSERT_EQ(vectors.at("cases").size(), vectors.at("meta").at("n_cases").get<size_t>());
  std::map<std::string, bool> drift_by_case;
  for (const json& c : vectors.at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    for (auto& [key, value] : c.items()) {
      static const std::set<std::string> kCaseKeys = {
          "id", "description", "tags", "seed", "column_type", "reference", "current", "expected"};
      EXPECT_TRUE(kCaseKeys.count(key)) << "unknown case field " << key;
    }
    CheckCase(c, &drift_by_case);
  }
  ASSERT_TRUE(vectors.contains("dataset_cases"));
  for (const json& d : vectors.at("dataset_cases")) {
    const std::string id = d.at("id").get<std::string>();
    // Some columns name cases kept back for acceptance; check the ones we have, then the rule
    // itself on the expected counts.
    int64_t known_drifted = 0;
    int64_t unknown = 0;
    for (const json& column : d.at("columns")) {
      auto it = drift_by_case.find(column.get<std::string>());
      if (it == drift_by_case.end()) {
        ++unknown;
      } else {
        known_drifted += it->second ? 1 : 0;
      }
    }
    const int64_t expected_drifted = d.at("number_of_drifted_columns").get<int64_t>();
    EXPECT_LE(known_drifted, expected_drifted) << id;
    EXPECT_LE(expected_drifted, known_drifted + unknown) << id;
    std::vector<bool> drifts(d.at("columns").size(), false);
    for (int64_t i = 0; i < expected_drifted; ++i) drifts[static_cast<size_t>(i)] = true;
    const double share_threshold = d.at("drift_share").get<double>();
    const DatasetDrift verdict = DecideDatasetDrift(drifts, share_threshold);
    Checker ck(id);
    ck.Section("dataset", d, {
      {"id", [](const json&) {}},
      {"columns", [](const json&) {}},
      {"drift_share", [](const json&) {}},
      {"number_of_columns", [&](const json& v) { ck.Exact("n_columns", v, double(verdict.number_of_columns)); }},
      {"number_of_drifted_columns", [&](const json& v) { ck.Exact("n_drifted", v, double(verdict.drifted_columns)); }},
      {"share_of_drifted_columns", [&](const json& v) { ck.Exact("share", v, verdict.share); }},
      {"dataset_drift", [&](const json& v) { ck.Equal("dataset_drift", v, verdict.drift); }},
      {"rule", [&](const json& v) { ck.Equal("rule", v, "share_of_drifted_columns >= drift_share"); }},
    });
  }
}

}  // namespace
}  // namespace vakt::diagnose
