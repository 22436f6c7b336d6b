from .hooks import EpochSeedHook, SuperclassRebuildHook
from .safe_loading import UnsafeCheckpointError, safe_torch_load

__all__ = [
    'EpochSeedHook', 'SuperclassRebuildHook', 'UnsafeCheckpointError',
    'safe_torch_load'
]
