from .backbones import ACLGCN
from .heads import ACLHead
from .losses import InterAffinityContrastiveLoss, IntraMarginContrastiveLoss

__all__ = [
    'ACLGCN', 'ACLHead', 'InterAffinityContrastiveLoss',
    'IntraMarginContrastiveLoss'
]
