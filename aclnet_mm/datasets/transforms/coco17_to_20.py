"""COCO-17 keypoints plus scores to ACLNet's 20-joint ``coco_new``."""
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class COCO17To20(BaseTransform):
    """Merge the score into the keypoints and add three mid-line joints.

    The port of ACLNet's ``Kinetics_Transform``. The score becomes the last
    channel, then, with ``j[i]`` the full ``(x, y, score)`` vector of joint
    ``i``:

    - joint 17 (mid-hip) = ``(j[11] + j[12]) / 2``,
    - joint 19 (neck) = ``(j[5] + j[6]) / 2``,
    - joint 18 (mid-spine) = ``(j[17] + j[19]) / 2``.

    The score channel is averaged like the coordinates. The result is
    computed in float64 and stored as float32, as in the reference, and
    follows the ``coco_new`` layout. Without ``keypoint_score`` the
    keypoints are taken as they are (already merged).

    Required Keys:

        - keypoint ``(M, T, 17, 2)``
        - keypoint_score ``(M, T, 17)`` (optional)

    Modified Keys:

        - keypoint ``(M, T, 20, 3)``

    Removed Keys:

        - keypoint_score
    """

    def transform(self, results: Dict) -> Dict:
        """Build the 20-joint keypoints.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        keypoint = results['keypoint'].astype(np.float64)
        if 'keypoint_score' in results:
            if keypoint.shape[-1] != 2:
                raise ValueError('keypoint_score goes with 2D keypoints, got '
                                 f'{keypoint.shape[-1]} channels')
            score = results.pop('keypoint_score').astype(np.float64)
            keypoint = np.concatenate([keypoint, score[..., None]], axis=-1)
        if keypoint.ndim != 4 or keypoint.shape[2] != 17:
            raise ValueError('COCO17To20 expects keypoint (M, T, 17, C), got '
                             f'{keypoint.shape}')
        mid_hip = (keypoint[:, :, 11] + keypoint[:, :, 12]) / 2
        neck = (keypoint[:, :, 5] + keypoint[:, :, 6]) / 2
        mid_spine = (mid_hip + neck) / 2
        extra = np.stack([mid_hip, mid_spine, neck], axis=2)
        results['keypoint'] = np.concatenate([keypoint, extra],
                                             axis=2).astype(np.float32)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}()'
