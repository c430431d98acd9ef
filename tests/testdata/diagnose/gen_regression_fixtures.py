#!/usr/bin/python3
"""Generates the model-regression fixtures for src/diagnose/regression_test.cc.

Run with Debian's interpreter (numpy 1.24, scipy 1.10): /usr/bin/python3 gen_regression_fixtures.py
Writes before.csv, after.csv, predictions.csv and regression_expected.json next to this file.

The expected values are computed independently of the C++ code path: AUC from scipy's
Mann-Whitney U (U / (n_pos * n_neg)), DeLong's structural components from the explicit
n_pos x n_neg comparison matrix (not from midranks), the CI from scipy.stats.norm.ppf.
Scores are rounded to 3 decimals so that ties occur.
"""
import json
import os

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
THRESHOLD = 0.5
ALPHA = 0.05
BINS = 10


def draw(rng, n, separation, prevalence):
    labels = (rng.random(n) < prevalence).astype(int)
    logits = rng.normal(0.0, 1.0, n) + separation * (labels - 0.5)
    scores = np.round(1.0 / (1.0 + np.exp(-logits)), 3)
    return scores, labels


def delong(scores, labels):
    pos = scores[labels == 1]
    neg = scores[labels == 0]
    psi = (pos[:, None] > neg[None, :]).astype(float) + 0.5 * (pos[:, None] == neg[None, :])
    v10 = psi.mean(axis=1)
    v01 = psi.mean(axis=0)
    auc = psi.mean()
    var = v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg)
    u = stats.mannwhitneyu(pos, neg, alternative='two-sided', method='asymptotic').statistic
    auc_mw = u / (len(pos) * len(neg))
    assert abs(auc - auc_mw) < 1e-12, (auc, auc_mw)
    return float(auc_mw), float(var)


def quality(scores, labels):
    auc, var = delong(scores, labels)
    z = stats.norm.ppf(1 - ALPHA / 2)
    pred = scores >= THRESHOLD
    tp = int(np.sum(pred & (labels == 1)))
    fp = int(np.sum(pred & (labels == 0)))
    tn = int(np.sum(~pred & (labels == 0)))
    fn = int(np.sum(~pred & (labels == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    bins = np.clip(np.floor(scores * BINS).astype(int), 0, BINS - 1)
    ece = 0.0
    for b in range(BINS):
        mask = bins == b
        if mask.any():
            ece += mask.mean() * abs(labels[mask].mean() - scores[mask].mean())
    return {
        'n': int(len(scores)), 'positives': int(labels.sum()), 'negatives': int((1 - labels).sum()),
        'auc': auc, 'auc_variance': var,
        'auc_ci': [max(0.0, auc - z * np.sqrt(var)), min(1.0, auc + z * np.sqrt(var))],
        'accuracy': (tp + tn) / len(scores), 'precision': precision, 'recall': recall, 'f1': f1,
        'ece': float(ece),
    }


def main():
    rng = np.random.default_rng(20261128)
    before_s, before_l = draw(rng, 1500, 2.2, 0.3)
    after_s, after_l = draw(rng, 1200, 1.2, 0.3)  # the model degraded after the deploy
    split = 1795000000  # 2026-11-18T11:06:40Z
    with open(os.path.join(HERE, 'before.csv'), 'w') as f:
        f.write('score,label\n')
        for s, l in zip(before_s, before_l):
            f.write(f'{s:.3f},{l}\n')
    with open(os.path.join(HERE, 'after.csv'), 'w') as f:
        f.write('score,label\n')
        for s, l in zip(after_s, after_l):
            f.write(f'{s:.3f},{l}\n')
    with open(os.path.join(HERE, 'predictions.csv'), 'w') as f:
        f.write('timestamp,score,label\n')
        for i, (s, l) in enumerate(zip(before_s, before_l)):
            f.write(f'{split - 3600 * 24 + i * 10},{s:.3f},{l}\n')
        for i, (s, l) in enumerate(zip(after_s, after_l)):
            f.write(f'{split + i * 10},{s:.3f},{l}\n')
    qb = quality(before_s, before_l)
    qa = quality(after_s, after_l)
    delta = qa['auc'] - qb['auc']
    z = delta / np.sqrt(qa['auc_variance'] + qb['auc_variance'])
    expected = {
        'generator': 'gen_regression_fixtures.py', 'numpy': np.__version__,
        'scipy': __import__('scipy').__version__,
        'threshold': THRESHOLD, 'alpha': ALPHA, 'bins': BINS,
        'split_at': '2026-11-18T11:06:40Z',
        'before': qb, 'after': qa,
        'auc_delta': delta, 'auc_delta_z': float(z),
        'auc_delta_pvalue': float(2 * stats.norm.sf(abs(z))),
        'verdict': 'regressed',
    }
    with open(os.path.join(HERE, 'regression_expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
