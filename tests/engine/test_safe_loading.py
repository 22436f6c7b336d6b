"""Checkpoints load with weights_only=True; crafted ones are refused."""
import builtins
import os
import subprocess
import sys

import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import Runner
from tiny_setup import make_pose_pickle, tiny_cfg

from aclnet_mm.engine import UnsafeCheckpointError, safe_torch_load
from aclnet_mm.engine.safe_loading import TRUST_ENV, load_from_http

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class _Payload:
    """Unpickling this runs code: it writes a marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (builtins.exec, (f'open({self.marker!r}, "w").close()', ))


class _GetattrPayload:
    """Abuses the getattr that HistoryBuffer's pickles need."""

    def __reduce__(self):
        return (getattr, (HistoryBuffer, '__init__'))


def _evil_checkpoint(path, marker, real=None):
    ckpt = dict(real or dict(state_dict={}, meta=dict(epoch=1, iter=1)))
    ckpt['meta'] = dict(ckpt['meta'], note=_Payload(marker))
    torch.save(ckpt, path)
    return path


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """A real 2-epoch run: its work dir and checkpoint."""
    root = tmp_path_factory.mktemp('safe')
    ann = make_pose_pickle(root / 'tiny.pkl')
    runner = Runner.from_cfg(tiny_cfg(root / 'run', ann, max_epochs=2,
                                      start_epoch=1))
    runner.train()
    return root, ann, root / 'run' / 'epoch_2.pth'


def test_import_sets_no_global_override():
    # the old shim set this for the whole process and its children
    assert 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD' not in os.environ


def test_real_checkpoint_needs_the_allow_list_and_loads(trained):
    _, _, ckpt = trained
    unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(str(ckpt))
    assert 'mmengine.logging.history_buffer.HistoryBuffer' in unsafe
    with pytest.raises(Exception):
        torch.load(ckpt, weights_only=True)  # plain torch refuses it
    loaded = safe_torch_load(ckpt)
    assert loaded['meta']['epoch'] == 2
    hub = loaded['message_hub']['log_scalars']
    assert isinstance(hub['train/loss'], HistoryBuffer)
    loss = hub['train/loss']
    assert loss.statistics('mean') == pytest.approx(float(
        loss.data[0].mean()))


@pytest.mark.parametrize('resume', [True, False])
def test_runner_refuses_crafted_checkpoint(trained, tmp_path, resume):
    root, ann, real = trained
    marker = tmp_path / 'payload_ran'
    evil = _evil_checkpoint(tmp_path / 'evil.pth', marker,
                            real=safe_torch_load(real))
    cfg = tiny_cfg(tmp_path / 'run', ann, max_epochs=3, start_epoch=1)
    cfg.update(resume=resume, load_from=str(evil))
    runner = Runner.from_cfg(cfg)
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        runner.train()
    assert not marker.exists()


def test_test_mode_load_refuses_crafted_checkpoint(trained, tmp_path):
    _, ann, _ = trained
    marker = tmp_path / 'payload_ran'
    evil = _evil_checkpoint(tmp_path / 'evil.pth', marker)
    cfg = tiny_cfg(tmp_path / 'run', ann)
    cfg.update(
        load_from=str(evil),
        test_dataloader=dict(
            cfg['train_dataloader'],
            sampler=dict(type='DefaultSampler', shuffle=False),
            dataset=dict(cfg['train_dataloader']['dataset'], split='val',
                         test_mode=True)),
        test_cfg=dict(type='TestLoop'),
        test_evaluator=[dict(type='AccMetric')])
    with pytest.raises(UnsafeCheckpointError, match='exec'):
        Runner.from_cfg(cfg).test()  # what `mim test --checkpoint` runs
    assert not marker.exists()


def test_restricted_getattr_refuses_other_attributes(tmp_path):
    path = tmp_path / 'getattr.pth'
    torch.save(dict(x=_GetattrPayload()), path)
    with pytest.raises(UnsafeCheckpointError, match='__init__'):
        safe_torch_load(path)


def test_urls_load_safely_too(tmp_path):
    marker = tmp_path / 'payload_ran'
    evil = _evil_checkpoint(tmp_path / 'evil.pth', marker)
    with pytest.raises(UnsafeCheckpointError):
        load_from_http(evil.as_uri(), model_dir=str(tmp_path / 'hub'))
    assert not marker.exists()


def test_show_superclasses_refuses_crafted_checkpoint(tmp_path):
    marker = tmp_path / 'payload_ran'
    evil = _evil_checkpoint(tmp_path / 'evil.pth', marker)
    env = {k: v for k, v in os.environ.items() if k != TRUST_ENV}
    proc = subprocess.run(
        [sys.executable,
         os.path.join(ROOT, 'tools', 'analysis', 'show_superclasses.py'),
         os.path.join(ROOT, 'configs', 'aclnet_demo.py'), str(evil)],
        capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode != 0
    assert 'refused to load checkpoint' in proc.stderr
    assert str(evil) in proc.stderr and 'Traceback' not in proc.stderr
    assert not marker.exists()


def test_explicit_opt_out_loads_a_trusted_legacy_file(tmp_path,
                                                      monkeypatch):
    marker = tmp_path / 'payload_ran'
    evil = _evil_checkpoint(tmp_path / 'legacy.pth', marker)
    monkeypatch.setenv(TRUST_ENV, '1')
    safe_torch_load(evil)
    assert marker.exists()  # the user asked for it: the file's code ran
