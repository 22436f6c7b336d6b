"""The epoch schedule of ACLNet's inter-class affinity loss."""
import logging
from typing import Optional

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.logging import print_log

from .head_lookup import find_head


@HOOKS.register_module()
class SuperclassRebuildHook(Hook):
    """Count confusions from ``start_epoch``; rebuild superclasses after it.

    With 1-based training epochs ``e`` and ``start_epoch = s`` (30 in the
    paper):

    - epochs ``e >= s`` count confusions (set in ``before_train_epoch``);
    - after every epoch ``e >= s`` the superclasses are rebuilt from the
      cumulative counts (``after_train_epoch``), so the inter loss is active
      from epoch ``s + 1`` on.

    The schedule depends only on the training epoch, never on validation
    (the reference advances it from its validation loop). The hook only
    decides *when*; the state lives in the head's buffers. It runs after
    ``SyncBuffersHook`` (NORMAL) and before ``CheckpointHook`` (VERY_LOW),
    so each checkpoint holds the table just built and ``--resume``
    continues with exactly that state. Every rank rebuilds from counts
    averaged over ranks, so all ranks hold the same table.

    Args:
        start_epoch (int): First (1-based) epoch that counts confusions.
            Defaults to 30.
        head_attr (str): Attribute path of the head on the model.
            Defaults to ``'cls_head'``.
    """

    priority = 'LOW'

    def __init__(self, start_epoch: int = 30,
                 head_attr: str = 'cls_head') -> None:
        if not isinstance(start_epoch, int) or start_epoch < 1:
            raise ValueError(f'start_epoch must be an int >= 1, got '
                             f'{start_epoch!r}')
        self.start_epoch = start_epoch
        self.head_attr = head_attr

    def _head(self, runner):
        head = find_head(runner, self.head_attr)
        if head is None or not hasattr(head, 'rebuild_superclasses'):
            raise TypeError(
                f'SuperclassRebuildHook needs model.{self.head_attr} with '
                'set_counting() and rebuild_superclasses() (e.g. ACLHead)')
        return head

    def before_train(self, runner) -> None:
        """Say when the schedule switches on; warn if it never does."""
        self._head(runner)  # fail early on a model without ACLHead
        max_epochs = runner.max_epochs
        if self.start_epoch >= max_epochs:
            when = ('are built only after the last epoch'
                    if self.start_epoch == max_epochs else 'are never built')
            print_log(
                f'SuperclassRebuildHook: start_epoch={self.start_epoch} but '
                f'max_epochs={max_epochs}: superclasses {when}, '
                'so the inter-class loss never trains. Lower start_epoch.',
                logger='current',
                level=logging.WARNING)
        else:
            print_log(
                f'SuperclassRebuildHook: confusion counting starts in epoch '
                f'{self.start_epoch}, the inter-class loss is active from '
                f'epoch {self.start_epoch + 1} of {max_epochs}',
                logger='current')

    def before_train_epoch(self, runner) -> None:
        epoch = runner.epoch + 1  # 1-based epoch about to run
        self._head(runner).set_counting(epoch >= self.start_epoch)
        if epoch == self.start_epoch:
            print_log(f'Epoch {epoch}: confusion counting starts',
                      logger='current')

    def after_train_epoch(self, runner) -> None:
        epoch = runner.epoch + 1  # 1-based epoch just finished
        if epoch < self.start_epoch:
            return
        sizes: Optional = self._head(runner).rebuild_superclasses()
        if sizes is not None:
            sizes = sizes.float()
            print_log(
                f'Epoch {epoch}: superclasses rebuilt from the confusion '
                f'counts; sizes min/mean/max = {int(sizes.min())}/'
                f'{float(sizes.mean()):.2f}/{int(sizes.max())}; the inter '
                'loss is active from the next epoch',
                logger='current')
