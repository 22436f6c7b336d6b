from .superclass_rebuild_hook import SuperclassRebuildHook

__all__ = ['SuperclassRebuildHook']
