"""What the retrieval metrics share: collecting embeddings, selecting
probes and galleries, and the distance between them.

:class:`RetrievalMetric` is the base of :class:`GaitRank1Metric` and
:class:`ReIDRetrievalMetric`, which keep only their protocols; the maths
lives in :mod:`aclnet_mm.evaluation.functional.retrieval`.

A *selector* is a dict ``field -> value or tuple of values`` matched against
each sample's metainfo, e.g. ``dict(role='probe')`` or
``dict(condition=('cl-01', 'cl-02'))``; a sample is selected when every
field matches (a tuple, list or set matches any of its values).
"""
import logging
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from aclnet_mm.evaluation.functional import (DISTANCE_METRICS,
                                             pairwise_distance)

#: Metainfo key of the identity used for matching.
IDENTITY_KEY = 'subject_id'

#: Data field holding the ``(D, )`` embedding (set by ACLEmbeddingHead).
EMBEDDING_KEY = 'embedding'

_MULTI_VALUE_TYPES = (tuple, list, set, frozenset)


def check_selector(selector: Mapping, where: str) -> None:
    """Raise ``ValueError`` (naming ``where``) unless ``selector`` is a
    non-empty dict whose value collections are not empty."""
    if not isinstance(selector, Mapping) or not selector:
        raise ValueError(f'{where} must be a non-empty dict field -> value '
                         f'(or tuple of values), got {selector!r}')
    for field, value in selector.items():
        if isinstance(value, _MULTI_VALUE_TYPES) and not value:
            raise ValueError(f'{where}: field {field!r} selects nothing '
                             '(empty collection of values)')


def select(columns: Mapping[str, np.ndarray], selector: Mapping,
           where: str) -> np.ndarray:
    """Bool mask ``(N, )`` of the samples matched by ``selector``, given
    the metainfo ``columns`` (``field -> values (N, )``)."""
    num_samples = len(next(iter(columns.values())))
    mask = np.ones(num_samples, dtype=bool)
    for field, wanted in selector.items():
        if field not in columns:
            raise ValueError(f'{where} selects on {field!r}, which was not '
                             f'collected (available: {sorted(columns)})')
        if not isinstance(wanted, _MULTI_VALUE_TYPES):
            wanted = (wanted, )
        mask &= np.array([value in wanted for value in columns[field]],
                         dtype=bool)
    return mask


class RetrievalMetric(BaseMetric):
    """Base of metrics that retrieve probes from a gallery by embedding.

    Subclasses set :attr:`fields` (the metainfo they need, identity first)
    and implement :meth:`compute_retrieval`; :meth:`probe_gallery` gives
    them the masks and the distance matrix of one setting.

    Args:
        fields (Sequence[str]): Metainfo keys collected per sample.
        metric (str): ``'euclidean'`` or ``'cosine'``.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): Prefix of the metric names.
    """

    def __init__(self,
                 fields: Sequence[str],
                 metric: str = 'euclidean',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if metric not in DISTANCE_METRICS:
            raise ValueError(f'metric must be one of {DISTANCE_METRICS}, '
                             f'got {metric!r}')
        self.metric = metric
        self.fields = tuple(fields)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep each sample's embedding ``(D, )`` (as numpy) and
        :attr:`fields`.

        Note:
            Appends one dict per sample to ``self.results``.

        Args:
            data_batch: The batch from the dataloader (unused).
            data_samples (Sequence[dict]): Model outputs as dicts
                (``ActionDataSample.to_dict()``).
        """
        name = type(self).__name__
        for sample in data_samples:
            missing = [
                k for k in (EMBEDDING_KEY, *self.fields) if k not in sample
            ]
            if missing:
                hint = ''
                if EMBEDDING_KEY in missing:
                    hint += (f' The {EMBEDDING_KEY!r} field is written by a '
                             'head such as ACLEmbeddingHead.')
                if set(missing) - {EMBEDDING_KEY}:
                    hint += (' Metainfo reaches the metric only if the '
                             'pipeline keeps it, e.g. PackActionInputs('
                             f'meta_keys={self.fields!r}).')
                raise ValueError(f'{name} needs the fields {missing} in '
                                 f'every data sample; got keys '
                                 f'{sorted(sample)}.{hint}')
            embedding = sample[EMBEDDING_KEY]
            if isinstance(embedding, torch.Tensor):
                embedding = embedding.detach().cpu().numpy()
            embedding = np.asarray(embedding)
            if embedding.ndim != 1:
                raise ValueError(f'{name} expects one embedding of shape '
                                 f'(D, ) per sample, got shape '
                                 f'{embedding.shape}')
            collected = {k: sample[k] for k in self.fields}
            collected[EMBEDDING_KEY] = embedding
            self.results.append(collected)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Stack the collected samples of all ranks and score them."""
        if not results:
            raise ValueError('no samples were collected: the evaluated '
                             'dataset is empty')
        embeddings = np.stack([r[EMBEDDING_KEY] for r in results])
        columns = {k: np.array([r[k] for r in results]) for k in self.fields}
        return self.compute_retrieval(embeddings, columns)

    def compute_retrieval(self, embeddings: np.ndarray,
                          columns: Dict[str, np.ndarray]) -> Dict[str, float]:
        """The protocol: embeddings ``(N, D)`` and metainfo columns ``(N, )``
        to the results."""
        raise NotImplementedError

    def probe_gallery(self, embeddings: np.ndarray,
                      columns: Mapping[str, np.ndarray], probe: Mapping,
                      gallery: Mapping,
                      name: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Probe and gallery masks ``(N, )`` of one setting and their
        distances ``(P, G)``.

        A sample in both sets would retrieve itself at distance 0, so
        overlap is an error; an empty side is logged as a warning.
        """
        in_probe = select(columns, probe, f'{name} probe selector')
        in_gallery = select(columns, gallery, f'{name} gallery selector')
        overlap = int(np.sum(in_probe & in_gallery))
        if overlap:
            raise ValueError(f'{name}: {overlap} samples are selected as '
                             f'both probe ({probe!r}) and gallery '
                             f'({gallery!r}); make the selectors disjoint')
        for side, mask, selector in (('probe', in_probe, probe),
                                     ('gallery', in_gallery, gallery)):
            if not mask.any():
                print_log(
                    f'{name}: none of the {len(mask)} samples is selected '
                    f'as {side} by {selector!r}.',
                    logger='current',
                    level=logging.WARNING)
        dist = pairwise_distance(embeddings[in_probe], embeddings[in_gallery],
                                 self.metric)
        return in_probe, in_gallery, dist
