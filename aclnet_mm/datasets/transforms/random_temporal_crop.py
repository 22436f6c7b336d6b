"""Random contiguous temporal crop of a skeleton sequence."""
from typing import Dict, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class RandomTemporalCrop(BaseTransform):
    """Keep a random contiguous window of the sequence.

    The window covers a fraction ``U(ratio[0], ratio[1])`` of the
    ``total_frames`` (at least ``min_frames``, at most all) at a random
    start. Use it before ``UniformSampleFrames`` (gait: a walk seen from a
    random partial cycle).

    Required Keys:

        - keypoint ``(M, T, V, C)``
        - total_frames
        - keypoint_score ``(M, T, V)`` (optional)

    Modified Keys:

        - keypoint
        - total_frames
        - keypoint_score

    Args:
        ratio (Sequence[float]): Range of the kept fraction, within (0, 1].
            Defaults to ``(0.5, 1.0)``.
        min_frames (int): Shortest window. Defaults to 10.
    """

    def __init__(self,
                 ratio: Sequence[float] = (0.5, 1.0),
                 min_frames: int = 10) -> None:
        low, high = ratio
        if not 0 < low <= high <= 1:
            raise ValueError(f'ratio must satisfy 0 < low <= high <= 1, got '
                             f'{ratio}')
        if min_frames < 1:
            raise ValueError(f'min_frames must be >= 1, got {min_frames}')
        self.ratio = (low, high)
        self.min_frames = min_frames

    def transform(self, results: Dict) -> Dict:
        total = results['keypoint'].shape[1]
        length = int(round(total * np.random.uniform(*self.ratio)))
        length = min(total, max(length, self.min_frames))
        start = np.random.randint(0, total - length + 1)
        window = slice(start, start + length)
        results['keypoint'] = results['keypoint'][:, window]
        if 'keypoint_score' in results:
            results['keypoint_score'] = results['keypoint_score'][:, window]
        results['total_frames'] = length
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(ratio={self.ratio}, '
                f'min_frames={self.min_frames})')
