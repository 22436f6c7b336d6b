from .center_joint import CenterJoint
from .coco17_to_20 import COCO17To20
from .gen_ske_feat_acl import GenSkeFeatACL
from .part_drop import PartDrop
from .random_rot import RandomRot
from .random_scale import RandomScale
from .random_temporal_crop import RandomTemporalCrop
from .spatial_flip import SpatialFlip

__all__ = [
    'CenterJoint', 'COCO17To20', 'GenSkeFeatACL', 'PartDrop', 'RandomRot',
    'RandomScale', 'RandomTemporalCrop', 'SpatialFlip'
]
