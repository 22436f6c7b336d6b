"""Cross-view rank-1 accuracy for skeleton gait recognition."""
import math
from typing import Dict, Mapping, Optional, Sequence, Union

import numpy as np
from mmaction.registry import METRICS
from mmengine.logging import print_log

from aclnet_mm.evaluation.functional import (cross_view_rank1,
                                             has_gallery_match,
                                             view_averaged_rank1)
from .retrieval_metric import IDENTITY_KEY, RetrievalMetric

#: CASIA-B gait protocol (GaitGraph's ``src/evaluate.py`` and OpenGait's
#: ``evaluate_indoor_dataset``): gallery NM#1-4; probe sets NM#5-6, BG#1-2
#: and CL#1-2. Test subjects are 075-124; the split is the dataset's job.
CASIA_B = dict(
    gallery=('nm-01', 'nm-02', 'nm-03', 'nm-04'),
    probes=dict(
        NM=('nm-05', 'nm-06'), BG=('bg-01', 'bg-02'), CL=('cl-01', 'cl-02')))

Conditions = Union[str, Sequence[str]]


def _as_tuple(conditions: Conditions) -> tuple:
    """``'nm-01'`` -> ``('nm-01', )``; sequences -> tuple."""
    if isinstance(conditions, str):
        return (conditions, )
    return tuple(conditions)


def _format_table(name: str, table: np.ndarray, row_means: np.ndarray,
                  views: np.ndarray, exclude_identical_view: bool) -> str:
    """Render a per-view rank-1 table (fractions) as percent text."""
    width = max(8, max(len(str(v)) for v in views) + 2)

    def cell(value: float, excluded: bool = False) -> str:
        text = '-' if math.isnan(value) else f'{100 * value:.1f}'
        return (f'({text})' if excluded else text).rjust(width)

    rule = ('identical views (in brackets) excluded from the means'
            if exclude_identical_view else 'identical views included')
    lines = [
        f'{name}: rank-1 (%) per probe view (rows) and gallery view '
        f'(columns); {rule}',
        'view'.ljust(width) + ''.join(str(v).rjust(width)
                                      for v in views) + 'mean'.rjust(width)
    ]
    for i, view in enumerate(views):
        cells = ''.join(
            cell(table[i, j], exclude_identical_view and i == j)
            for j in range(len(views)))
        lines.append(str(view).ljust(width) + cells + cell(row_means[i]))
    return '\n'.join(lines)


@METRICS.register_module()
class GaitRank1Metric(RetrievalMetric):
    """Cross-view rank-1 accuracy per probe condition (CASIA-B protocol).

    For each probe set, rank-1 accuracy is computed for every (probe view,
    gallery view) pair against only the gallery samples of that gallery
    view, averaged over gallery views (without the identical view when
    ``exclude_identical_view``), then over probe views; see
    :func:`aclnet_mm.evaluation.functional.cross_view_rank1` for the
    ranking, tie and unmatched-probe conventions. The results, in percent,
    are ``{<probe set>: rank-1, ..., 'mean': mean over probe sets}``; a
    probe set without samples is NaN (with a warning) and left out of the
    mean. The per-view table of each probe set is logged.

    Each data sample must carry ``embedding`` (a ``(D, )`` tensor, e.g.
    from :class:`ACLEmbeddingHead`) and the metainfo ``subject_id``,
    ``condition`` and ``view``, which the pipeline keeps with
    ``PackActionInputs(meta_keys=('subject_id', 'condition', 'view'))``.

    Args:
        gallery (str | Sequence[str]): Conditions of the gallery sequences.
            Defaults to ``CASIA_B['gallery']`` (NM#1-4).
        probes (dict[str, Sequence[str]], optional): Probe-set name ->
            conditions of its sequences. Defaults to ``CASIA_B['probes']``
            (NM#5-6, BG#1-2, CL#1-2).
        metric (str): ``'euclidean'`` or ``'cosine'``. Defaults to
            ``'euclidean'``.
        exclude_identical_view (bool): Leave identical-view pairs out of
            the averages. Defaults to True.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names. Defaults to
            None, i.e. ``default_prefix``.
    """

    default_prefix = 'gait'

    def __init__(self,
                 gallery: Conditions = CASIA_B['gallery'],
                 probes: Optional[Mapping[str, Conditions]] = None,
                 metric: str = 'euclidean',
                 exclude_identical_view: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__((IDENTITY_KEY, 'condition', 'view'), metric,
                         collect_device, prefix)
        self.gallery = _as_tuple(gallery)
        probes = CASIA_B['probes'] if probes is None else probes
        if not isinstance(probes, Mapping) or not probes:
            raise ValueError('probes must be a non-empty dict name -> '
                             f'conditions, got {probes!r}')
        self.probes = {name: _as_tuple(c) for name, c in probes.items()}
        if not self.gallery or not all(self.probes.values()):
            raise ValueError('gallery and every probe set need at least one '
                             f'condition, got gallery={self.gallery} and '
                             f'probes={self.probes}')
        if 'mean' in self.probes:
            raise ValueError("'mean' is reserved for the average over "
                             'probe sets; rename that probe set')
        for name, conditions in self.probes.items():
            shared = set(conditions) & set(self.gallery)
            if shared:
                raise ValueError(f'probe set {name!r} shares conditions '
                                 f'{sorted(shared)} with the gallery; a '
                                 'sequence would retrieve itself')
        self.exclude_identical_view = exclude_identical_view

    def compute_retrieval(self, embeddings: np.ndarray,
                          columns: Dict[str, np.ndarray]) -> Dict[str, float]:
        """``{<probe set>: rank-1 (%), ..., 'mean': ...}``; logs the
        per-view tables."""
        ids, views = columns[IDENTITY_KEY], columns['view']
        all_views = np.unique(views)
        metrics = {}
        for name, conditions in self.probes.items():
            in_probe, in_gallery, dist = self.probe_gallery(
                embeddings, columns, dict(condition=conditions),
                dict(condition=self.gallery), name)
            table, mean = cross_view_rank1(
                dist,
                ids[in_probe],
                ids[in_gallery],
                views[in_probe],
                views[in_gallery],
                exclude_identical_view=self.exclude_identical_view,
                views=all_views)
            metrics[name] = 100. * mean
            row_means, _ = view_averaged_rank1(table, all_views, all_views,
                                               self.exclude_identical_view)
            num_unmatched = int(
                np.sum(~has_gallery_match(ids[in_probe], ids[in_gallery])))
            print_log(
                _format_table(name, table, row_means, all_views,
                              self.exclude_identical_view) +
                f'\n{name}: {int(in_probe.sum())} probes, '
                f'{num_unmatched} of them without any gallery sample of '
                'their subject (counted as misses).',
                logger='current')
        values = [v for v in metrics.values() if not math.isnan(v)]
        metrics['mean'] = float(np.mean(values)) if values else float('nan')
        return metrics
