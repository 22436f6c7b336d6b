"""Two-process CPU DDP (torchrun, gloo) through tools/dist_train.sh."""
import os
import pickle
import socket
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from tiny_setup import make_pose_pickle, tiny_cfg

from aclnet_mm.engine import safe_torch_load
from aclnet_mm.models.utils.superclass import build_superclasses

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_process_ddp_identical_superclasses(tmp_path):
    ann = make_pose_pickle(tmp_path / 'tiny.pkl', num_classes=4,
                           per_class=12)
    cfg = tiny_cfg(tmp_path / 'work', ann, max_epochs=3, start_epoch=2,
                   extra_hooks=[dict(type='DDPStateProbe'),
                                dict(type='EpochSeedHook')])
    # random augmentation, so that the resume check below means something
    cfg['train_dataloader']['dataset']['pipeline'].insert(
        0, dict(type='RandomRot', theta=0.3))
    cfg['custom_imports'] = dict(
        imports=['aclnet_mm', 'ddp_probe'], allow_failed_imports=False)
    cfg['model_wrapper_cfg'] = dict(
        type='MMDistributedDataParallel', device_ids=None,
        broadcast_buffers=False, find_unused_parameters=False)
    cfg['env_cfg'] = dict(dist_cfg=dict(backend='nccl'))  # script -> gloo
    cfg['test_dataloader'] = dict(
        batch_size=3,
        num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dict(cfg['train_dataloader']['dataset'], split='val',
                     test_mode=True))
    cfg['test_cfg'] = dict(type='TestLoop')
    cfg['test_evaluator'] = [dict(type='AccMetric')]
    cfg_path = tmp_path / 'tiny_ddp.py'
    Config(cfg).dump(str(cfg_path))
    env = dict(os.environ, PYTHON=sys.executable)
    env['PYTHONPATH'] = os.pathsep.join(
        [os.path.dirname(os.path.abspath(__file__)), ROOT,
         env.get('PYTHONPATH', '')])

    def train(work_dir, *args):
        env['PORT'] = str(_free_port())
        proc = subprocess.run(
            ['bash', os.path.join(ROOT, 'tools', 'dist_train.sh'),
             str(cfg_path), '2', '--work-dir', str(work_dir), *args],
            env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, (proc.stdout[-3000:] +
                                      proc.stderr[-3000:])

    train(tmp_path / 'work')

    ranks = [torch.load(tmp_path / 'work' / f'state_rank{r}.pt')
             for r in (0, 1)]
    a, b = ranks
    assert bool(a['active']) and bool(b['active'])
    for key in ('superclass', 'temperature', 'confusion', 'memory',
                'memory_labels', 'ptr'):
        assert torch.equal(a[key], b[key]), key
    # the ranks counted different batches: their own counts of epoch 2 (the
    # first that counts, before any averaging) differ. (Not those of epoch
    # 3, which a well-trained model may leave at the averaged table on both
    # ranks; one process on the same data counted 21 to 40 in epoch 2 and
    # 4 to 34 in epoch 3 over seeds 0-4 with 1 and 2 threads.)
    assert len(a['locals']) == 3 and not a['locals'][0].any()
    assert not torch.equal(a['locals'][1], b['locals'][1])
    # the table is the one built from the counts summed over both ranks
    summed = a['local'] + b['local']
    torch.testing.assert_close(a['confusion'], summed / 2)
    assert torch.equal(a['superclass'],
                       build_superclasses(summed, num_neighbors=2,
                                          coincidence=0))

    # stopped after epoch 2 and resumed with 2 processes: the same end state
    train(tmp_path / 'split', '--cfg-options', 'train_cfg.max_epochs=2')
    train(tmp_path / 'split', '--resume')
    want = safe_torch_load(tmp_path / 'work' / 'epoch_3.pth')['state_dict']
    got = safe_torch_load(tmp_path / 'split' / 'epoch_3.pth')['state_dict']
    assert set(got) == set(want)
    for name, value in want.items():
        assert torch.equal(got[name], value), name

    # multi-process testing of the checkpoint through tools/dist_test.sh
    dump = tmp_path / 'results.pkl'
    env['PORT'] = str(_free_port())
    proc = subprocess.run(
        ['bash', os.path.join(ROOT, 'tools', 'dist_test.sh'),
         str(cfg_path), str(tmp_path / 'work' / 'epoch_3.pth'), '2',
         '--dump', str(dump), '--work-dir', str(tmp_path / 'test')],
        env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    assert len(results) == 16  # every val sample once, padding removed
    assert all(r['pred_score'].shape == (4, ) for r in results)
