"""Kill-and-resume with random augmentation ends where an unbroken run does."""
import copy

import numpy as np
import pytest
import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.runner import Runner
from tiny_setup import PIPELINE, make_pose_pickle, tiny_cfg

from aclnet_mm.engine.hooks.epoch_seed_hook import epoch_seed

# The demo's augmentation: random rotation and random frame sampling.
RANDOM_PIPELINE = [
    dict(type='RandomRot', theta=0.3),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=8),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]


class _Killed(Exception):
    pass


@HOOKS.register_module(force=True)
class _KillAt(Hook):
    """Raise in the middle of a given (0-based) epoch, like a killed job."""

    def __init__(self, epoch, batch_idx):
        self.epoch, self.batch_idx = epoch, batch_idx

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if runner.epoch == self.epoch and batch_idx == self.batch_idx:
            raise _Killed


def _cfg(work_dir, ann, num_workers, seed_hook=True, extra_hooks=()):
    hooks = [dict(type='EpochSeedHook')] if seed_hook else []
    cfg = tiny_cfg(work_dir, ann, max_epochs=4, start_epoch=2,
                   extra_hooks=hooks + list(extra_hooks))
    loader = cfg['train_dataloader']
    loader['num_workers'] = num_workers
    loader['persistent_workers'] = False
    loader['dataset']['pipeline'] = copy.deepcopy(RANDOM_PIPELINE)
    # validation between epochs draws random numbers too (the dataloader
    # iterator's seed) in the unbroken run only
    cfg['val_dataloader'] = dict(
        batch_size=4, num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dict(loader['dataset'], split='val', test_mode=True,
                     pipeline=copy.deepcopy(PIPELINE)))
    cfg['val_cfg'] = dict(type='ValLoop')
    cfg['val_evaluator'] = [dict(type='AccMetric')]
    cfg['randomness'] = dict(seed=3)
    return cfg


def _kill_and_resume(tmp_path, ann, num_workers, seed_hook=True):
    work = tmp_path / f'split{num_workers}{seed_hook}'
    cfg = _cfg(work, ann, num_workers, seed_hook,
               extra_hooks=[dict(type='_KillAt', epoch=2, batch_idx=1)])
    with pytest.raises(_Killed):
        Runner.from_cfg(cfg).train()  # dies in epoch 3, after start_epoch
    cfg = _cfg(work, ann, num_workers, seed_hook)
    cfg['resume'] = True  # auto: the last checkpoint (epoch 2)
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    assert resumed.epoch == 4
    return resumed.model.state_dict()


@pytest.fixture(scope='module')
def ann(tmp_path_factory):
    return make_pose_pickle(tmp_path_factory.mktemp('data') / 'tiny.pkl')


@pytest.mark.slow
@pytest.mark.parametrize('num_workers', [0, 2])
def test_resume_is_exact_with_random_augmentation(tmp_path, ann,
                                                  num_workers):
    straight = Runner.from_cfg(
        _cfg(tmp_path / f'straight{num_workers}', ann, num_workers))
    straight.train()
    want = straight.model.state_dict()
    got = _kill_and_resume(tmp_path, ann, num_workers)
    assert set(got) == set(want)
    for name, value in want.items():
        assert torch.equal(got[name], value), name
    inter = straight.model.cls_head.loss_inter
    assert bool(inter.active) and inter.confusion.sum() > 0


@pytest.mark.slow
def test_without_the_hook_resume_differs(tmp_path, ann):
    # the control: the augmentation really is random and resume alone
    # does not restore it, so the test above can fail
    straight = Runner.from_cfg(
        _cfg(tmp_path / 'straight', ann, 0, seed_hook=False))
    straight.train()
    want = straight.model.state_dict()
    got = _kill_and_resume(tmp_path, ann, 0, seed_hook=False)
    differ = [k for k in want if not torch.equal(got[k], want[k])]
    assert len(differ) > len(want) // 2


def test_epoch_seed_is_distinct_and_stable():
    seeds = {epoch_seed(s, e, r) for s in (0, 1) for e in range(20)
             for r in range(4)}
    assert len(seeds) == 2 * 20 * 4
    assert epoch_seed(7, 3, 1) == epoch_seed(7, 3, 1)
    assert all(0 <= s < 2**32 for s in seeds)


def test_before_train_epoch_seeds_all_generators(tmp_path, ann):
    runner = Runner.from_cfg(
        _cfg(tmp_path / 'w', ann, 2, extra_hooks=[]))
    hook = next(h for h in runner.hooks if type(h).__name__ ==
                'EpochSeedHook')
    runner._train_loop = runner.build_train_loop(runner._train_loop)
    draws = []
    for _ in range(2):
        hook.before_train_epoch(runner)
        draws.append((np.random.rand(), torch.rand(1).item(),
                      runner.train_loop.dataloader.worker_init_fn.keywords[
                          'seed']))
    assert draws[0] == draws[1]
    runner.train_loop._epoch = 1
    hook.before_train_epoch(runner)
    assert np.random.rand() != draws[0][0]
