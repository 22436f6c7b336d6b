"""A hook imported by the DDP test's config (via custom_imports).

It saves, per rank, the inter loss's confusion counts right before each
epoch-end buffer sync (priority HIGHEST, so before SyncBuffersHook; the last
epoch's as ``local``) and the final loss state after training, so the test
can compare ranks.
"""
import os

import torch
from mmaction.registry import HOOKS
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


def _inter(runner):
    model = runner.model
    if is_model_wrapper(model):
        model = model.module
    return model.cls_head.loss_inter, model.cls_head.loss_intra


@HOOKS.register_module(force=True)
class DDPStateProbe(Hook):

    priority = 'HIGHEST'

    def __init__(self):
        self.locals = []  # one per epoch this process trained

    def after_train_epoch(self, runner):
        inter, _ = _inter(runner)
        self.locals.append(inter.confusion.clone())

    def after_train(self, runner):
        inter, intra = _inter(runner)
        torch.save(
            dict(
                local=self.locals[-1],
                locals=self.locals,
                confusion=inter.confusion.clone(),
                superclass=inter.superclass.clone(),
                temperature=inter.temperature.clone(),
                active=inter.active.clone(),
                memory=intra.memory.clone(),
                memory_labels=intra.memory_labels.clone(),
                ptr=intra.ptr.clone()),
            os.path.join(runner.work_dir, f'state_rank{get_rank()}.pt'))
