from .backbones import ACLGCN
from .heads import ACLEmbeddingHead, ACLHead
from .losses import InterAffinityContrastiveLoss, IntraMarginContrastiveLoss

__all__ = [
    'ACLGCN', 'ACLEmbeddingHead', 'ACLHead', 'InterAffinityContrastiveLoss',
    'IntraMarginContrastiveLoss'
]
