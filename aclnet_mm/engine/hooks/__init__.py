from .epoch_seed_hook import EpochSeedHook
from .superclass_rebuild_hook import SuperclassRebuildHook
from .superclass_stats_hook import SuperclassStatsHook, superclass_stats

__all__ = [
    'EpochSeedHook', 'SuperclassRebuildHook', 'SuperclassStatsHook',
    'superclass_stats'
]
