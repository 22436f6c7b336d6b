import pytest
import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.runner import Runner
from tiny_setup import make_pose_pickle, tiny_cfg

from aclnet_mm.engine.hooks import SuperclassRebuildHook


@HOOKS.register_module(force=True)
class _ScheduleProbe(Hook):
    """Records the inter loss state at every training iteration."""

    priority = 'HIGHEST'
    records = []

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        inter = runner.model.cls_head.loss_inter
        self.records.append(
            dict(
                epoch=runner.epoch + 1,
                counting=bool(inter.counting),
                active=bool(inter.active),
                confusion=float(inter.confusion.sum()),
                loss_inter=float(outputs['loss_inter'].detach()),
                loss_intra=float(outputs['loss_intra'].detach())))


@pytest.fixture
def ann_file(tmp_path):
    return make_pose_pickle(tmp_path / 'tiny.pkl')


def test_schedule_without_validation(tmp_path, ann_file):
    _ScheduleProbe.records = []
    cfg = tiny_cfg(tmp_path / 'run', ann_file, max_epochs=4, start_epoch=2,
                   extra_hooks=[dict(type='_ScheduleProbe')])
    assert not any(k.startswith('val') for k in cfg)  # no validation at all
    runner = Runner.from_cfg(cfg)
    runner.train()
    by_epoch = {}
    for r in _ScheduleProbe.records:
        by_epoch.setdefault(r['epoch'], []).append(r)
    assert sorted(by_epoch) == [1, 2, 3, 4]
    # epoch 1: no counting, no inter loss
    assert not any(r['counting'] or r['active'] for r in by_epoch[1])
    assert all(r['confusion'] == 0 and r['loss_inter'] == 0
               for r in by_epoch[1])
    # epoch 2 (= start_epoch): counting on, loss still off
    assert all(r['counting'] and not r['active'] for r in by_epoch[2])
    assert all(r['loss_inter'] == 0 for r in by_epoch[2])
    # epochs 3, 4: superclasses built after epoch 2, the loss is active; 2
    # neighbours give every class a negative, so each iteration's loss is
    # > 0 (measured minimum 0.07 over seeds 0-4, 1 and 2 threads)
    for epoch in (3, 4):
        assert all(r['counting'] and r['active'] for r in by_epoch[epoch])
        assert all(r['loss_inter'] > 0 for r in by_epoch[epoch])
    # the intra loss becomes active once the memory (12) is full
    assert any(r['loss_intra'] != 0 for r in by_epoch[2])


def test_rebuild_happens_after_every_epoch_from_start(tmp_path, ann_file):
    calls = []

    class Spy(SuperclassRebuildHook):

        def after_train_epoch(self, runner):
            before = runner.model.cls_head.loss_inter.superclass.clone()
            super().after_train_epoch(runner)
            calls.append((runner.epoch + 1, bool(
                runner.model.cls_head.loss_inter.active), before))

    cfg = tiny_cfg(tmp_path / 'run', ann_file, max_epochs=3, start_epoch=2)
    cfg['custom_hooks'] = []
    runner = Runner.from_cfg(cfg)
    runner.register_hook(Spy(start_epoch=2), priority='LOW')
    runner.train()
    assert [(e, a) for e, a, _ in calls] == [(1, False), (2, True),
                                             (3, True)]
    assert not calls[1][2].any()  # nothing built before epoch 2 ended


def _buffers(model):
    return {k: v.clone() for k, v in model.named_buffers()}


def test_resume_restores_state_bit_for_bit(tmp_path, ann_file):
    # uninterrupted: 3 epochs
    straight = Runner.from_cfg(
        tiny_cfg(tmp_path / 'straight', ann_file, max_epochs=3,
                 start_epoch=2))
    straight.train()
    # interrupted after epoch 2, then resumed for epoch 3
    first = Runner.from_cfg(
        tiny_cfg(tmp_path / 'split', ann_file, max_epochs=2, start_epoch=2))
    first.train()
    at_epoch2 = _buffers(first.model)
    assert bool(first.model.cls_head.loss_inter.active)
    # 17 to 20 counts in epoch 2 over seeds 0-4 with 1 and 2 threads
    assert first.model.cls_head.loss_inter.confusion.sum() > 0

    cfg = tiny_cfg(tmp_path / 'split', ann_file, max_epochs=2, start_epoch=2)
    cfg.update(resume=True, load_from=str(tmp_path / 'split' /
                                          'epoch_2.pth'))
    reloaded = Runner.from_cfg(cfg)
    reloaded.train()  # nothing left to train: just resumes
    for name, value in _buffers(reloaded.model).items():
        assert torch.equal(value, at_epoch2[name]), name

    cfg = tiny_cfg(tmp_path / 'split', ann_file, max_epochs=3, start_epoch=2)
    cfg.update(resume=True, load_from=str(tmp_path / 'split' /
                                          'epoch_2.pth'))
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    want = straight.model.state_dict()
    for name, value in resumed.model.state_dict().items():
        assert torch.equal(value, want[name]), name


def test_invalid_arguments():
    with pytest.raises(ValueError):
        SuperclassRebuildHook(start_epoch=0)


@pytest.mark.parametrize('start_epoch, expect', [
    (2, 'confusion counting starts in epoch 2, the inter-class loss is '
     'active from epoch 3 of 3'),
    (3, 'built only after the last epoch'),
    (5, 'start_epoch=5 but max_epochs=3: superclasses are never built'),
])
def test_logs_when_counting_starts_and_warns_if_never(
        tmp_path, ann_file, monkeypatch, start_epoch, expect):
    from aclnet_mm.engine.hooks import superclass_rebuild_hook as module
    logged = []
    monkeypatch.setattr(module, 'print_log',
                        lambda msg, **kw: logged.append(
                            (msg, kw.get('level', 20))))
    runner = Runner.from_cfg(
        tiny_cfg(tmp_path / 'run', ann_file, max_epochs=3,
                 start_epoch=start_epoch))
    runner.train()
    first = logged[0]
    assert expect in first[0]
    assert first[1] == (20 if start_epoch < 3 else 30)
    started = [m for m, _ in logged if 'confusion counting starts' in m and
               m.startswith('Epoch')]
    assert started == ([f'Epoch {start_epoch}: confusion counting starts']
                       if start_epoch <= 3 else [])
