from .hooks import SuperclassRebuildHook

__all__ = ['SuperclassRebuildHook']
