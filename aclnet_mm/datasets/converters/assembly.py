"""What every converter does with its readers' records: the same checks
(:class:`RecordChecks`), the same bad-input policy
(:class:`BadInputPolicy`) and the same pickle (:func:`finish`)."""
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Union

import numpy as np

from ..sample_checks import check_pose_sample
from .errors import BadSampleError, ConversionError, warn
from .record import PoseRecord
from .summary import ConversionResult

ReadResult = Union[None, PoseRecord, BadSampleError,
                   Sequence[Union[PoseRecord, BadSampleError]]]
"""What a reader gives for one source: nothing (not a sample), a record, a
bad sample, or several of these."""


class BadInputPolicy:
    """Raise bad samples, or skip them and warn once per kind of problem.

    Args:
        skip_bad (bool): Skip bad samples instead of raising.
            Defaults to False.
    """

    def __init__(self, skip_bad: bool = False) -> None:
        self.skip_bad = skip_bad
        self.skipped: List[BadSampleError] = []

    def reject(self, err: BadSampleError) -> None:
        """Raise ``err``, or (``skip_bad``) keep it for the count."""
        if not self.skip_bad:
            raise err
        self.skipped.append(err)

    def by_kind(self) -> Dict[str, int]:
        """dict[str, int]: Skipped samples per kind, most frequent first."""
        return dict(Counter(err.kind for err in self.skipped).most_common())

    def warn(self) -> None:
        """Log one warning per kind: its count and the first example."""
        for kind, count in self.by_kind().items():
            first = next(e for e in self.skipped if e.kind == kind)
            warn(f'--skip-bad: skipped {count} {kind} sample(s), e.g. {first}')


@dataclass
class RecordChecks:
    """The value checks every record goes through.

    Args:
        num_joints (int): Joints ``V`` of the format's layout.
        num_channels (int): Coordinates ``C`` per joint.
        max_person (int, optional): Most persons ``M``. Defaults to None.
        image_margin (float, optional): Check that coordinates lie
            within ``img_shape`` widened by this fraction on every side:
            0.5 accepts ``[-0.5 w, 1.5 w] x [-0.5 h, 1.5 h]`` (for
            Kinetics-Skeleton, see its reader). None: no check. Defaults to
            None.
    """

    num_joints: int
    num_channels: int
    max_person: Optional[int] = None
    image_margin: Optional[float] = None

    def problem(self, record: PoseRecord) -> Optional[BadSampleError]:
        """The first problem of ``record`` as a bad sample, or None."""
        kp = record.keypoint
        sample = dict(keypoint=kp)
        if record.keypoint_score is not None:
            sample['keypoint_score'] = record.keypoint_score
        found = check_pose_sample(
            sample, num_joints=self.num_joints, num_channels=self.num_channels)
        if found is not None:
            kind, detail = found
            if kind == 'non-finite':
                detail += _first_bad_value(record)
            return self._bad(record, f'sample {record.name}: {detail}', kind)
        if self.max_person is not None and kp.shape[0] > self.max_person:
            return self._bad(
                record, f'{kp.shape[0]} persons, at most {self.max_person} '
                'expected', 'persons')
        if record.img_shape is not None:
            shape = record.img_shape
            if (len(shape) != 2 or not all(
                    isinstance(x, (int, np.integer)) and x > 0
                    for x in shape)):
                return self._bad(
                    record, f'image shape {shape} is not two positive '
                    'integers (h, w)', 'img_shape')
            if self.image_margin is not None:
                h, w = shape
                lo, hi = -self.image_margin, 1 + self.image_margin
                x, y = kp[..., 0] / w, kp[..., 1] / h
                outside = (x < lo) | (x > hi) | (y < lo) | (y > hi)
                if outside.any():
                    m, t, v = np.argwhere(outside)[0]
                    return self._bad(
                        record, f'{int(outside.sum())} joints far outside '
                        f'the {w}x{h} image (first: person {m}, frame index '
                        f'{t}, joint {v} at normalised ({x[m, t, v]:.3g}, '
                        f'{y[m, t, v]:.3g}); accepted: [{lo:g}, {hi:g}])',
                        'range')
        return None

    @staticmethod
    def _bad(record: PoseRecord, reason: str, kind: str) -> BadSampleError:
        return BadSampleError(record.source, reason, kind=kind)


def _first_bad_value(record: PoseRecord) -> str:
    """`` (first at person m, frame t, joint v)`` for a non-finite value."""
    for array in (record.keypoint, record.keypoint_score):
        if array is not None and not np.isfinite(array).all():
            m, t, v = np.argwhere(~np.isfinite(array))[0][:3]
            return f' (first at person {m}, frame index {t}, joint {v})'
    return ''


def collect_records(sources: Iterable, read: Callable[[object], ReadResult],
                    checks: RecordChecks,
                    policy: BadInputPolicy) -> List[PoseRecord]:
    """Read every source, check every record, apply the policy.

    Args:
        sources (Iterable): What ``read`` takes (paths, usually).
        read (Callable): Maps a source to a :data:`ReadResult` (records
            labelled, or left at ``-1`` for a later rule); raises
            :class:`~.errors.BadSampleError` for a bad one (kind
            ``'label'`` for an unknown label).
        checks (RecordChecks): The value checks.
        policy (BadInputPolicy): Raise or skip.

    Returns:
        list[PoseRecord]: The good records, in source order.

    Raises:
        BadSampleError: The first bad sample, unless ``policy.skip_bad``.
        ConversionError: If two records share a name or none is left.
    """
    records: List[PoseRecord] = []
    seen: Dict[str, str] = {}
    for source in sources:
        try:
            result = read(source)
        except BadSampleError as err:
            policy.reject(err)
            continue
        if result is None:
            continue
        if isinstance(result, (PoseRecord, BadSampleError)):
            result = [result]
        for item in result:
            if isinstance(item, PoseRecord):
                item = checks.problem(item) or item
            if isinstance(item, BadSampleError):
                policy.reject(item)
                continue
            if item.name in seen:
                raise ConversionError(
                    f'{item.source} and {seen[item.name]} both give the '
                    f'sample name {item.name!r}; sample names must be '
                    'unique')
            seen[item.name] = item.source
            records.append(item)
    if not records:
        policy.warn()
        kinds = ', '.join(f'{n} {k}' for k, n in policy.by_kind().items())
        raise ConversionError(
            f'no sample could be converted ({len(policy.skipped)} skipped'
            f'{": " + kinds if kinds else ""})')
    return records


def finish(records: Sequence[PoseRecord],
           split: Dict[str, List[str]],
           policy: BadInputPolicy,
           counts: Optional[Dict[str, int]] = None) -> ConversionResult:
    """Warn about the skips (once per kind) and build the pickle.

    Args:
        records (Sequence[PoseRecord]): The labelled samples, in order.
        split (dict[str, list[str]]): Sample names per split.
        policy (BadInputPolicy): The policy that collected the skips.
        counts (dict[str, int], optional): The converter's own decision
            counts, added to the readers'. Defaults to None.

    Returns:
        ConversionResult: The pickle, ``dict(split=split, annotations=[...])``
        (:meth:`~.record.PoseRecord.annotation`), the skips and the counts.
    """
    policy.warn()
    total: Counter = Counter()
    for record in records:
        total.update(record.counts)
    total.update(counts or {})
    data = dict(split=split, annotations=[r.annotation() for r in records])
    return ConversionResult(data, list(policy.skipped), dict(total))
