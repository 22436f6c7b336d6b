"""What a conversion returns, and its one summary format."""
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List

import numpy as np

from .errors import BadSampleError

#: Annotation fields tallied in the summary when present.
TALLIED_FIELDS = ('condition', 'view', 'role')


@dataclass
class ConversionResult:
    """The pickle content, the skipped samples and the decisions taken.

    Args:
        data (dict): The ``PoseDataset`` pickle content.
        skipped (list[BadSampleError]): Samples left out by ``skip_bad``.
        counts (dict[str, int]): Decision counts of the readers and the
            converter (e.g. ``missing_frames``, ``outside_split``).
    """

    data: dict
    skipped: List[BadSampleError] = field(default_factory=list)
    counts: Dict[str, int] = field(default_factory=dict)

    def summary(self) -> Dict[str, object]:
        """Count samples, frames, persons, labels, splits and skips.

        Returns:
            dict: ``samples``, ``frames`` (sum of ``total_frames``),
            ``min_frames``, ``max_frames``, ``persons`` (``{M: samples}``),
            ``empty_frames`` (all-zero frames), ``labels`` (other than -1),
            ``splits`` (sizes), ``skipped``, ``skipped_by_kind``; with
            ``subject_id``, ``subjects`` (distinct, per split); per
            :data:`TALLIED_FIELDS` present, ``{value: samples}`` under its
            plural; then :attr:`counts`.
        """
        annos = self.data['annotations']
        lengths = [a['total_frames'] for a in annos]
        summary = dict(
            samples=len(annos),
            frames=int(sum(lengths)),
            min_frames=min(lengths, default=0),
            max_frames=max(lengths, default=0),
            persons=dict(
                sorted(Counter(a['keypoint'].shape[0]
                               for a in annos).items())),
            empty_frames=sum(count_empty_frames(a['keypoint']) for a in annos),
            labels=len({a['label']
                        for a in annos} - {-1}),
            splits={
                k: len(v)
                for k, v in self.data['split'].items()
            },
            skipped=len(self.skipped),
            skipped_by_kind=dict(
                Counter(e.kind for e in self.skipped).most_common()))
        if annos and 'subject_id' in annos[0]:
            by_name = {a['frame_dir']: a['subject_id'] for a in annos}
            summary['subjects'] = {
                split: len({by_name[n]
                            for n in names})
                for split, names in self.data['split'].items()
            }
        for key in TALLIED_FIELDS:
            if annos and key in annos[0]:
                summary[key + 's'] = dict(
                    sorted(Counter(a[key] for a in annos).items()))
        summary.update(self.counts)
        return summary


def count_empty_frames(keypoint: np.ndarray) -> int:
    """The number of frames of ``(M, T, V, C)`` keypoints where every
    person's keypoints are zero."""
    return int((~keypoint.any(axis=(0, 2, 3))).sum())


def format_summary(summary: Dict[str, object]) -> str:
    """Render :meth:`ConversionResult.summary` as a few lines: e.g.
    ``'16 samples (16 labels), 1234 frames (40-300 per sample), persons
    {1: 14, 2: 2}, 0 empty frames'``, then the splits (and subjects), the
    tallies, the decision counts and the skips, one line each."""
    s = dict(summary)
    lines = [
        f'{s.pop("samples")} samples ({s.pop("labels")} labels), '
        f'{s.pop("frames")} frames ({s.pop("min_frames")}-'
        f'{s.pop("max_frames")} per sample), persons {s.pop("persons")}, '
        f'{s.pop("empty_frames")} empty frames'
    ]
    splits = f'splits {s.pop("splits")}'
    if 'subjects' in s:
        splits += f', subjects {s.pop("subjects")}'
    lines.append(splits)
    for key in TALLIED_FIELDS:
        if key + 's' in s:
            lines.append(f'{key}s {s.pop(key + "s")}')
    skipped, by_kind = s.pop('skipped'), s.pop('skipped_by_kind')
    if s:
        lines.append(', '.join(f'{v} {k.replace("_", " ")}'
                               for k, v in s.items()))
    lines.append(f'{skipped} skipped' + (f' {by_kind}' if by_kind else ''))
    return '\n'.join(lines)
