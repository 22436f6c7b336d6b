import math

import numpy as np
import pytest

from aclnet_mm.evaluation.functional import (cmc, cross_view_rank1,
                                             has_gallery_match,
                                             mean_average_precision,
                                             pairwise_distance,
                                             view_averaged_rank1)

# Hand case. Gallery identities: g0=A, g1=B, g2=A, g3=C.
GALLERY_IDS = ['A', 'B', 'A', 'C']
PROBE_IDS = ['A', 'B', 'D', 'C']
DIST = np.array([
    # p0 (A): ranking g1 (0.2, B), then the tie g0/g2 (0.5, A, A) in
    # gallery order, then g3: matches at ranks 2 and 3.
    # First hit at rank 2; AP = (1/2 + 2/3) / 2 = 7/12.
    [0.5, 0.2, 0.5, 0.9],
    # p1 (B): g2 (0.1, A), then the tie g0, g1, g3 (0.3) in gallery order:
    # B is at rank 3 (it would be rank 2 if ties went by anything but
    # gallery order). First hit at rank 3; AP = 1/3.
    [0.3, 0.3, 0.1, 0.3],
    # p2 (D): no D in the gallery, a miss at every rank, AP = 0.
    [0.1, 0.2, 0.3, 0.4],
    # p3 (C): g3 first. First hit at rank 1; AP = 1.
    [0.9, 0.9, 0.9, 0.0],
])
# CMC over the 4 probes (p2 stays in the denominator):
#   R1 = 1/4 (p3), R2 = 2/4 (p0, p3), R3 = 3/4 (p0, p1, p3),
#   R10 clipped to G = 4: also 3/4.
# mAP = (7/12 + 4/12 + 0 + 12/12) / 4 = 23/48.


def test_cmc_hand_case():
    result = cmc(DIST, PROBE_IDS, GALLERY_IDS, topk=(1, 2, 3, 10))
    assert result == pytest.approx(
        dict(R1=1 / 4, R2=2 / 4, R3=3 / 4, R10=3 / 4, unmatched_probes=1))
    assert isinstance(result['unmatched_probes'], int)


def test_map_hand_case():
    mean_ap, ap = mean_average_precision(DIST, PROBE_IDS, GALLERY_IDS)
    np.testing.assert_allclose(ap, [7 / 12, 1 / 3, 0., 1.])
    assert mean_ap == pytest.approx(23 / 48)


def test_ties_follow_gallery_order():
    # Moving B in front of the tied entries puts p1's match at rank 2.
    order = [1, 0, 2, 3]
    result = cmc(
        DIST[1:2, order], ['B'], np.array(GALLERY_IDS)[order], topk=(1, 2))
    assert result['R1'] == 0 and result['R2'] == 1


def test_has_gallery_match():
    np.testing.assert_array_equal(
        has_gallery_match(PROBE_IDS, GALLERY_IDS), [True, True, False, True])


def test_empty_sets():
    result = cmc(np.zeros((0, 3)), [], [1, 2, 3], topk=(1, ))
    assert math.isnan(result['R1']) and result['unmatched_probes'] == 0
    # no gallery at all: every probe is an unmatched miss
    result = cmc(np.zeros((2, 0)), [1, 2], [], topk=(1, 5))
    assert result == dict(R1=0., R5=0., unmatched_probes=2)
    mean_ap, ap = mean_average_precision(np.zeros((2, 0)), [1, 2], [])
    assert mean_ap == 0 and ap.tolist() == [0., 0.]
    assert math.isnan(mean_average_precision(np.zeros((0, 2)), [], [1, 2])[0])


def test_bad_inputs():
    with pytest.raises(ValueError, match='topk'):
        cmc(DIST, PROBE_IDS, GALLERY_IDS, topk=(0, ))
    with pytest.raises(ValueError, match='probe_ids'):
        cmc(DIST, PROBE_IDS[:3], GALLERY_IDS)
    with pytest.raises(ValueError, match='gallery_ids'):
        mean_average_precision(DIST, PROBE_IDS, GALLERY_IDS[:3])
    with pytest.raises(ValueError, match='metric'):
        pairwise_distance(np.ones((1, 2)), np.ones((1, 2)), 'manhattan')
    with pytest.raises(ValueError, match='differ'):
        pairwise_distance(np.ones((1, 2)), np.ones((1, 3)))


def _slow_retrieval(dist, probe_ids, gallery_ids, topk):
    """Loop version: sort by (distance, gallery index), walk the ranking."""
    hits = {k: 0 for k in topk}
    aps = []
    for i, probe_id in enumerate(probe_ids):
        ranking = sorted(
            range(len(gallery_ids)), key=lambda j: (dist[i, j], j))
        found, precisions = 0, []
        for rank, j in enumerate(ranking, start=1):
            if gallery_ids[j] == probe_id:
                found += 1
                precisions.append(found / rank)
        for k in topk:
            hits[k] += any(gallery_ids[j] == probe_id for j in ranking[:k])
        aps.append(sum(precisions) / len(precisions) if precisions else 0.)
    return {f'R{k}': v / len(probe_ids) for k, v in hits.items()}, aps


@pytest.mark.parametrize('seed', range(5))
def test_against_slow_loop(seed):
    rng = np.random.default_rng(seed)
    P, G = 13, 17
    # integer distances: many ties
    dist = rng.integers(0, 4, size=(P, G)).astype(float)
    gallery_ids = rng.integers(0, 6, size=G)
    probe_ids = rng.integers(0, 8, size=P)  # 6 and 7 may be unmatched
    topk = (1, 3, 5, 20)
    expected_cmc, expected_ap = _slow_retrieval(dist, probe_ids, gallery_ids,
                                                topk)
    result = cmc(dist, probe_ids, gallery_ids, topk)
    unmatched = result.pop('unmatched_probes')
    assert unmatched == sum(p not in set(gallery_ids) for p in probe_ids)
    assert result == pytest.approx(expected_cmc)
    mean_ap, ap = mean_average_precision(dist, probe_ids, gallery_ids)
    np.testing.assert_allclose(ap, expected_ap)
    assert mean_ap == pytest.approx(np.mean(expected_ap))


def test_pairwise_distance():
    rng = np.random.default_rng(0)
    probe, gallery = rng.normal(size=(4, 6)), rng.normal(size=(5, 6))
    expected = np.linalg.norm(probe[:, None] - gallery[None], axis=-1)
    np.testing.assert_allclose(pairwise_distance(probe, gallery), expected)
    cos = np.array(
        [[p @ g / np.linalg.norm(p) / np.linalg.norm(g) for g in gallery]
         for p in probe])
    np.testing.assert_allclose(
        pairwise_distance(probe, gallery, 'cosine'), 1 - cos)
    # cosine ignores the scale; a zero embedding gives distance 1, not NaN
    np.testing.assert_allclose(
        pairwise_distance(3 * probe, gallery, 'cosine'), 1 - cos)
    zero = pairwise_distance(np.zeros((1, 6)), gallery, 'cosine')
    np.testing.assert_allclose(zero, np.ones((1, 5)))
    # identical points are at distance exactly 0, never NaN
    assert pairwise_distance(probe, probe).diagonal().max() < 1e-6


# Cross-view hand case: subjects 1 and 2, views 'a' and 'b'.
#   gallery: g0 (1, a), g1 (2, a), g2 (1, b), g3 (2, b)
CV_GALLERY_IDS, CV_GALLERY_VIEWS = [1, 2, 1, 2], ['a', 'a', 'b', 'b']
CV_PROBE_IDS, CV_PROBE_VIEWS = [1, 2, 1], ['a', 'a', 'b']
CV_DIST = np.array([
    [0., 5., 3., 1.],  # p0 (1, a): view a -> g0 hit; view b -> g3 miss
    [4., 0., 2., 6.],  # p1 (2, a): view a -> g1 hit; view b -> g2 miss
    [1., 9., 0., 9.],  # p2 (1, b): view a -> g0 hit; view b -> g2 hit
])
# Table (rows probe view, columns gallery view):
#          a    b
#     a   1.0  0.0
#     b   1.0  1.0
# Identical views excluded: row a -> 0.0, row b -> 1.0, mean 0.5.
# Included: row a -> 0.5, row b -> 1.0, mean 0.75.


def test_cross_view_hand_case():
    args = (CV_DIST, CV_PROBE_IDS, CV_GALLERY_IDS, CV_PROBE_VIEWS,
            CV_GALLERY_VIEWS)
    table, mean = cross_view_rank1(*args)
    np.testing.assert_allclose(table, [[1., 0.], [1., 1.]])
    assert mean == pytest.approx(0.5)
    table, mean = cross_view_rank1(*args, exclude_identical_view=False)
    assert mean == pytest.approx(0.75)


def test_cross_view_undefined_cells_and_unmatched():
    # Add g4 (1, c): view c has gallery samples but no probes, so row c is
    # NaN. Cell (a, c): p0 hits g4; p1's subject 2 is absent from view c's
    # gallery, a miss -> 0.5. Cell (b, c): p2 hits -> 1.0.
    dist = np.concatenate([CV_DIST, [[7.], [7.], [7.]]], axis=1)
    table, mean = cross_view_rank1(dist, CV_PROBE_IDS, CV_GALLERY_IDS + [1],
                                   CV_PROBE_VIEWS, CV_GALLERY_VIEWS + ['c'])
    np.testing.assert_allclose(table,
                               [[1., 0., .5], [1., 1., 1.], [np.nan] * 3])
    # row a: (0 + .5) / 2; row b: (1 + 1) / 2; row c skipped
    assert mean == pytest.approx((0.25 + 1.) / 2)
    # explicit labels order the table
    table, _ = cross_view_rank1(
        dist,
        CV_PROBE_IDS,
        CV_GALLERY_IDS + [1],
        CV_PROBE_VIEWS,
        CV_GALLERY_VIEWS + ['c'],
        views=['c', 'b', 'a'])
    np.testing.assert_allclose(table[1], [1., 1., 1.])


def test_view_averaged_rank1():
    table = np.array([[.9, .5, np.nan], [.2, .8, .4], [.6, .6, .6]])
    views = [0, 90, 180]
    rows, mean = view_averaged_rank1(table, views, views)
    np.testing.assert_allclose(rows, [.5, .3, .6])
    assert mean == pytest.approx(1.4 / 3)
    rows, _ = view_averaged_rank1(table, views, views, False)
    np.testing.assert_allclose(rows, [.7, 1.4 / 3, .6])
    rows, mean = view_averaged_rank1(np.full((2, 2), np.nan), [0, 1], [0, 1])
    assert np.isnan(rows).all() and math.isnan(mean)
    with pytest.raises(ValueError, match='table'):
        view_averaged_rank1(table, views[:2], views)


def test_cross_view_against_slow_loop():
    rng = np.random.default_rng(1)
    P, G, V = 20, 30, 4
    dist = rng.random((P, G))
    probe_ids, gallery_ids = rng.integers(0, 3, P), rng.integers(0, 3, G)
    probe_views, gallery_views = rng.integers(0, V, P), rng.integers(0, V, G)
    table, mean = cross_view_rank1(dist, probe_ids, gallery_ids, probe_views,
                                   gallery_views)
    rows = []
    for vp in range(V):
        cells = []
        for vg in range(V):
            hits = []
            for i in np.flatnonzero(probe_views == vp):
                cols = np.flatnonzero(gallery_views == vg)
                best = min(cols, key=lambda j: (dist[i, j], j))
                hits.append(gallery_ids[best] == probe_ids[i])
            assert table[vp, vg] == pytest.approx(np.mean(hits))
            if vg != vp:
                cells.append(np.mean(hits))
        rows.append(np.mean(cells))
    assert mean == pytest.approx(np.mean(rows))
