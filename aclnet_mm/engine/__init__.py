from .checkpoint_check import CheckpointMismatchError, load_weights_strict
from .hooks import EpochSeedHook, SuperclassRebuildHook
from .safe_loading import (CheckpointError, CorruptCheckpointError,
                           UnsafeCheckpointError, safe_torch_load)

__all__ = [
    'CheckpointError', 'CheckpointMismatchError', 'CorruptCheckpointError',
    'EpochSeedHook', 'SuperclassRebuildHook', 'UnsafeCheckpointError',
    'load_weights_strict', 'safe_torch_load'
]
