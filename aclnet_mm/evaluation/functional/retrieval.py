"""Retrieval maths shared by gait recognition and skeleton re-ID.

Pure numpy: every function takes arrays and returns arrays or floats, so the
metrics in :mod:`aclnet_mm.evaluation.metrics` stay thin and the maths can be
checked without torch or a runner.

Conventions (the same in every function):

- **Ranking.** The gallery is ranked by ascending distance. Ties are broken
  by gallery order (a stable sort): of two equidistant gallery samples, the
  one that comes first in the gallery ranks first. Results are therefore
  deterministic, but they do depend on gallery order when distances tie.
- **Unmatched probes.** A probe whose identity has no sample in the gallery
  can never be retrieved. It stays in the denominators: it counts as a miss
  at every rank of the CMC curve and has an average precision of 0. Nothing
  is dropped silently; :func:`has_gallery_match` tells which probes these
  are and :func:`cmc` returns their number so callers can report it.
- **Empty probe sets** give NaN rates (there is nothing to average).
- **Rates** are fractions in ``[0, 1]``; metrics convert to percent.

The cross-view protocol of CASIA-B gait recognition (gallery NM#1-4; probes
NM#5-6, BG#1-2, CL#1-2; as in GaitGraph's and OpenGait's evaluators) is
:func:`cross_view_rank1`: rank-1 per (probe view, gallery view) pair, with
the gallery restricted to that view, averaged over gallery views without
the identical view, then over probe views.
"""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

#: Distance metrics understood by :func:`pairwise_distance`.
DISTANCE_METRICS = ('euclidean', 'cosine')


def pairwise_distance(probe: np.ndarray,
                      gallery: np.ndarray,
                      metric: str = 'euclidean',
                      eps: float = 1e-12) -> np.ndarray:
    """Distances between every probe and every gallery embedding.

    Args:
        probe (np.ndarray): Probe embeddings, shape ``(P, D)``.
        gallery (np.ndarray): Gallery embeddings, shape ``(G, D)``.
        metric (str): ``'euclidean'`` (L2 distance) or ``'cosine'``
            (``1 - cosine similarity``, after L2-normalising each embedding
            by ``max(norm, eps)``). Defaults to ``'euclidean'``.
        eps (float): Lower bound of the norm used for the cosine
            normalisation, so all-zero embeddings do not divide by zero.
            Defaults to 1e-12.

    Returns:
        np.ndarray: Distances, shape ``(P, G)``, float64.
    """
    if metric not in DISTANCE_METRICS:
        raise ValueError(f'metric must be one of {DISTANCE_METRICS}, got '
                         f'{metric!r}')
    probe = np.asarray(probe, dtype=np.float64)
    gallery = np.asarray(gallery, dtype=np.float64)
    if probe.ndim != 2 or gallery.ndim != 2:
        raise ValueError('probe and gallery must be 2-D (num_samples, '
                         f'dim), got shapes {probe.shape} and '
                         f'{gallery.shape}')
    if probe.shape[1] != gallery.shape[1]:
        raise ValueError('probe and gallery embeddings differ in size: '
                         f'{probe.shape[1]} and {gallery.shape[1]}')
    if metric == 'cosine':
        probe = probe / np.maximum(
            np.linalg.norm(probe, axis=1, keepdims=True), eps)
        gallery = gallery / np.maximum(
            np.linalg.norm(gallery, axis=1, keepdims=True), eps)
        return 1. - probe @ gallery.T
    # |p - g|^2 = |p|^2 + |g|^2 - 2 p.g; clipped at 0 against round-off
    sq_dist = ((probe**2).sum(axis=1)[:, None] +
               (gallery**2).sum(axis=1)[None] - 2. * probe @ gallery.T)
    return np.sqrt(np.maximum(sq_dist, 0.))


def _check_retrieval_inputs(dist: np.ndarray, probe_ids: Sequence,
                            gallery_ids: Sequence
                            ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate and convert the common ``(dist, probe_ids, gallery_ids)``."""
    dist = np.asarray(dist, dtype=np.float64)
    probe_ids = np.asarray(probe_ids)
    gallery_ids = np.asarray(gallery_ids)
    if dist.ndim != 2:
        raise ValueError(f'dist must be 2-D (P, G), got shape {dist.shape}')
    if probe_ids.shape != (dist.shape[0], ):
        raise ValueError(f'probe_ids must have shape ({dist.shape[0]}, ) '
                         f'to match dist, got {probe_ids.shape}')
    if gallery_ids.shape != (dist.shape[1], ):
        raise ValueError(f'gallery_ids must have shape ({dist.shape[1]}, ) '
                         f'to match dist, got {gallery_ids.shape}')
    return dist, probe_ids, gallery_ids


def _ranked_matches(dist: np.ndarray, probe_ids: np.ndarray,
                    gallery_ids: np.ndarray) -> np.ndarray:
    """``(P, G)`` bool: does the gallery sample at rank ``r`` match?"""
    order = np.argsort(dist, axis=1, kind='stable')  # ties: gallery order
    return gallery_ids[order] == probe_ids[:, None]


def has_gallery_match(probe_ids: Sequence,
                      gallery_ids: Sequence) -> np.ndarray:
    """Which probes have at least one gallery sample of their identity.

    Args:
        probe_ids (Sequence): Probe identities, shape ``(P, )``.
        gallery_ids (Sequence): Gallery identities, shape ``(G, )``.

    Returns:
        np.ndarray: Bool mask, shape ``(P, )``. The ``False`` probes are
        the unmatched ones: a miss in :func:`cmc`, AP 0 in
        :func:`mean_average_precision`.
    """
    return np.isin(np.asarray(probe_ids), np.asarray(gallery_ids))


def cmc(dist: np.ndarray,
        probe_ids: Sequence,
        gallery_ids: Sequence,
        topk: Sequence[int] = (1, 5, 10)) -> Dict[str, float]:
    """Points of the cumulative matching characteristic (rank-k accuracy).

    A probe is a hit at rank ``k`` when a gallery sample of its identity is
    among its ``k`` nearest gallery samples (ties broken by gallery order).
    ``k`` larger than the gallery size ``G`` is clipped to ``G``; the key
    keeps the requested ``k``.

    Args:
        dist (np.ndarray): Probe-to-gallery distances, shape ``(P, G)``.
        probe_ids (Sequence): Probe identities, shape ``(P, )``.
        gallery_ids (Sequence): Gallery identities, shape ``(G, )``.
        topk (Sequence[int]): Ranks to report. Defaults to ``(1, 5, 10)``.

    Returns:
        dict: ``'R<k>'`` -> fraction of probes hit at rank ``k`` (NaN when
        ``P == 0``) for each ``k`` in ``topk``, and ``'unmatched_probes'``
        -> number of probes without any gallery sample of their identity
        (counted as misses).
    """
    dist, probe_ids, gallery_ids = _check_retrieval_inputs(
        dist, probe_ids, gallery_ids)
    topk = tuple(topk)
    if not topk or any(int(k) != k or k < 1 for k in topk):
        raise ValueError(f'topk must be positive integers, got {topk}')
    P, G = dist.shape
    matches = _ranked_matches(dist, probe_ids, gallery_ids)
    # rank (0-based) of the first match; G for unmatched probes
    first_hit = np.full(P, G)
    matched = matches.any(axis=1)
    if matched.any():
        first_hit[matched] = matches[matched].argmax(axis=1)
    result = {}
    for k in topk:
        k_eff = min(int(k), G)
        result[f'R{k}'] = (
            float(np.mean(first_hit < k_eff)) if P else float('nan'))
    result['unmatched_probes'] = int(
        np.sum(~has_gallery_match(probe_ids, gallery_ids)))
    return result


def mean_average_precision(dist: np.ndarray, probe_ids: Sequence,
                           gallery_ids: Sequence) -> Tuple[float, np.ndarray]:
    """Mean average precision over probes.

    With the ``n`` matching gallery samples of a probe at 1-based ranks
    ``r_1 < ... < r_n`` (ties broken by gallery order), its average
    precision is ``mean_i(i / r_i)``: precision at each match, averaged
    over the matches. An unmatched probe has AP 0 and stays in the mean.

    Args:
        dist (np.ndarray): Probe-to-gallery distances, shape ``(P, G)``.
        probe_ids (Sequence): Probe identities, shape ``(P, )``.
        gallery_ids (Sequence): Gallery identities, shape ``(G, )``.

    Returns:
        tuple[float, np.ndarray]: The mAP (NaN when ``P == 0``) and the
        per-probe AP, shape ``(P, )``.
    """
    dist, probe_ids, gallery_ids = _check_retrieval_inputs(
        dist, probe_ids, gallery_ids)
    matches = _ranked_matches(dist, probe_ids, gallery_ids)
    num_matches = matches.sum(axis=1)
    hits_so_far = np.cumsum(matches, axis=1)
    ranks = np.arange(1, matches.shape[1] + 1)
    precision_sum = (hits_so_far / ranks * matches).sum(axis=1)
    ap = np.where(num_matches > 0, precision_sum / np.maximum(num_matches, 1),
                  0.)
    mean_ap = float(ap.mean()) if len(ap) else float('nan')
    return mean_ap, ap


def view_averaged_rank1(table: np.ndarray,
                        probe_views: Sequence,
                        gallery_views: Sequence,
                        exclude_identical_view: bool = True
                        ) -> Tuple[np.ndarray, float]:
    """Average a cross-view rank-1 table, first per probe view.

    Args:
        table (np.ndarray): Rank-1 per (probe view, gallery view), shape
            ``(Vp, Vg)``, NaN where undefined.
        probe_views (Sequence): Row labels, shape ``(Vp, )``.
        gallery_views (Sequence): Column labels, shape ``(Vg, )``.
        exclude_identical_view (bool): Leave out the cells whose probe and
            gallery views are equal. Defaults to True.

    Returns:
        tuple[np.ndarray, float]: Per-probe-view means over the gallery
        views (identical view and NaN cells left out; NaN for a row without
        any cell left), shape ``(Vp, )``, and their mean over the probe
        views that have one (NaN if none).
    """
    table = np.asarray(table, dtype=np.float64)
    probe_views = np.asarray(probe_views)
    gallery_views = np.asarray(gallery_views)
    if table.shape != (len(probe_views), len(gallery_views)):
        raise ValueError(f'table has shape {table.shape} but there are '
                         f'{len(probe_views)} probe and '
                         f'{len(gallery_views)} gallery views')
    valid = ~np.isnan(table)
    if exclude_identical_view:
        valid &= probe_views[:, None] != gallery_views[None]
    counts = valid.sum(axis=1)
    sums = np.where(valid, table, 0.).sum(axis=1)
    row_means = np.full(len(probe_views), np.nan)
    np.divide(sums, counts, out=row_means, where=counts > 0)
    defined = ~np.isnan(row_means)
    mean = float(row_means[defined].mean()) if defined.any() else float('nan')
    return row_means, mean


def cross_view_rank1(dist: np.ndarray,
                     probe_ids: Sequence,
                     gallery_ids: Sequence,
                     probe_views: Sequence,
                     gallery_views: Sequence,
                     exclude_identical_view: bool = True,
                     views: Optional[Sequence] = None
                     ) -> Tuple[np.ndarray, float]:
    """Cross-view rank-1 accuracy, as in the CASIA-B gait protocol.

    Each cell ``(vp, vg)`` is the rank-1 accuracy (:func:`cmc`) of the
    probes seen from view ``vp`` against only the gallery samples seen from
    view ``vg``; a probe whose identity is absent from that view's gallery
    is a miss. The summary averages each probe view's row over gallery
    views, leaving out the identical view when ``exclude_identical_view``
    (for CASIA-B's 11 views: a sum of 10 cells divided by 10, as in
    GaitGraph and OpenGait) and NaN cells, then averages the rows (see
    :func:`view_averaged_rank1`). Identical-view cells are still filled
    in the table.

    Args:
        dist (np.ndarray): Probe-to-gallery distances, shape ``(P, G)``.
        probe_ids (Sequence): Probe identities, shape ``(P, )``.
        gallery_ids (Sequence): Gallery identities, shape ``(G, )``.
        probe_views (Sequence): Probe views, shape ``(P, )``.
        gallery_views (Sequence): Gallery views, shape ``(G, )``.
        exclude_identical_view (bool): Leave identical-view pairs out of
            the mean. Defaults to True.
        views (Sequence, optional): Labels of the table's rows (probe
            views) and columns (gallery views), shape ``(V, )``. Defaults
            to the sorted union of ``probe_views`` and ``gallery_views``.

    Returns:
        tuple[np.ndarray, float]: The table, shape ``(V, V)`` (rows: probe
        view, columns: gallery view, in the order of ``views``), NaN for a
        pair without probes or without gallery samples; and the mean (a
        fraction, NaN if no cell is left).
    """
    dist, probe_ids, gallery_ids = _check_retrieval_inputs(
        dist, probe_ids, gallery_ids)
    probe_views = np.asarray(probe_views)
    gallery_views = np.asarray(gallery_views)
    if probe_views.shape != probe_ids.shape:
        raise ValueError(f'probe_views must have shape {probe_ids.shape}, '
                         f'got {probe_views.shape}')
    if gallery_views.shape != gallery_ids.shape:
        raise ValueError('gallery_views must have shape '
                         f'{gallery_ids.shape}, got {gallery_views.shape}')
    if views is None:
        views = np.union1d(probe_views, gallery_views)
    views = np.asarray(views)
    table = np.full((len(views), len(views)), np.nan)
    for i, vp in enumerate(views):
        rows = probe_views == vp
        for j, vg in enumerate(views):
            cols = gallery_views == vg
            if rows.any() and cols.any():
                table[i, j] = cmc(
                    dist[np.ix_(rows, cols)],
                    probe_ids[rows],
                    gallery_ids[cols],
                    topk=(1, ))['R1']
    _, mean = view_averaged_rank1(table, views, views, exclude_identical_view)
    return table, mean
