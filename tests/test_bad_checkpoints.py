"""A checkpoint of another model, or a broken file, is one clear error.

Every entry point that loads a checkpoint for use is given the checkpoint
of a model with other joints (V), other input channels (C) or another class
count (K): each stops with one message naming keys and shapes (checkpoint
vs model) and the model the checkpoint seems to be of, and writes nothing.
"""
import copy
import glob
import logging
import os
import zipfile

import numpy as np
import pytest
import torch
from infer_fixture import (pose_pickle, random_checkpoint, save_config,
                           tiny_config, write_ntu_skeleton)
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner import Runner
from tiny_setup import TINY_MODEL, make_pose_pickle, tiny_cfg
from tool_loader import load_tool

from aclnet_mm.apis import SkeletonRecognizer
from aclnet_mm.engine import (CheckpointMismatchError, CorruptCheckpointError,
                              load_weights_strict, safe_torch_load)
from aclnet_mm.engine.checkpoint_check import describe

#: The tiny 3D recognizer's variants: (what changes, the message's words).
OTHERS = {
    'V':
    (dict(layout='coco'),
     ['backbone.gcn.0.gcn.A (8, 17, 17) vs (8, 25, 25)',
      'V=17 joints (coco)']),
    'C': (dict(in_channels=8),
          ['backbone.data_bn.weight (200,) vs (75,)', '8 input channels']),
    'K': (dict(num_classes=7),
          ['cls_head.fc.weight (7, 16) vs (3, 16)', 'K=7 classes']),
}


def _other_cfg(cfg, kind):
    """``cfg`` with the model of another V, C or K."""
    cfg = copy.deepcopy(cfg)
    change = OTHERS[kind][0]
    if 'layout' in change:
        cfg.model.backbone.graph_cfg.layout = change['layout']
        cfg.model.cls_head.layout = change['layout']
    if 'in_channels' in change:
        cfg.model.backbone.in_channels = change['in_channels']
    if 'num_classes' in change:
        cfg.model.cls_head.num_classes = change['num_classes']
    return cfg


@pytest.fixture
def tiny(tmp_path):
    """A tiny 3D config file, its checkpoint and an NTU skeleton file."""
    ann = pose_pickle(tmp_path / 'val.pkl', '3d')
    cfg = tiny_config('3d', ann)
    config = save_config(cfg, tmp_path / 'tiny.py')
    ckpt = random_checkpoint(cfg, tmp_path / 'tiny.pth')
    skeleton = tmp_path / 'S001C001P001R001A001.skeleton'
    write_ntu_skeleton(skeleton, frames=10)
    return cfg, config, ckpt, str(skeleton)


def _other_checkpoint(cfg, tmp_path, kind):
    return random_checkpoint(
        _other_cfg(cfg, kind), tmp_path / f'other_{kind}.pth')


def _assert_names(message, kind, source, config=None):
    assert len(message.strip().splitlines()) == 1, message
    assert f'checkpoint {source} does not fit the model of ' in message
    if config:
        assert config in message
    for words in OTHERS[kind][1]:
        assert words in message, message
    assert 'it seems to fit a model with' in message


# ------------------------------------------------------------- the library
@pytest.mark.parametrize('kind', sorted(OTHERS))
def test_library_names_keys_shapes_and_the_fitting_model(tiny, tmp_path, kind):
    cfg, _, _, _ = tiny
    other = _other_checkpoint(cfg, tmp_path, kind)
    model = MODELS.build(copy.deepcopy(cfg.model))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(CheckpointMismatchError) as err:
        load_weights_strict(model, other, target='the model of tiny.py')
    _assert_names(str(err.value), kind, other)
    for key, value in model.state_dict().items():  # nothing loaded
        torch.testing.assert_close(value, before[key], rtol=0, atol=0)


def test_describe_reads_k_v_c_and_width_of_the_paper_model():
    cfg = Config.fromfile(
        os.path.join(
            os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
            'configs', 'aclnet_ntu60.py'))
    state = MODELS.build(cfg.model).state_dict()
    assert dict(describe(state)) == dict(K=60, V=25, C=3, width=96)


class _Collect(logging.Handler):
    """Keeps the messages logged to MMEngine's current logger."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def __enter__(self):
        MMLogger.get_current_instance().addHandler(self)
        return self.messages

    def __exit__(self, *exc):
        MMLogger.get_current_instance().removeHandler(self)


def test_missing_loss_state_is_one_warning_for_test_time_use(tiny):
    cfg, _, ckpt, _ = tiny
    full = safe_torch_load(ckpt)['state_dict']
    kept = {k: v for k, v in full.items() if '.loss_' not in k}
    lost = len(full) - len(kept)
    assert lost > 10  # prototypes, confusion counts, memory bank, ...
    model = MODELS.build(copy.deepcopy(cfg.model))
    with _Collect() as messages:
        load_weights_strict(model, dict(state_dict=kept), source='k.pth')
    assert len(messages) == 1
    assert messages[0].startswith(f'checkpoint k.pth: {lost} loss-state '
                                  'tensor(s) of the model are not in it')
    for key, value in kept.items():
        torch.testing.assert_close(model.state_dict()[key], value)
    # the same file is refused where the loss state matters: resuming
    with pytest.raises(CheckpointMismatchError, match=f'{lost} missing'):
        load_weights_strict(model, dict(state_dict=kept), mode='resume')


# ---------------------------------------------------------------- the API
@pytest.mark.parametrize('kind', sorted(OTHERS))
def test_api_refuses_another_model(tiny, tmp_path, kind):
    cfg, config, _, _ = tiny
    other = _other_checkpoint(cfg, tmp_path, kind)
    with pytest.raises(CheckpointMismatchError) as err:
        SkeletonRecognizer(config, other)
    _assert_names(str(err.value), kind, other, config)


def test_api_refuses_the_onnx_of_another_model(tiny, tmp_path):
    pytest.importorskip('onnxruntime')
    from aclnet_mm.deployment import export_onnx
    cfg, config, _, _ = tiny
    model = MODELS.build(copy.deepcopy(_other_cfg(cfg, 'K').model)).eval()
    onnx = export_onnx(model, str(tmp_path / 'k7.onnx'), (1, 1, 2, 8, 25, 3))
    with pytest.raises(
            CheckpointMismatchError,
            match=r'K=7 classes\); the config has V=25, C=3, '
            r'K=3'):
        SkeletonRecognizer(config, onnx)


# -------------------------------------------------------------- the tools
@pytest.mark.parametrize('kind', sorted(OTHERS))
def test_infer_refuses_another_model_and_writes_nothing(
        tiny, tmp_path, capsys, kind):
    # the old code printed 100+ "size mismatch" lines, then predictions
    _, config, _, skeleton = tiny
    cfg = tiny[0]
    other = _other_checkpoint(cfg, tmp_path, kind)
    out = tmp_path / 'result.jsonl'
    tool = load_tool('tools/infer.py')
    assert tool.main([config, other, skeleton, '--out', str(out)]) == 1
    printed = capsys.readouterr()
    assert printed.out == ''
    (line, ) = printed.err.strip().splitlines()
    assert line.startswith('error: checkpoint ')
    _assert_names(line, kind, other, config)
    assert not out.exists()


@pytest.mark.parametrize('damage', ['empty', 'truncated', 'junk'])
def test_infer_names_an_unreadable_checkpoint(tiny, tmp_path, capsys, damage):
    # the old code: EOFError / PytorchStreamReader tracebacks
    _, config, ckpt, skeleton = tiny
    data = open(ckpt, 'rb').read()
    bad = tmp_path / f'{damage}.pth'
    bad.write_bytes({
        'empty': b'',
        'truncated': data[:len(data) // 2],
        'junk': b'not a checkpoint\n' * 20
    }[damage])
    out = tmp_path / 'result.jsonl'
    tool = load_tool('tools/infer.py')
    assert tool.main([config, str(bad), skeleton, '--out', str(out)]) == 1
    (line, ) = capsys.readouterr().err.strip().splitlines()
    want = {
        'empty':
        f'error: checkpoint {bad} is empty (0 bytes): not a '
        'PyTorch checkpoint',
        'truncated':
        f'error: checkpoint {bad} cannot be read: it is '
        'truncated, corrupted or not a PyTorch checkpoint (RuntimeError: '
        'PytorchStreamReader failed reading zip archive: failed finding '
        'central directory)',
        'junk':
        f'error: checkpoint {bad} cannot be read: it is truncated, '
        'corrupted or not a PyTorch checkpoint ('
    }[damage]
    assert line.startswith(want), line
    assert not out.exists()
    with pytest.raises(CorruptCheckpointError):
        safe_torch_load(bad)


def test_infer_video_refuses_another_model(tmp_path):
    cfg = tiny_config('2d', tmp_path / 'unused.pkl')
    config = save_config(cfg, tmp_path / 'tiny.py')
    other = random_checkpoint(_other_cfg(cfg, 'K'), tmp_path / 'k7.pth')
    out_json = tmp_path / 'timeline.json'
    with pytest.raises(SystemExit) as err:
        load_tool('tools/infer_video.py').main([
            config, other,
            str(tmp_path / 'in.mp4'), '--backend', 'stub', '--poses', 'x.npz',
            '--out-json',
            str(out_json)
        ])
    message = str(err.value)
    assert message.startswith('error: checkpoint ')
    assert 'cls_head.fc.weight (7, 16) vs (3, 16)' in message
    assert len(message.splitlines()) == 1 and not out_json.exists()


@pytest.mark.parametrize('model', ['missing', 'junk', 'zip'])
def test_infer_video_names_a_bad_pose_model(tmp_path, model):
    # the old code: a 34-line MediaPipe traceback (or, without mediapipe,
    # "needs mediapipe" although the file is the problem)
    cfg = tiny_config('2d', tmp_path / 'unused.pkl')
    config = save_config(cfg, tmp_path / 'tiny.py')
    ckpt = random_checkpoint(cfg, tmp_path / 't.pth')
    from infer_fixture import write_video
    video = write_video(tmp_path / 'in.mp4', frames=4)
    task = tmp_path / 'pose.task'
    if model == 'junk':
        task.write_bytes(b'<html>404</html>')
    elif model == 'zip':
        with zipfile.ZipFile(task, 'w') as bundle:
            bundle.writestr('pose_detector.tflite', b'x')
    with pytest.raises(SystemExit) as err:
        load_tool('tools/infer_video.py').main(
            [config, ckpt, video, '--pose-model',
             str(task)])
    message = str(err.value)
    assert len(message.splitlines()) == 1
    want = {
        'missing': 'is not a file',
        'junk': 'is not a PoseLandmarker .task bundle (not a zip archive)',
        'zip': 'it lacks pose_landmarks_detector.tflite'
    }[model]
    assert message.startswith(f'error: the MediaPipe pose model {task} ')
    assert want in message


@pytest.mark.parametrize('kind', ['V', 'K'])
def test_export_onnx_refuses_another_model_and_writes_nothing(
        tiny, tmp_path, kind):
    pytest.importorskip('onnxruntime')
    cfg, config, _, _ = tiny
    other = _other_checkpoint(cfg, tmp_path, kind)
    out = tmp_path / 'onnx' / 'm.onnx'
    out.parent.mkdir()
    with pytest.raises(SystemExit) as err:
        load_tool('tools/deployment/export_onnx.py').main(
            [config, other, str(out)])
    message = str(err.value)
    assert message.startswith('export_onnx.py: checkpoint ')
    _assert_names(message, kind, other, config)
    assert os.listdir(out.parent) == []  # no .onnx, no .part


@pytest.mark.parametrize('command', ['confusion', 'affinity'])
def test_plot_acl_refuses_another_model_and_writes_nothing(
        tiny, tmp_path, command):
    cfg, config, _, _ = tiny
    other = _other_checkpoint(cfg, tmp_path, 'K')
    out = tmp_path / 'figs' / 'f.png'
    with pytest.raises(SystemExit) as err:
        load_tool('tools/analysis/plot_acl.py').main(
            [command, config, other, '--out',
             str(out)])
    message = str(err.value)
    assert message.startswith('plot_acl.py: checkpoint ')
    _assert_names(message, 'K', other, config)
    assert not glob.glob(str(tmp_path / 'figs' / '*'))


# ---------------------------------------------------- MMEngine's Runner
def test_mim_test_refuses_another_model(tiny, tmp_path):
    # the old code logged the size mismatches and reported chance accuracy
    cfg, config, _, _ = tiny
    other = _other_checkpoint(cfg, tmp_path, 'V')
    dump = tmp_path / 'dump.pkl'
    cfg = Config.fromfile(config)  # as `mim test CONFIG --checkpoint` does
    cfg.work_dir = str(tmp_path / 'work')
    cfg.load_from = other
    cfg.test_evaluator = [dict(type='DumpResults', out_file_path=str(dump))]
    with pytest.raises(CheckpointMismatchError) as err:
        Runner.from_cfg(cfg).test()
    _assert_names(str(err.value), 'V', other, config)
    assert not dump.exists()


def test_mim_test_allows_missing_loss_state(tiny, tmp_path):
    cfg, config, ckpt, _ = tiny
    state = safe_torch_load(ckpt)['state_dict']
    lean = tmp_path / 'lean.pth'
    torch.save(
        dict(state_dict={
            k: v
            for k, v in state.items() if '.loss_' not in k
        }), lean)
    dump = tmp_path / 'dump.pkl'
    cfg = Config.fromfile(config)
    cfg.work_dir = str(tmp_path / 'work')
    cfg.load_from = str(lean)
    cfg.test_evaluator = [dict(type='DumpResults', out_file_path=str(dump))]
    runner = Runner.from_cfg(cfg)
    runner.test()
    assert dump.exists()
    for key, value in runner.model.state_dict().items():
        if '.loss_' not in key:
            torch.testing.assert_close(value, state[key])


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """A 1-epoch run of the runner tests' tiny model (K=4, V=25)."""
    root = tmp_path_factory.mktemp('trained')
    ann = make_pose_pickle(root / 'tiny.pkl')
    Runner.from_cfg(tiny_cfg(root / 'run', ann, max_epochs=1,
                             start_epoch=1)).train()
    return ann, root / 'run' / 'epoch_1.pth'


@pytest.fixture
def logged(monkeypatch):
    """Every message the checkpoint check and MMEngine's loader log.

    (Not the run's log file: two Runners started in the same second share
    one MMLogger instance, whose file is then the first run's.)
    """
    import mmengine.runner.checkpoint as mm_checkpoint

    import aclnet_mm.engine.checkpoint_check as check
    messages = []
    for module in (check, mm_checkpoint):
        original = module.print_log

        def record(msg, *args, _original=original, **kwargs):
            messages.append(str(msg))
            return _original(msg, *args, **kwargs)

        monkeypatch.setattr(module, 'print_log', record)
    return messages


def test_load_from_may_change_the_head_only(trained, tmp_path, logged):
    """Fine-tuning a pretrained model on another class count still works;
    the head that is not loaded is one warning."""
    ann, ckpt = trained
    model = copy.deepcopy(TINY_MODEL)
    model['cls_head']['num_classes'] = 6
    pretrained = MODELS.build(model)
    pretrained.load_state_dict(
        {
            k: v
            for k, v in safe_torch_load(ckpt)['state_dict'].items()
            if not k.startswith('cls_head.')
        },
        strict=False)
    path = tmp_path / 'k6.pth'
    torch.save(dict(state_dict=pretrained.state_dict()), path)
    cfg = tiny_cfg(tmp_path / 'run', ann, max_epochs=1, start_epoch=1)
    cfg.update(load_from=str(path))
    cfg['optim_wrapper'] = dict(optimizer=dict(type='SGD', lr=0.))
    runner = Runner.from_cfg(cfg)
    runner.train()
    theirs = pretrained.state_dict()
    for name, value in runner.model.named_parameters():
        if name.startswith('backbone.'):  # loaded (lr 0 keeps them)
            torch.testing.assert_close(value.detach(), theirs[name])
    assert runner.model.cls_head.fc.weight.shape == (4, 16)
    log = '\n'.join(logged)
    assert log.count('so no cls_head tensor is loaded') == 1
    assert 'size mismatch' not in log


@pytest.mark.parametrize('kind', ['V', 'C'])
def test_load_from_refuses_another_backbone(trained, tmp_path, kind):
    ann, _ = trained
    model = copy.deepcopy(TINY_MODEL)
    if kind == 'V':
        model['backbone']['graph_cfg']['layout'] = 'coco'
    else:
        model['backbone']['in_channels'] = 8
    path = tmp_path / 'other.pth'
    torch.save(dict(state_dict=MODELS.build(model).state_dict()), path)
    cfg = tiny_cfg(tmp_path / 'run', ann, max_epochs=1, start_epoch=1)
    cfg.update(load_from=str(path))
    with pytest.raises(CheckpointMismatchError) as err:
        Runner.from_cfg(cfg).train()
    message = str(err.value)
    assert f'checkpoint {path} does not fit' in message
    assert "load_from may differ from the model in cls_head only" in message
    assert not glob.glob(str(tmp_path / 'run' / '*.pth'))


def test_resume_refuses_a_checkpoint_without_loss_state(trained, tmp_path):
    ann, ckpt = trained
    full = safe_torch_load(ckpt)
    full['state_dict'] = {
        k: v
        for k, v in full['state_dict'].items() if '.loss_inter.' not in k
    }
    path = tmp_path / 'epoch_1.pth'
    torch.save(full, path)
    cfg = tiny_cfg(tmp_path / 'run', ann, max_epochs=2, start_epoch=1)
    cfg.update(resume=True, load_from=str(path))
    with pytest.raises(
            CheckpointMismatchError,
            match=r'missing from the checkpoint; missing: '
            r'cls_head\.loss_inter\.'):
        Runner.from_cfg(cfg).train()
    assert not glob.glob(str(tmp_path / 'run' / '*.pth'))


def test_other_models_keep_mmengine_loading(tmp_path):
    """A model without aclnet_mm modules loads as MMEngine loads it."""
    from mmengine.runner.checkpoint import _load_checkpoint_to_model
    from mmengine.runner.runner import \
        _load_checkpoint_to_model as runner_load
    model = torch.nn.Sequential(torch.nn.Linear(2, 3))
    ckpt = dict(state_dict={'0.weight': torch.ones(5, 2)})
    runner_load(model, ckpt)  # MMEngine logs the mismatch, loads the rest
    assert runner_load is not _load_checkpoint_to_model
    assert np.all(model[0].weight.detach().numpy() != 1)
