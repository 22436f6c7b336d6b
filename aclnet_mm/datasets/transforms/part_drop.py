"""Random zeroing of one body part of a skeleton."""
from typing import Dict, Optional, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from aclnet_mm.layouts import LayoutType, get_layout


@TRANSFORMS.register_module()
class PartDrop(BaseTransform):
    """Zero all joints of one random body part with probability ``p``.

    The port of ACLNet's ``Part_Drop``: with probability ``p`` one part is
    drawn uniformly from ``parts`` and its joints are set to 0 in every
    person and frame; otherwise the sample is unchanged. The reference
    runs it before ``GenSkeFeat``, so the bone of a dropped joint becomes
    minus its parent, not 0. ``keypoint_score`` of the dropped joints is
    zeroed too (the reference only ever sees 3D data without scores).

    Required Keys:

        - keypoint ``(M, T, V, C)``
        - keypoint_score ``(M, T, V)`` (optional)

    Modified Keys:

        - keypoint
        - keypoint_score (optional)

    Args:
        p (float): Probability of dropping a part. Defaults to 0.2.
        layout (str | dict): Skeleton layout (see
            :func:`aclnet_mm.layouts.get_layout`); its ``body_parts`` (the
            four limbs) are the groups. A dict layout without them needs
            ``parts``. Defaults to ``'nturgb+d'``.
        parts (Sequence[Sequence[int]], optional): Joint-index groups to
            choose from, used instead of the layout's four limbs.
            Defaults to None.
    """

    def __init__(self,
                 p: float = 0.2,
                 layout: LayoutType = 'nturgb+d',
                 parts: Optional[Sequence[Sequence[int]]] = None) -> None:
        if not 0 <= p <= 1:
            raise ValueError(f'p must be in [0, 1], got {p}')
        skeleton = get_layout(layout)
        num_node = skeleton.num_node
        if parts is None:
            parts = skeleton.require('body_parts', 'PartDrop')
        parts = tuple(tuple(int(j) for j in part) for part in parts)
        if not parts or not all(parts):
            raise ValueError(f'parts must be non-empty groups, got {parts}')
        for part in parts:
            if not all(0 <= j < num_node for j in part):
                raise ValueError(f'part {part} has a joint outside '
                                 f'[0, {num_node})')
        self.p = p
        self.layout = layout
        self.parts = parts

    def transform(self, results: Dict) -> Dict:
        """Zero one part of ``keypoint`` (and ``keypoint_score``).

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        if np.random.rand() >= self.p:
            return results
        part = list(self.parts[np.random.randint(len(self.parts))])
        num_node = results['keypoint'].shape[2]
        if max(part) >= num_node:
            raise ValueError(f'part {part} does not fit {num_node} joints')
        for key in ('keypoint', 'keypoint_score'):
            if key in results:
                dropped = results[key].copy()
                dropped[:, :, part] = 0
                results[key] = dropped
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(p={self.p}, '
                f'layout={self.layout!r}, parts={self.parts})')
