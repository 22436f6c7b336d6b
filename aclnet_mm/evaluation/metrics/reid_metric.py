"""CMC and mAP for skeleton-based person re-identification."""
from typing import Dict, Mapping, Optional, Sequence

import numpy as np
from mmaction.registry import METRICS

from aclnet_mm.evaluation.functional import cmc, mean_average_precision
from .retrieval_metric import IDENTITY_KEY, RetrievalMetric, check_selector

#: One setting, ``'all'``: probes and gallery told apart by the ``role``
#: metainfo (``'probe'`` or ``'gallery'``), as a re-ID test split lists them.
DEFAULT_SETTINGS = dict(
    all=dict(probe=dict(role='probe'), gallery=dict(role='gallery')))


@METRICS.register_module()
class ReIDRetrievalMetric(RetrievalMetric):
    """Rank-k accuracy (CMC) and mAP for each probe/gallery setting.

    A setting retrieves its probes from its gallery by embedding distance
    and matches identities by the ``subject_id`` metainfo. Probes and
    gallery are chosen with selectors on the metainfo: a dict ``field ->
    value or tuple of values``, e.g. ``dict(role='probe')`` or
    ``dict(condition=('cl-01', 'cl-02'))``; a cross-condition setting
    (clothing probes against a normal-walking gallery) is then
    ``dict(probe=dict(condition=('cl-01', 'cl-02')),
    gallery=dict(condition=('nm-01', 'nm-02')))``. A sample selected on
    both sides is an error. Ranking, ties and unmatched probes follow
    :mod:`aclnet_mm.evaluation.functional.retrieval`: a probe whose subject
    is missing from the gallery is a miss with AP 0, and their number is
    reported as ``<setting>/unmatched_probes``. The other results are
    ``<setting>/R<k>`` and ``<setting>/mAP``, in percent.

    Each data sample must carry ``embedding`` (a ``(D, )`` tensor, e.g.
    from :class:`ACLEmbeddingHead`), ``subject_id`` and every field the
    selectors use, kept by ``PackActionInputs(meta_keys=...)``.

    Args:
        settings (dict, optional): Setting name -> ``dict(probe=selector,
            gallery=selector)``. Defaults to :data:`DEFAULT_SETTINGS`.
        metric (str): ``'euclidean'`` or ``'cosine'``. Defaults to
            ``'euclidean'``.
        topk (Sequence[int]): Ranks reported as ``R<k>``. Defaults to
            ``(1, 5, 10)``.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names. Defaults to
            None, i.e. ``default_prefix``.
    """

    default_prefix = 'reid'

    def __init__(self,
                 settings: Optional[Mapping[str, Mapping]] = None,
                 metric: str = 'euclidean',
                 topk: Sequence[int] = (1, 5, 10),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        topk = tuple(topk)
        if not topk or any(
                not isinstance(k, int) or isinstance(k, bool) or k < 1
                for k in topk):
            raise ValueError(f'topk must be positive integers, got {topk}')
        settings = DEFAULT_SETTINGS if settings is None else settings
        if not isinstance(settings, Mapping) or not settings:
            raise ValueError('settings must be a non-empty dict name -> '
                             f'dict(probe=..., gallery=...), got {settings!r}')
        fields = [IDENTITY_KEY]
        for name, setting in settings.items():
            if not isinstance(setting, Mapping) or set(setting) != {
                    'probe', 'gallery'
            }:
                raise ValueError(f'setting {name!r} must be dict(probe='
                                 f'selector, gallery=selector), got '
                                 f'{setting!r}')
            for side in ('probe', 'gallery'):
                check_selector(setting[side], f'setting {name!r} {side}')
                fields += [f for f in setting[side] if f not in fields]
        self.settings = {
            name: dict(probe=dict(s['probe']), gallery=dict(s['gallery']))
            for name, s in settings.items()
        }
        super().__init__(fields, metric, collect_device, prefix)
        self.topk = topk

    def compute_retrieval(self, embeddings: np.ndarray,
                          columns: Dict[str, np.ndarray]) -> Dict[str, float]:
        """``<name>/R<k>``, ``<name>/mAP`` (percent) and
        ``<name>/unmatched_probes`` for every setting."""
        ids = columns[IDENTITY_KEY]
        metrics = {}
        for name, setting in self.settings.items():
            in_probe, in_gallery, dist = self.probe_gallery(
                embeddings, columns, setting['probe'], setting['gallery'],
                name)
            curve = cmc(dist, ids[in_probe], ids[in_gallery], self.topk)
            mean_ap, _ = mean_average_precision(dist, ids[in_probe],
                                                ids[in_gallery])
            for k in self.topk:
                metrics[f'{name}/R{k}'] = 100. * curve[f'R{k}']
            metrics[f'{name}/mAP'] = 100. * mean_ap
            metrics[f'{name}/unmatched_probes'] = curve['unmatched_probes']
        return metrics
