"""Random isotropic scaling of skeleton coordinates."""
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class RandomScale(BaseTransform):
    """Scale all coordinates of a sample by one factor from ``U(1-s, 1+s)``.

    Only the first ``dims`` channels are scaled (2 for 2D, 3 for 3D), so a
    score channel is kept. Apply it after centring (``PreNormalize2D`` /
    ``PreNormalize3D``) to scale about the body. Zero joints stay zero.

    Required Keys:

        - keypoint ``(M, T, V, C)``

    Modified Keys:

        - keypoint

    Args:
        scale (float): Largest relative change, in ``[0, 1)``.
            Defaults to 0.1.
        dims (int): Number of leading coordinate channels to scale.
            Defaults to 2.
    """

    def __init__(self, scale: float = 0.1, dims: int = 2) -> None:
        if not 0 <= scale < 1:
            raise ValueError(f'scale must be in [0, 1), got {scale}')
        if dims < 1:
            raise ValueError(f'dims must be >= 1, got {dims}')
        self.scale = scale
        self.dims = dims

    def transform(self, results: Dict) -> Dict:
        factor = np.random.uniform(1 - self.scale, 1 + self.scale)
        keypoint = results['keypoint'].copy()
        keypoint[..., :self.dims] *= factor
        results['keypoint'] = keypoint
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale={self.scale}, '
                f'dims={self.dims})')
