"""Fuse the test-result dumps of several skeleton streams.

The ACLNet reference (``firework8/ACLNet``, MIT: ``tools/ensemble.py`` and
``comb`` in ``aclnet/smp.py``) adds the per-stream probability vectors with
fixed weights (J:B:K:JM:BM:KM = 2:2:2:1:1:1) and takes the argmax. Here the
inputs are the pickles written by ``mim test mmaction2 CONFIG --checkpoint
CKPT --dump results.pkl``: MMEngine's ``DumpResults`` stores one dict per
test sample, ``ActionDataSample.to_dict()``, in dataset order, with
``pred_score`` (a ``(K, )`` tensor: the clip-averaged softmax when the head
uses ``average_clips='prob'``, ACLHead's default) and ``gt_label`` (a
``(1, )`` tensor), plus whatever metainfo ``PackActionInputs`` kept.
Scoring reuses MMAction2's ``top_k_accuracy`` and ``mean_class_accuracy``.
Dumps are read with :func:`aclnet_mm.utils.safe_pickle.load_pickle`, which
builds tensors, arrays and containers only: a dump whose unpickling would
run code is refused.
"""
import math
from typing import Dict, List, NamedTuple, Optional, Sequence

import numpy as np
import torch
from mmaction.evaluation.functional import (get_weighted_score,
                                            mean_class_accuracy,
                                            top_k_accuracy)

from ..utils.safe_pickle import load_pickle

#: Reference weights of the six streams (spec section 6).
STREAM_WEIGHTS: Dict[str, float] = {
    'j': 2.,
    'b': 2.,
    'k': 2.,
    'jm': 1.,
    'bm': 1.,
    'km': 1.
}

#: Metainfo keys that identify a sample, in order of preference. None of
#: them is kept by ``PackActionInputs``' default ``meta_keys`` except
#: ``video_id`` (absent for skeletons); add e.g. ``frame_dir`` to
#: ``meta_keys`` to have the dumps checked sample by sample.
SAMPLE_ID_KEYS = ('frame_dir', 'filename', 'video_id', 'img_key', 'sample_idx')


class StreamDump(NamedTuple):
    """The predictions of one stream, as read by :func:`load_dump`.

    Attributes:
        name (str): Name used in messages (stream name or file path).
        scores (np.ndarray): Class scores, shape ``(N, K)``.
        labels (np.ndarray): Ground-truth class indices, shape ``(N, )``.
        id_key (str, optional): The metainfo key of ``sample_ids``.
        sample_ids (list, optional): One identifier per sample, or None
            when the dump carries none of :data:`SAMPLE_ID_KEYS`.
    """

    name: str
    scores: np.ndarray
    labels: np.ndarray
    id_key: Optional[str] = None
    sample_ids: Optional[list] = None


def _to_numpy(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def load_dump(path: str, name: Optional[str] = None) -> StreamDump:
    """Read a ``DumpResults`` pickle of single-label classification results.

    Args:
        path (str): The ``.pkl`` written by ``--dump``.
        name (str, optional): Name for messages. Defaults to ``path``.

    Returns:
        StreamDump: Scores ``(N, K)`` as float64, labels ``(N, )`` as int64
        and, if every sample has one, the first of :data:`SAMPLE_ID_KEYS`.

    Raises:
        OSError: If the file does not exist or cannot be opened.
        ValueError: If it is not a readable dump (a folder, empty,
            truncated, or a pickle that would run code), or a sample's
            scores are missing, not numbers or not finite, or its label
            is not an integer.
    """
    name = path if name is None else name
    results = load_pickle(path, 'result dump')
    if not isinstance(results, list) or not results:
        raise ValueError(f'{name}: expected a non-empty list of per-sample '
                         f'dicts, got {type(results).__name__}')
    scores, labels = [], []
    for i, sample in enumerate(results):
        if not isinstance(sample, dict) or 'pred_score' not in sample \
                or 'gt_label' not in sample:
            raise ValueError(f"{name}: sample {i} has no 'pred_score' and "
                             "'gt_label'; was it written by DumpResults "
                             'from a recognizer?')
        if isinstance(sample['pred_score'], dict):
            raise ValueError(f'{name}: sample {i} has several pred_scores '
                             f'({sorted(sample["pred_score"])}); only '
                             'single-stream dumps can be fused')
        label = _to_numpy(sample['gt_label']).reshape(-1)
        if label.size != 1:
            raise ValueError(f'{name}: sample {i} is multi-label '
                             f'({label.size} labels); not supported')
        if not np.issubdtype(label.dtype, np.integer):
            raise ValueError(f'{name}: sample {i} has gt_label '
                             f'{label[0]!r}, not an integer class index')
        score = _to_numpy(sample['pred_score']).reshape(-1)
        if not (np.issubdtype(score.dtype, np.floating)
                or np.issubdtype(score.dtype, np.integer)):
            raise ValueError(f'{name}: sample {i} has non-numeric scores '
                             f'({score[:3].tolist()!r}, dtype '
                             f'{score.dtype}); refusing to fuse them')
        scores.append(score)
        labels.append(int(label[0]))
    if len({len(s) for s in scores}) != 1:
        raise ValueError(f'{name}: samples have different numbers of class '
                         'scores')
    for i, score in enumerate(scores):
        if not np.isfinite(score).all():
            raise ValueError(f'{name}: sample {i} has non-finite scores '
                             f'({score[~np.isfinite(score)][:3].tolist()}); '
                             'refusing to fuse them')
    id_key = next((k for k in SAMPLE_ID_KEYS if all(k in s for s in results)),
                  None)
    sample_ids = None if id_key is None else [s[id_key] for s in results]
    return StreamDump(name,
                      np.stack(scores).astype(np.float64),
                      np.asarray(labels, dtype=np.int64), id_key, sample_ids)


def _first_difference(a: Sequence, b: Sequence) -> Optional[int]:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)


def find_mismatches(dumps: Sequence[StreamDump]) -> List[str]:
    """Compare every dump with the first one, sample by sample.

    The dumps must have the same length, the same number of classes and
    the same ``gt_label`` sequence; where two dumps carry the same sample
    identifier key, the identifiers must match too.

    Args:
        dumps (Sequence[StreamDump]): At least one dump.

    Returns:
        list[str]: One message per problem, naming both dumps and the first
        differing index; empty when the dumps agree.
    """
    problems = []
    ref = dumps[0]
    for other in dumps[1:]:
        pair = f'{other.name!r} vs {ref.name!r}'
        if len(other.labels) != len(ref.labels):
            problems.append(f'{pair}: {len(other.labels)} samples vs '
                            f'{len(ref.labels)}')
        if other.scores.shape[1] != ref.scores.shape[1]:
            problems.append(f'{pair}: {other.scores.shape[1]} classes vs '
                            f'{ref.scores.shape[1]}')
        i = _first_difference(other.labels, ref.labels)
        if i is not None:
            problems.append(f'{pair}: gt_label differs first at index {i} '
                            f'({other.labels[i]} vs {ref.labels[i]})')
        if other.id_key is not None and other.id_key == ref.id_key:
            i = _first_difference(other.sample_ids, ref.sample_ids)
            if i is not None:
                problems.append(
                    f'{pair}: {ref.id_key} differs first at index {i} '
                    f'({other.sample_ids[i]!r} vs {ref.sample_ids[i]!r})')
    return problems


def check_dumps(dumps: Sequence[StreamDump]) -> None:
    """Raise if the dumps do not cover the same samples in the same order.

    Args:
        dumps (Sequence[StreamDump]): At least one dump.

    Raises:
        ValueError: Listing every problem :func:`find_mismatches` found.
    """
    problems = find_mismatches(dumps)
    if problems:
        raise ValueError('the dumps do not cover the same samples in the '
                         'same order:\n  ' + '\n  '.join(problems))


def resolve_weights(num_dumps: int,
                    weights: Optional[Sequence[float]] = None,
                    streams: Optional[Sequence[str]] = None) -> List[float]:
    """Choose the fusion weight of each dump.

    Explicit ``weights`` win; otherwise the stream names select
    :data:`STREAM_WEIGHTS` (any subset, e.g. ``j b`` gives 2:2, i.e. 1:1);
    with neither, every dump weighs 1.

    Args:
        num_dumps (int): Number of dumps.
        weights (Sequence[float], optional): One weight per dump.
            Defaults to None.
        streams (Sequence[str], optional): One stream name per dump.
            Defaults to None.

    Returns:
        list[float]: One non-negative weight per dump, not all zero.
    """
    for arg, values in (('weights', weights), ('streams', streams)):
        if values is not None and len(values) != num_dumps:
            raise ValueError(f'got {len(values)} {arg} for {num_dumps} '
                             'dumps')
    if weights is not None:
        weights = [float(w) for w in weights]
    elif streams is not None:
        unknown = [s for s in streams if s not in STREAM_WEIGHTS]
        if unknown:
            raise ValueError(
                f'no default weight for stream(s) {unknown}; known: '
                f'{list(STREAM_WEIGHTS)} (or give --weights)')
        weights = [STREAM_WEIGHTS[s] for s in streams]
    else:
        weights = [1.] * num_dumps
    if any(not math.isfinite(w) or w < 0 for w in weights) \
            or sum(weights) <= 0:
        raise ValueError('weights must be finite, non-negative and not all '
                         f'zero, got {weights}')
    return weights


def fuse_scores(scores: Sequence[np.ndarray],
                weights: Sequence[float]) -> np.ndarray:
    """Weighted sum of per-stream scores (MMAction2's get_weighted_score).

    Args:
        scores (Sequence[np.ndarray]): Per-stream scores, each ``(N, K)``.
        weights (Sequence[float]): One weight per stream.

    Returns:
        np.ndarray: Fused scores, shape ``(N, K)``.
    """
    if len(scores) != len(weights):
        raise ValueError(f'got {len(weights)} weights for {len(scores)} '
                         'score arrays')
    if len({np.shape(s) for s in scores}) != 1:
        raise ValueError('score arrays differ in shape: '
                         f'{[np.shape(s) for s in scores]}')
    return np.stack(get_weighted_score(list(scores), list(weights)))


def evaluate_scores(scores: np.ndarray,
                    labels: np.ndarray,
                    topk: Sequence[int] = (1, 5)) -> Dict[str, float]:
    """Top-k and mean-class accuracy, named as MMAction2's AccMetric does.

    ``mean1`` is MMAction2's ``mean_class_accuracy``: the mean per-class
    recall over every class that occurs as a label *or* a prediction (a
    class only ever predicted counts as 0).

    Args:
        scores (np.ndarray): Class scores, shape ``(N, K)``.
        labels (np.ndarray): Class indices, shape ``(N, )``.
        topk (Sequence[int]): The k of each top-k accuracy.
            Defaults to ``(1, 5)``.

    Returns:
        dict[str, float]: ``{'top1': ..., 'top5': ..., 'mean1': ...}``.
    """
    scores = np.asarray(scores)
    labels = np.asarray(labels, dtype=np.int64)
    results = {
        f'top{k}': float(acc)
        for k, acc in zip(topk, top_k_accuracy(scores, labels, tuple(topk)))
    }
    results['mean1'] = float(mean_class_accuracy(scores, labels))
    return results
