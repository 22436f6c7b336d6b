from .epoch_seed_hook import EpochSeedHook
from .param_scheduler_resume_hook import ParamSchedulerResumeHook
from .superclass_rebuild_hook import SuperclassRebuildHook
from .superclass_stats_hook import SuperclassStatsHook, superclass_stats

__all__ = [
    'EpochSeedHook', 'ParamSchedulerResumeHook', 'SuperclassRebuildHook',
    'SuperclassStatsHook', 'superclass_stats'
]
