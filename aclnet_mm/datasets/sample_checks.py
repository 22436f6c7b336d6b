"""Checks of pose annotations at the data boundary.

One function judges one ``PoseDataset`` annotation
(:func:`check_pose_sample`); one applies the policy to a whole list
(:func:`validate_samples`): raise on the first bad sample, naming the
annotation file, the sample and the problem, or, with ``skip_invalid``,
drop the bad ones and warn once with a count per reason. Both are pure
(no torch, no MMEngine state), so datasets, transforms and tools share
them.
"""
import logging
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log

#: Why a sample can be rejected (the keys of the skip counts).
REASONS = ('no keypoint', 'shape', 'frames', 'non-finite',
           'out of range', 'joints', 'channels', 'label')

#: The largest keypoint magnitude accepted. No real coordinate comes near
#: it: 2D pixels of an 8K frame stay below 1e4, 3D positions below 10 in
#: metres or 1e4 in millimetres, normalised coordinates below 10. A value
#: beyond it is a corrupt file or a broken conversion, which would train
#: silently wrong (finite, so the head's finite check never fires).
MAX_ABS_COORD = 1e6


class InvalidSampleError(ValueError):
    """An annotation that would train silently wrong or crash later."""


def sample_name(sample: Dict) -> str:
    """The identifier MMAction2 uses for a sample (``frame_dir``)."""
    for key in ('frame_dir', 'filename'):
        if key in sample:
            return str(sample[key])
    return '<no frame_dir>'


def _label_problem(label, num_classes: Optional[int],
                   allow_unlabelled: bool) -> Optional[str]:
    if isinstance(label, np.ndarray) and label.size == 1:
        label = label.item()
    if isinstance(label, (bool, np.bool_)) or not isinstance(
            label, (int, np.integer)):
        return f'label {label!r} is not an integer class index'
    if allow_unlabelled and label == -1:
        return None
    if label < 0 or (num_classes is not None and label >= num_classes):
        span = f'[0, {num_classes})' if num_classes is not None else '>= 0'
        return f'label {int(label)} is outside {span}'
    return None


def check_pose_sample(sample: Dict,
                      num_joints: Optional[int] = None,
                      num_channels: Optional[int] = None,
                      num_classes: Optional[int] = None,
                      allow_unlabelled: bool = False
                      ) -> Optional[Tuple[str, str]]:
    """Find the first problem of one annotation.

    An annotation holds ``keypoint`` ``(M, T, V, C)`` (``C`` = 2 or 3),
    optionally ``keypoint_score`` ``(M, T, V)``, ``total_frames`` and
    ``label``. An annotation whose keypoints live elsewhere (``raw_file``,
    loaded later) only has its label checked. Keypoint values must be
    finite and at most :data:`MAX_ABS_COORD` (1e6) in magnitude.

    Args:
        sample (dict): The annotation.
        num_joints (int, optional): Expected ``V`` (the layout's joints).
        num_channels (int, optional): Expected ``C``: 3 for 3D, 2 for 2D.
        num_classes (int, optional): Labels must lie in ``[0, K)``.
        allow_unlabelled (bool): Accept label ``-1`` (gait / re-ID test
            subjects). Defaults to False.

    Returns:
        tuple[str, str] | None: ``(reason, detail)`` with ``reason`` one of
        :data:`REASONS`, or None for a good sample.
    """
    if 'label' in sample:
        problem = _label_problem(sample['label'], num_classes,
                                 allow_unlabelled)
        if problem:
            return 'label', problem
    if 'keypoint' not in sample:
        if 'raw_file' in sample:
            return None
        return 'no keypoint', 'has no keypoint array'
    kp = np.asarray(sample['keypoint'])
    if kp.ndim != 4:
        return 'shape', (f'keypoint has shape {kp.shape}, expected '
                         '(persons, frames, joints, channels)')
    persons, frames, joints, channels = kp.shape
    total = sample.get('total_frames', frames)
    if frames < 1 or persons < 1 or total < 1:
        return 'frames', (f'has no frames (keypoint shape {kp.shape}, '
                          f'total_frames={total})')
    if total != frames:
        return 'frames', (f'total_frames={total} but keypoint holds '
                          f'{frames} frames')
    if num_joints is not None and joints != num_joints:
        return 'joints', (f'has {joints} joints, the layout has '
                          f'{num_joints}')
    if num_channels is not None and channels != num_channels:
        want = {2: '2D (x, y)', 3: '3D (x, y, z)'}.get(
            num_channels, f'{num_channels} channels')
        return 'channels', (f'has {channels} coordinates per joint, the '
                            f'config expects {want}')
    if not np.issubdtype(kp.dtype, np.number):
        return 'shape', f'keypoint has dtype {kp.dtype}, not numbers'
    bad = int(np.size(kp) - np.count_nonzero(np.isfinite(kp)))
    if bad:
        return 'non-finite', f'has {bad} non-finite keypoint values'
    # float16 (max 65504) cannot exceed the bound; comparing would overflow
    small = np.issubdtype(kp.dtype, np.floating) and float(
        np.finfo(kp.dtype).max) < MAX_ABS_COORD
    huge = np.zeros((), bool) if small else np.abs(kp) > MAX_ABS_COORD
    if huge.any():
        first = tuple(int(i) for i in np.argwhere(huge)[0])
        return 'out of range', (
            f'has {int(huge.sum())} keypoint values beyond +-{MAX_ABS_COORD:g}'
            f' (e.g. {float(kp[first]):g} at person {first[0]}, frame '
            f'{first[1]}, joint {first[2]}); no real pixel or metre '
            'coordinate is that large')
    if 'keypoint_score' in sample:
        score = np.asarray(sample['keypoint_score'])
        if score.shape != kp.shape[:3]:
            return 'shape', (f'keypoint_score has shape {score.shape}, '
                             f'keypoint {kp.shape}')
        bad = int(score.size - np.count_nonzero(np.isfinite(score)))
        if bad:
            return 'non-finite', f'has {bad} non-finite keypoint scores'
    return None


def _majority(samples: Sequence[Dict], axis: int) -> Optional[int]:
    """The most common size of keypoint axis ``axis`` (None: no arrays)."""
    sizes = Counter(
        np.shape(s['keypoint'])[axis] for s in samples
        if 'keypoint' in s and np.ndim(s['keypoint']) == 4)
    return sizes.most_common(1)[0][0] if sizes else None


def validate_samples(samples: List[Dict],
                     source: str,
                     skip_invalid: bool = False,
                     num_joints: Optional[int] = None,
                     num_channels: Optional[int] = None,
                     num_classes: Optional[int] = None,
                     allow_unlabelled: bool = False) -> List[Dict]:
    """Apply :func:`check_pose_sample` to every sample, with one policy.

    Without ``num_joints`` / ``num_channels`` the most common ``V`` / ``C``
    of the list is expected, so one odd sample is still caught.

    Args:
        samples (list[dict]): The annotations.
        source (str): The annotation file, for messages.
        skip_invalid (bool): Drop bad samples (one warning with a count per
            reason) instead of raising. Defaults to False.
        num_joints, num_channels, num_classes, allow_unlabelled: See
            :func:`check_pose_sample`.

    Returns:
        list[dict]: The good samples, in order.

    Raises:
        InvalidSampleError: On the first bad sample (``skip_invalid``
            False), or when every sample is bad.
    """
    expect = dict(
        num_joints=num_joints if num_joints is not None else _majority(
            samples, 2),
        num_channels=num_channels
        if num_channels is not None else _majority(samples, 3),
        num_classes=num_classes,
        allow_unlabelled=allow_unlabelled)
    kept, skipped, first = [], Counter(), {}
    for sample in samples:
        problem = check_pose_sample(sample, **expect)
        if problem is None:
            kept.append(sample)
            continue
        reason, detail = problem
        message = f'{source}: sample {sample_name(sample)!r} {detail}'
        if not skip_invalid:
            raise InvalidSampleError(
                f'{message}. Fix or remove it (or set skip_invalid=True on '
                'the dataset to drop such samples with a warning).')
        skipped[reason] += 1
        first.setdefault(reason, sample_name(sample))
    if skipped:
        counts = ', '.join(f'{n} {reason} (e.g. {first[reason]!r})'
                           for reason, n in skipped.most_common())
        print_log(
            f'skip_invalid: dropped {sum(skipped.values())} of '
            f'{len(samples)} samples of {source}: {counts}',
            logger='current',
            level=logging.WARNING)
        if not kept:
            raise InvalidSampleError(
                f'{source}: every one of the {len(samples)} samples is '
                f'invalid ({counts})')
    return kept


def check_split(split: str, available, source: str) -> None:
    """Raise a ValueError naming the splits that exist if ``split`` is not
    one of them."""
    if split not in available:
        raise ValueError(f'split {split!r} is not in {source}; available: '
                         f'{sorted(available)}')
