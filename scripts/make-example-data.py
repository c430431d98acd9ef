#!/usr/bin/env python3
"""Writes the small example datasets the example runbooks' drift sections point at
(examples/data/, resolved through vakt.yaml `diagnose_data_dir`, default examples/data).

Deterministic (fixed seeds; numpy's PCG64), so re-running reproduces the committed files byte for
byte. Each "current" file carries a known shift against its reference, so `vakt diagnose drift` and
POST /api/v1/incidents/{id}/diagnose have something true to find:

  fraud/reference_2026q3.csv vs fraud/last_24h.csv
      card_velocity_1h shifts up (a feature pipeline double-counts), merchant_category gains an
      "unknown" share (risk FRAUD-R2: MCC lookup timeouts default to "unknown"); amount,
      hour_of_day and distance_from_home_km do not move.
  credit/scores_last_28d.csv vs credit/scores_last_24h.csv
      the score distribution moves down (the population mix changed).
  credit/features_last_28d.csv vs credit/features_last_24h.csv
      applicant_income and channel shift (a new broker channel); debt_to_income and age do not.

Usage: python3 scripts/make-example-data.py [OUTPUT_DIR]   (default: examples/data)
Needs numpy (Debian: python3-numpy).
"""

import csv
import os
import sys

import numpy as np


def write(path, header, columns):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in zip(*columns):
            writer.writerow(row)


def fmt(values, digits):
    return ["%.*f" % (digits, v) for v in values]


def fraud(out_dir, name, rows, seed, shifted):
    rng = np.random.default_rng(seed)
    amount = rng.lognormal(3.4, 0.9, rows)
    velocity = rng.poisson(4.5 if shifted else 2.0, rows)
    categories = ["grocery", "fuel", "travel", "online", "restaurants"]
    if shifted:
        weights = [0.22, 0.14, 0.08, 0.26, 0.12, 0.18]
        categories = categories + ["unknown"]
    else:
        weights = [0.28, 0.16, 0.10, 0.32, 0.14]
    merchant = rng.choice(categories, size=rows, p=weights)
    hour = rng.integers(0, 24, rows)
    distance = rng.exponential(12.0, rows)
    write(os.path.join(out_dir, "fraud", name),
          ["amount", "card_velocity_1h", "merchant_category", "hour_of_day",
           "distance_from_home_km"],
          [fmt(amount, 2), velocity, merchant, hour, fmt(distance, 1)])


def credit_scores(out_dir, name, rows, seed, shifted):
    rng = np.random.default_rng(seed)
    score = rng.beta(2.0 if shifted else 2.6, 5.0, rows)
    write(os.path.join(out_dir, "credit", name), ["score"], [fmt(score, 4)])


def credit_features(out_dir, name, rows, seed, shifted):
    rng = np.random.default_rng(seed)
    income = rng.lognormal(10.4 if shifted else 10.8, 0.45, rows) / 1000.0
    dti = rng.beta(2.0, 6.0, rows)
    age = rng.integers(19, 75, rows)
    channels = ["branch", "web", "app", "broker"]
    weights = [0.15, 0.30, 0.25, 0.30] if shifted else [0.25, 0.40, 0.30, 0.05]
    channel = rng.choice(channels, size=rows, p=weights)
    write(os.path.join(out_dir, "credit", name),
          ["applicant_income_k", "debt_to_income", "age", "channel"],
          [fmt(income, 1), fmt(dti, 3), age, channel])


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join("examples", "data")
    fraud(out_dir, "reference_2026q3.csv", 1000, 2026_3, shifted=False)
    fraud(out_dir, "last_24h.csv", 1000, 2026_11_27, shifted=True)
    credit_scores(out_dir, "scores_last_28d.csv", 800, 28, shifted=False)
    credit_scores(out_dir, "scores_last_24h.csv", 800, 24, shifted=True)
    credit_features(out_dir, "features_last_28d.csv", 800, 280, shifted=False)
    credit_features(out_dir, "features_last_24h.csv", 800, 240, shifted=True)


if __name__ == "__main__":
    main()
