from .epoch_seed_hook import EpochSeedHook
from .superclass_rebuild_hook import SuperclassRebuildHook

__all__ = ['EpochSeedHook', 'SuperclassRebuildHook']
