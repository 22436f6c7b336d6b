"""tools/convert_reference_checkpoint.py, and the tools that take its
output: infer.py, infer_video.py, deployment/export_onnx.py."""
import json
import os

import numpy as np
import pytest
from infer_fixture import (save_config, stub_coco_poses, tiny_config,
                           write_ntu_skeleton, write_video)
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from reference_fixture import (ROOT, load_manifest, random_state,
                               reference_spec_of, save_reference)
from tool_loader import load_tool

from aclnet_mm.engine import safe_torch_load
from aclnet_mm.engine.safe_loading import TRUST_ENV


@pytest.fixture(autouse=True)
def _safe(monkeypatch):
    monkeypatch.delenv(TRUST_ENV, raising=False)


def _convert():
    return load_tool(
        os.path.join(ROOT, 'tools', 'convert_reference_checkpoint.py'))


def _converted(tmp_path, kind):
    """A tiny config of ``kind`` and its converted reference checkpoint."""
    cfg = tiny_config(kind, tmp_path / 'unused.pkl')
    config = save_config(cfg, tmp_path / 'tiny.py')
    init_default_scope('mmaction')
    spec = reference_spec_of(MODELS.build(cfg.model))
    src = save_reference(random_state(spec), tmp_path / 'ref.pth')
    dst = str(tmp_path / 'converted.pth')
    assert _convert().main([src, dst, '--config', config]) == 0
    return config, dst


def test_cli_prints_the_accounting(tmp_path, capsys):
    config, spec = load_manifest(20)
    src = save_reference(random_state(spec), tmp_path / 'best.pth')
    dst = tmp_path / 'k400_j.pth'
    assert _convert().main([src, str(dst), '--config', config]) == 0
    out = capsys.readouterr().out
    assert f'{src} -> {dst}' in out
    assert '820  backbone.* -> same name' in out
    assert '10  backbone.gcn.<i>.tcn.add_coeff -> same name, first V' in out
    assert ('  backbone.gcn.9.tcn.add_coeff[20:25] [5]: never read: the '
            'reference uses add_coeff[:20] for V=20 joints') in out
    assert ('  cls_head.loss_intra.memory [2048, 256]: loss state; the '
            'reference keeps it outside its checkpoints') in out
    assert out.rstrip().endswith(
        'model tensors: 846 = 836 mapped + 10 not in the source')
    assert 'state_dict' in safe_torch_load(str(dst))


def test_cli_errors_are_one_line_and_write_nothing(tmp_path, capsys):
    _, spec = load_manifest(25)
    src = save_reference(random_state(spec), tmp_path / 'best.pth')
    other_k = os.path.join(ROOT, 'configs', 'ntu120',
                           'aclnet_ntu120-xset_b.py')
    dst = tmp_path / 'out.pth'
    assert _convert().main([src, str(dst), '--config', other_k]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f'error: {src} does not fit the model of ')
    assert '(source: K=60 classes, V=25 joints (nturgb+d), 3 input ' \
        'channels, base width 96; model: K=120 classes, V=25 joints ' \
        '(nturgb+d), 3 input channels, base width 96)' in err
    assert err.count('\n') == 1 and not dst.exists()

    dst.write_bytes(b'old')
    config = os.path.join(ROOT, 'configs', 'ntu60', 'aclnet_ntu60-xsub_jm.py')
    assert _convert().main([src, str(dst), '--config', config]) == 1
    assert capsys.readouterr().err == (
        f'error: {dst} exists; pass --overwrite to replace it\n')
    assert dst.read_bytes() == b'old'
    assert _convert().main([src,
                            str(dst), '--config', config, '--overwrite']) == 0
    assert 'state_dict' in safe_torch_load(str(dst))

    assert _convert().main(
        [str(tmp_path / 'none.pth'),
         str(tmp_path / 'n'), '--config', config]) == 1
    assert 'none.pth is not a file' in capsys.readouterr().err


def test_infer_takes_a_converted_checkpoint(tmp_path):
    config, ckpt = _converted(tmp_path, '3d')
    write_ntu_skeleton(tmp_path / 'S001C001P001R001A001.skeleton', frames=12)
    out = tmp_path / 'result.jsonl'
    infer = load_tool(os.path.join(ROOT, 'tools', 'infer.py'))
    assert infer.main([
        config, ckpt,
        str(tmp_path / 'S001C001P001R001A001.skeleton'), '--out',
        str(out)
    ]) == 0
    row = json.loads(out.read_text())
    assert np.isfinite(row['scores']).all()


def test_infer_video_takes_a_converted_checkpoint(tmp_path):
    config, ckpt = _converted(tmp_path, '2d')  # 17 joints: add_coeff[:17]
    video = write_video(tmp_path / 'in.mp4', frames=24, size=(64, 48))
    kp, scores = stub_coco_poses(24)
    np.savez(tmp_path / 'poses.npz', keypoints=kp, scores=scores)
    out_json = tmp_path / 'timeline.json'
    infer_video = load_tool(os.path.join(ROOT, 'tools', 'infer_video.py'))
    assert infer_video.main([
        config, ckpt, video, '--backend', 'stub', '--poses',
        str(tmp_path / 'poses.npz'), '--window', '16', '--stride', '8',
        '--out-json',
        str(out_json)
    ]) == 0
    assert json.loads(out_json.read_text())['num_frames'] == 24


def test_export_onnx_takes_a_converted_checkpoint(tmp_path, capsys):
    pytest.importorskip('onnxruntime')
    config, ckpt = _converted(tmp_path, '3d')
    export = load_tool(
        os.path.join(ROOT, 'tools', 'deployment', 'export_onnx.py'))
    assert export.main(
        [config, ckpt,
         str(tmp_path / 'tiny.onnx'), '--repeats', '1']) == 0
    assert capsys.readouterr().out.count('max |onnx - torch|') == 4
    assert (tmp_path / 'tiny.onnx').is_file()
