"""--resume with a changed schedule follows the config's, and says so."""
import itertools
import math
import os

import pytest
import torch
from mmaction.registry import HOOKS
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner
from tiny_setup import make_pose_pickle, tiny_cfg

from aclnet_mm.engine.hooks import param_scheduler_resume_hook as module

ROOT = os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
LR = 0.05  # tiny_cfg's SGD
ITERS = 4  # 16 train samples in batches of 4
_RUNS = itertools.count()  # runners built in one second need their own name


@HOOKS.register_module(force=True)
class _LrProbe(Hook):
    """Records (iteration, lr) before every training iteration."""

    priority = 'LOWEST'

    def __init__(self):
        self.lrs = []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.lrs.append(
            (runner.iter, runner.optim_wrapper.param_groups[0]['lr']))


def _cfg(work_dir, ann, max_epochs, hook='ParamSchedulerResumeHook',
         resume_from=None):
    cfg = tiny_cfg(work_dir, ann, max_epochs=max_epochs, start_epoch=2)
    cfg['param_scheduler'] = [
        dict(type='CosineAnnealingLR', eta_min=0, T_max=max_epochs,
             by_epoch=True, convert_to_iter_based=True)
    ]  # as in configs/_base_/schedules/sgd_cosine_150e.py
    cfg['default_hooks']['param_scheduler'] = dict(type=hook)
    cfg['experiment_name'] = f'schedule_{next(_RUNS)}'
    if resume_from is not None:
        cfg.update(resume=True, load_from=str(resume_from))
    return cfg


def _train(cfg):
    runner = Runner.from_cfg(cfg)
    probe = _LrProbe()
    runner.register_hook(probe)
    runner.train()
    return runner, dict(probe.lrs)


def _cosine(i, total):
    """Closed form of the per-iteration cosine from LR to 0."""
    return 0.5 * LR * (1 + math.cos(math.pi * i / total))


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp('schedule')
    ann = make_pose_pickle(root / 'tiny.pkl')
    straight = _train(_cfg(root / 'straight', ann, 3))  # unbroken, 3 epochs
    _train(_cfg(root / 'short', ann, 2))  # 2 epochs with max_epochs=2
    return root, ann, straight


def _logged(monkeypatch):
    lines = []
    original = module.print_log
    monkeypatch.setattr(
        module, 'print_log',
        lambda msg, **kw: (lines.append(msg), original(msg, **kw)))
    return lines


def test_raised_max_epochs_continues_the_new_schedule(runs, tmp_path,
                                                      monkeypatch):
    root, ann, (straight, straight_lrs) = runs
    lines = _logged(monkeypatch)
    resumed, lrs = _train(
        _cfg(tmp_path, ann, 3, resume_from=root / 'short' / 'epoch_2.pth'))
    assert sorted(lrs) == [8, 9, 10, 11]  # epoch 3 only
    for i, lr in lrs.items():
        # what an unbroken 3-epoch run has at this iteration ...
        assert lr == pytest.approx(_cosine(i, 3 * ITERS), rel=1e-9), i
        assert lr == straight_lrs[i], i  # ... bit for bit
    assert lrs[8] == pytest.approx(LR / 4)  # cos(2 pi / 3) = -1/2
    (line, ) = lines
    assert line.startswith(
        "ParamSchedulerResumeHook: the config's parameter schedule differs "
        "from the checkpoint's (CosineAnnealingLR (per iteration): T_max 8 "
        "-> 12, end 8 -> 12). Following the config's schedule from "
        'iteration 8 (after epoch 2) on, as an unbroken run with this config '
        f'has it there: lr {_cosine(7, 8):.6g} -> 0.0125. The earlier '
        "iterations ran with the checkpoint's schedule."), line
    # the checkpoint of epoch 3 holds the new schedule, stepped to its end
    state = resumed.param_schedulers[0].state_dict()
    want = straight.param_schedulers[0].state_dict()
    for key in ('T_max', 'end', 'last_step', '_global_step', '_last_value'):
        assert state[key] == want[key], key


def test_mmengine_alone_keeps_the_checkpoints_schedule(runs, tmp_path):
    # the control: without the hook epoch 3 trains at the last lr of the
    # 2-epoch cosine, so the test above can fail
    root, ann, _ = runs
    _, lrs = _train(
        _cfg(tmp_path, ann, 3, hook='ParamSchedulerHook',
             resume_from=root / 'short' / 'epoch_2.pth'))
    assert sorted(lrs) == [8, 9, 10, 11]
    for lr in lrs.values():
        assert lr == pytest.approx(_cosine(7, 8), rel=1e-9)


def test_unchanged_schedule_resumes_bit_for_bit_and_silently(
        runs, tmp_path, monkeypatch):
    root, ann, (straight, straight_lrs) = runs
    lines = _logged(monkeypatch)
    resumed, lrs = _train(
        _cfg(tmp_path, ann, 3,
             resume_from=root / 'straight' / 'epoch_2.pth'))
    assert lines == []
    assert lrs == {i: straight_lrs[i] for i in (8, 9, 10, 11)}
    want = straight.model.state_dict()
    for name, value in resumed.model.state_dict().items():
        assert torch.equal(value, want[name]), name


def test_a_plateau_scheduler_refuses_a_changed_schedule(runs, tmp_path):
    root, ann, _ = runs
    cfgs = []
    for epochs in (2, 3):
        cfg = _cfg(tmp_path / 'p', ann, epochs)
        cfg['param_scheduler'].append(
            dict(type='ReduceOnPlateauLR', monitor='loss', rule='less'))
        cfgs.append(cfg)
    _train(cfgs[0])
    cfgs[1].update(resume=True)
    with pytest.raises(RuntimeError,
                       match=r'T_max 8 -> 12.*ReduceOnPlateau.*cannot be '
                       r'replayed to iteration 8'):
        _train(cfgs[1])


def test_the_base_runtime_uses_it():
    cfg = Config.fromfile(os.path.join(ROOT, 'configs', 'aclnet_demo.py'))
    assert cfg.default_hooks.param_scheduler.type == \
        'ParamSchedulerResumeHook'
