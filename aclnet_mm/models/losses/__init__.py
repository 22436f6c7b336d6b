from .inter_affinity_loss import InterAffinityContrastiveLoss
from .intra_margin_loss import IntraMarginContrastiveLoss

__all__ = ['InterAffinityContrastiveLoss', 'IntraMarginContrastiveLoss']
