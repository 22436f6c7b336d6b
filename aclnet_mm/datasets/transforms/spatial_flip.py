"""Random left/right swap of skeleton joint indices."""
from typing import Dict, Optional, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from aclnet_mm.layouts import LayoutType, get_layout


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
        layout (str | dict): Skeleton layout (see
            :func:`aclnet_mm.layouts.get_layout`); its ``flip_pairs`` give
            the swap. A dict layout without them needs ``permutation``.
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
        skeleton = get_layout(layout)
        num_node = skeleton.num_node
        if permutation is not None:
            order = np.asarray(permutation, dtype=np.int64)
            if (order.ndim != 1 or len(order) != num_node or
                    not np.array_equal(np.sort(order), np.arange(num_node))):
                raise ValueError(
                    f'permutation must reorder range({num_node}), got '
                    f'{list(permutation)}')
        else:
            order = np.asarray(
                skeleton.flip_permutation('SpatialFlip'), dtype=np.int64)
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
