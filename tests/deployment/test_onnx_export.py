"""ONNX export: onnxruntime agrees with PyTorch and with the test step."""
import copy
import os
import subprocess
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.runner import Runner
from tiny_setup import TINY_MODEL, make_pose_pickle, tiny_cfg

from aclnet_mm.deployment import ScoringModule, export_onnx, onnx_max_abs_diff

pytest.importorskip('onnxruntime')  # the [deploy] extra (in [tests])

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _model():
    torch.manual_seed(0)
    model = MODELS.build(copy.deepcopy(TINY_MODEL))
    model.init_weights()
    with torch.no_grad():  # non-zero dynamic graphs, as after training
        for block in model.backbone.gcn:
            block.gcn.alpha.fill_(0.3)
            block.gcn.beta.fill_(0.2)
    return model.eval()


def test_onnxruntime_matches_torch_at_two_batches_and_frame_counts(
        tmp_path):
    model = _model()
    out = export_onnx(model, str(tmp_path / 'm.onnx'), (2, 1, 2, 8, 25, 3))
    assert os.path.getsize(out) > 0
    assert not [p for p in os.listdir(tmp_path) if p.endswith('.part')]
    gen = torch.Generator().manual_seed(1)
    for batch in (1, 3):
        for frames in (8, 12):
            clips = torch.randn(batch, 2, 2, frames, 25, 3, generator=gen)
            assert onnx_max_abs_diff(out, model, clips) <= 1e-4


def test_class_axis_is_the_fixed_k(tmp_path):
    # the tracer named it 'ReduceMeanscores_dim_1'
    import onnx
    out = export_onnx(_model(), str(tmp_path / 'm.onnx'), (2, 1, 2, 8, 25, 3))
    (scores, ) = onnx.load(out).graph.output
    batch, classes = scores.type.tensor_type.shape.dim
    assert batch.dim_param == 'batch'
    assert classes.WhichOneof('value') == 'dim_value'
    assert classes.dim_value == TINY_MODEL['cls_head']['num_classes'] == 4


@pytest.mark.parametrize('umask', [0o022, 0o027])
def test_file_mode_follows_the_umask(tmp_path, umask):
    # mkstemp's 0600 used to survive the rename
    old = os.umask(umask)
    try:
        out = export_onnx(_model(), str(tmp_path / 'm.onnx'),
                          (1, 1, 2, 8, 25, 3))
    finally:
        os.umask(old)
    assert os.stat(out).st_mode & 0o777 == 0o666 & ~umask


def test_scores_equal_the_test_step():
    model = _model()
    clips = torch.randn(2, 3, 2, 8, 25, 3)  # 3 clips per sample
    samples = [ActionDataSample().set_gt_label(0) for _ in range(2)]
    with torch.no_grad():
        want = model.predict(clips, samples)  # what mim test reports
        got = ScoringModule(model)(clips)
    for score, sample in zip(got, want):
        torch.testing.assert_close(score, sample.pred_score)


def test_cli_exports_and_verifies(tmp_path):
    ann = make_pose_pickle(tmp_path / 'tiny.pkl')
    cfg = tiny_cfg(tmp_path / 'run', ann, max_epochs=1, start_epoch=1)
    Runner.from_cfg(copy.deepcopy(cfg)).train()
    cfg['test_dataloader'] = dict(
        batch_size=1, num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dict(cfg['train_dataloader']['dataset'], split='val',
                     test_mode=True))
    config = tmp_path / 'tiny.py'
    Config(cfg).dump(str(config))
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [ROOT] + [p for p in [env.get('PYTHONPATH')] if p])
    proc = subprocess.run(
        [sys.executable,
         os.path.join(ROOT, 'tools', 'deployment', 'export_onnx.py'),
         str(config), str(tmp_path / 'run' / 'epoch_1.pth'),
         str(tmp_path / 'tiny.onnx'), '--real', '3', '--repeats', '2'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert 'Traceback' not in proc.stderr
    assert proc.stdout.count('max |onnx - torch|') == 5  # 4 random + real
    assert '3 real test clips' in proc.stdout
    assert 'CPU latency per clip' in proc.stdout
