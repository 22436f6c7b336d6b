import math

import pytest
import torch

from aclnet_mm.models.utils.feature_affinity import feature_affinity


def _loop(feats):
    """The definition, one sample, person and joint pair at a time."""
    N, M, C, T, V = feats.shape
    out = torch.zeros(N, V, V, dtype=feats.dtype)
    for n in range(N):
        for m in range(M):
            pooled = [sum(feats[n, m, :, t, v] for t in range(T)) / T
                      for v in range(V)]
            unit = [p / (math.sqrt(float((p * p).sum())) + 1e-12)
                    for p in pooled]
            for v in range(V):
                cos = [float((unit[v] * unit[w]).sum()) for w in range(V)]
                peak = max(cos)
                exps = [math.exp(c - peak) for c in cos]
                for w in range(V):
                    out[n, v, w] += exps[w] / sum(exps) / M
    return out.reshape(N, V * V)


def test_matches_the_loop_and_is_a_row_distribution(device):
    torch.manual_seed(0)
    feats = torch.randn(3, 2, 6, 4, 5, dtype=torch.float64)
    feats[2, 1] = 0  # a padded (absent) second person
    got = feature_affinity(feats.to(device)).cpu()
    assert got.shape == (3, 25)
    torch.testing.assert_close(got, _loop(feats), rtol=1e-10, atol=1e-12)
    rows = got.view(3, 5, 5).sum(-1)
    torch.testing.assert_close(rows, torch.ones(3, 5, dtype=torch.float64))


def test_is_differentiable():
    feats = torch.randn(2, 1, 4, 3, 6, dtype=torch.float64,
                        requires_grad=True)
    weights = torch.randn(2, 36, dtype=torch.float64)
    assert torch.autograd.gradcheck(
        lambda f: (feature_affinity(f) * weights).sum(), (feats, ))


def test_rejects_other_shapes():
    with pytest.raises(ValueError, match=r'\(N, M, C, T, V\)'):
        feature_affinity(torch.randn(2, 3, 4, 5))
