"""Random left/right swap of skeleton joint indices."""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from aclnet_mm.models.utils.kinect_v1_layout import (KINECT_V1_LEFT,
                                                     KINECT_V1_RIGHT)
from aclnet_mm.models.utils.layouts import LayoutType, get_layout

Pair = Tuple[int, int]

_COCO_PAIRS = ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14),
               (15, 16))

#: Left/right joint pairs of the named layouts (0-based). ``nturgb+d``
#: swaps the arms, the legs and the hand tips/thumbs; ``coco_new`` keeps
#: its three synthesised mid-line joints in place.
FLIP_PAIRS: Dict[str, Tuple[Pair, ...]] = {
    'nturgb+d': ((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17),
                 (14, 18), (15, 19), (21, 23), (22, 24)),
    'coco':
    _COCO_PAIRS,
    'coco_new':
    _COCO_PAIRS,
    'openpose':
    ((2, 5), (3, 6), (4, 7), (8, 11), (9, 12), (10, 13), (14, 15), (16, 17)),
    'kinect_v1':
    tuple(zip(KINECT_V1_LEFT, KINECT_V1_RIGHT)),
}


def flip_permutation(num_node: int, pairs: Sequence[Pair]) -> np.ndarray:
    """Joint order that swaps every pair and keeps the other joints.

    Args:
        num_node (int): Number of joints V.
        pairs (Sequence[tuple[int, int]]): Left/right index pairs.

    Returns:
        np.ndarray: Index array of shape ``(V, )``.
    """
    order = np.arange(num_node)
    for left, right in pairs:
        order[left], order[right] = right, left
    return order


@TRANSFORMS.register_module()
class SpatialFlip(BaseTransform):
    """Swap the left and right joints of a skeleton with probability ``p``.

    The port of ACLNet's ``Spatial_Flip``: only the joint *indices* are
    permuted (``keypoint[:, :, perm]``); the coordinates are not mirrored.
    This matches the reference, which runs it before ``GenSkeFeat`` on
    3D NTU data. Use MMAction2's ``Flip`` for a mirror flip of 2D pixel
    coordinates.

    Required Keys:

        - keypoint ``(M, T, V, C)``
        - keypoint_score ``(M, T, V)`` (optional)

    Modified Keys:

        - keypoint
        - keypoint_score (optional)

    Args:
        layout (str | dict): Skeleton layout, one of 'nturgb+d', 'coco',
            'coco_new', 'openpose', 'kinect_v1', or a dict with
            ``num_node``, ``inward`` and ``center`` (then ``permutation`` is
            required).
            Defaults to ``'nturgb+d'``.
        p (float): Probability of swapping. Defaults to 0.5.
        permutation (Sequence[int], optional): Explicit new joint order of
            length V, used instead of the layout's left/right pairs.
            Defaults to None.
    """

    def __init__(self,
                 layout: LayoutType = 'nturgb+d',
                 p: float = 0.5,
                 permutation: Optional[Sequence[int]] = None) -> None:
        if not 0 <= p <= 1:
            raise ValueError(f'p must be in [0, 1], got {p}')
        num_node = get_layout(layout)['num_node']
        if permutation is not None:
            order = np.asarray(permutation, dtype=np.int64)
            if (order.ndim != 1 or len(order) != num_node or
                    not np.array_equal(np.sort(order), np.arange(num_node))):
                raise ValueError(
                    f'permutation must reorder range({num_node}), got '
                    f'{list(permutation)}')
        elif isinstance(layout, str):
            order = flip_permutation(num_node, FLIP_PAIRS[layout])
        else:
            raise ValueError('A dict layout needs an explicit permutation')
        self.layout = layout
        self.p = p
        self.permutation = order

    def transform(self, results: Dict) -> Dict:
        """Swap the joints of ``keypoint`` (and ``keypoint_score``).

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        if np.random.rand() >= self.p:
            return results
        num_node = results['keypoint'].shape[2]
        if num_node != len(self.permutation):
            raise ValueError(f'SpatialFlip expects {len(self.permutation)} '
                             f'joints, got {num_node}')
        for key in ('keypoint', 'keypoint_score'):
            if key in results:
                results[key] = results[key][:, :, self.permutation]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(layout={self.layout!r}, '
                f'p={self.p}, permutation={self.permutation.tolist()})')
