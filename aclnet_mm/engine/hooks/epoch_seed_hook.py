"""Reseed every random generator at the start of each training epoch."""
import logging
import random
import warnings
from functools import partial
from typing import Optional

import numpy as np
import torch
from mmaction.registry import HOOKS
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.logging import print_log


def epoch_seed(seed: int, epoch: int, rank: int = 0) -> int:
    """The seed of one training epoch on one rank.

    Args:
        seed (int): The run's base seed (``runner.seed``, stored in every
            checkpoint's ``meta``).
        epoch (int): Number of epochs completed before this one.
        rank (int): Process rank. Defaults to 0.

    Returns:
        int: A 32-bit seed; different for every ``(seed, epoch, rank)``.
    """
    seq = np.random.SeedSequence([int(seed) % 2**63, int(epoch), int(rank)])
    return int(seq.generate_state(1)[0])


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's (CPU and CUDA) global generators."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also every CUDA device


def seed_worker(worker_id: int,
                seed: int,
                disable_subprocess_warning: bool = False) -> None:
    """``worker_init_fn`` of the train dataloader: one seed per worker.

    Args:
        worker_id (int): The worker's index.
        seed (int): The epoch's seed (:func:`epoch_seed`).
        disable_subprocess_warning (bool): Silence warnings in workers other
            than the first, as MMEngine's ``worker_init_fn`` does.
    """
    seed_everything(epoch_seed(seed, 0, worker_id + 1))
    if disable_subprocess_warning and worker_id != 0:
        warnings.simplefilter('ignore')


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Make each training epoch a function of the checkpoint alone.

    Before every training epoch the global generators of Python, NumPy and
    torch are seeded from ``(runner.seed, epoch, rank)`` and the train
    dataloader's workers get seeds derived from the same value. Whatever
    ran before the epoch (validation, the first epochs, or nothing, after
    ``--resume``) then no longer matters: random augmentation (e.g.
    ``RandomRot``), frame sampling, dropout and the workers draw the same
    numbers in an uninterrupted run and in one resumed from the checkpoint
    of the previous epoch, so both end with identical weights and buffers.
    The other inputs of an epoch are in the checkpoint already: the model,
    optimizer and scheduler state, the epoch and the base seed, from which
    MMEngine's ``DefaultSampler`` derives the epoch's order
    (``seed + epoch``).

    Unlike MMEngine's default ``worker_init_fn`` (the same seeds in every
    epoch), workers draw different numbers in every epoch and on every
    rank.

    Limits (warned about in ``before_train``): with ``persistent_workers``
    and ``num_workers > 0`` the workers keep their generators across epochs
    and a resumed run restarts them, so resume is then not exact. MMEngine's
    ``EpochBasedTrainLoop`` resumes at an epoch boundary: an iteration
    checkpoint taken mid-epoch restarts that epoch from its first batch.

    Args:
        warn_persistent (bool): Warn when persistent workers make resume
            inexact. Defaults to True.
    """

    priority = 'VERY_HIGH'  # before any other hook draws a random number

    def __init__(self, warn_persistent: bool = True) -> None:
        self.warn_persistent = warn_persistent

    @staticmethod
    def _loader(runner) -> Optional[torch.utils.data.DataLoader]:
        loader = runner.train_loop.dataloader
        return loader if isinstance(loader,
                                    torch.utils.data.DataLoader) else None

    def before_train(self, runner) -> None:
        loader = self._loader(runner)
        if (self.warn_persistent and loader is not None
                and loader.num_workers > 0 and loader.persistent_workers):
            print_log(
                'EpochSeedHook: train_dataloader has persistent_workers=True'
                f' with {loader.num_workers} workers; their random state '
                'runs on across epochs and cannot be restored, so a resumed '
                'run will not match an uninterrupted one exactly. Set '
                'persistent_workers=False for exact resume.',
                logger='current',
                level=logging.WARNING)

    def before_train_epoch(self, runner) -> None:
        seed = epoch_seed(runner.seed, runner.epoch, get_rank())
        seed_everything(seed)
        loader = self._loader(runner)
        if loader is not None and loader.num_workers > 0:
            old = getattr(loader.worker_init_fn, 'keywords', None) or {}
            loader.worker_init_fn = partial(
                seed_worker,
                seed=seed,
                disable_subprocess_warning=old.get(
                    'disable_subprocess_warning', False))
