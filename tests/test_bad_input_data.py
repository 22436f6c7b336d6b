"""Bad data files end to end: a pickle that would run code, an empty,
truncated or folder ``ann_file``, an absurd keypoint; each stops with one
error naming the file, and no payload runs."""
import itertools
import os
import pickle

import numpy as np
import pytest
from infer_fixture import (pose_pickle, random_checkpoint, save_config,
                           tiny_config, write_ntu_skeleton)
from mmengine.runner import Runner
from pickle_payloads import REFUSED, assert_refused, dump_payload
from tiny_setup import make_pose_pickle, tiny_cfg
from tool_loader import load_tool

from aclnet_mm.datasets import InvalidSampleError
from aclnet_mm.utils.safe_pickle import PickleFileError, UnsafePickleError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_RUNS = itertools.count()


def _checked_cfg(tmp_path, ann_file):
    cfg = tiny_cfg(tmp_path / 'run', ann_file, max_epochs=1, start_epoch=1)
    cfg['train_dataloader']['dataset'].update(
        type='CheckedPoseDataset',
        num_classes=4,
        num_joints=25,
        num_channels=3)
    return cfg


def _train(cfg):
    cfg['experiment_name'] = f'bad_input_data_{next(_RUNS)}'
    Runner.from_cfg(cfg).train()


def _annotation_file_with(obj, path):
    """The tiny annotation file with ``obj`` in its first annotation."""
    with open(make_pose_pickle(path), 'rb') as f:
        data = pickle.load(f)
    data['annotations'][0]['note'] = obj
    return data


def test_training_config_refuses_ann_file_that_would_run_code(tmp_path):
    for kind in sorted(REFUSED):
        marker = tmp_path / f'pwned_{kind}'
        ann = dump_payload(
            tmp_path / 'anno.pkl', kind, marker,
            lambda obj: _annotation_file_with(obj, tmp_path / 'anno.pkl'))
        with pytest.raises(UnsafePickleError) as err:
            _train(_checked_cfg(tmp_path, ann))
        assert_refused(err.value, ann, kind, marker)
        assert not list((tmp_path / 'run').glob('**/*.pth'))


def test_training_config_with_unreadable_or_empty_ann_file(tmp_path):
    good = make_pose_pickle(tmp_path / 'good.pkl')
    with open(good, 'rb') as f:
        whole = f.read()
    (tmp_path / 'cut.pkl').write_bytes(whole[:len(whole) // 2])
    (tmp_path / 'empty.pkl').write_bytes(b'')
    (tmp_path / 'dir.pkl').mkdir()
    for name, message in (('cut.pkl', 'cannot be read as a pickle '
                           r'\(truncated or corrupt\?\): UnpicklingError'),
                          ('empty.pkl', r'is empty \(0 bytes\)'),
                          ('dir.pkl', 'is a folder, not a pickle file')):
        ann = tmp_path / name
        with pytest.raises(
                PickleFileError, match=f'^annotation file {ann} {message}'):
            _train(_checked_cfg(tmp_path, ann))
    with open(tmp_path / 'none.pkl', 'wb') as f:
        pickle.dump(dict(split=dict(train=[], val=[]), annotations=[]), f)
    with pytest.raises(
            ValueError,
            match=f'^annotation file {tmp_path}/none.pkl holds no '
            "annotation \\(its 'annotations' list is empty\\)$"):
        _train(_checked_cfg(tmp_path, tmp_path / 'none.pkl'))


def test_training_config_names_an_absurd_keypoint(tmp_path):
    ann = make_pose_pickle(tmp_path / 'huge.pkl')
    with open(ann, 'rb') as f:
        data = pickle.load(f)
    data['annotations'][1]['keypoint'][0, 3, 7, 2] = 1e30
    with open(ann, 'wb') as f:
        pickle.dump(data, f)
    with pytest.raises(
            InvalidSampleError,
            match=f"^{ann}: sample 'c0_1' has 1 keypoint values "
            r'beyond \+-1e\+06 \(e.g. 1e\+30 at person 0, frame 3, '
            'joint 7\\)'):
        _train(_checked_cfg(tmp_path, ann))
    assert not list((tmp_path / 'run').glob('**/*.pth'))


@pytest.fixture
def infer_setup(tmp_path):
    cfg = tiny_config('3d', tmp_path / 'unused.pkl')
    config = save_config(cfg, tmp_path / 'tiny.py')
    ckpt = random_checkpoint(cfg, tmp_path / 't.pth')
    return config, ckpt


def test_infer_cli_refuses_pickle_that_would_run_code(infer_setup, tmp_path,
                                                      capsys):
    config, ckpt = infer_setup
    tool = load_tool(os.path.join(ROOT, 'tools', 'infer.py'))
    good = pose_pickle(tmp_path / 'good.pkl', '3d')
    with open(good, 'rb') as f:
        data = pickle.load(f)
    for kind in sorted(REFUSED):
        marker = tmp_path / f'pwned_{kind}'
        bad = dump_payload(tmp_path / 'bad.pkl', kind, marker,
                           lambda obj: dict(data, note=obj))
        assert tool.main([config, ckpt, bad]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(
            f'error: refused to load skeleton pickle {bad}: it needs the '
            f"global '{REFUSED[kind]}'")
        assert not marker.exists()


def test_infer_cli_reads_ntu_file_of_any_name(infer_setup, tmp_path, capsys):
    config, ckpt = infer_setup
    tool = load_tool(os.path.join(ROOT, 'tools', 'infer.py'))
    write_ntu_skeleton(tmp_path / 'S001C001P001R001A001.skeleton', frames=7)
    write_ntu_skeleton(tmp_path / 'my_recording.skeleton', frames=7)
    assert tool.main([
        config, ckpt,
        str(tmp_path / 'my_recording.skeleton'),
        str(tmp_path / 'S001C001P001R001A001.skeleton')
    ]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in out[1:3]}
    # same content, same prediction: only the name differs
    assert rows['my_recording'] == rows['S001C001P001R001A001']
    assert '2 sequence(s) from 2 file(s)' in out[-1]


def test_opengait_converter_stops_on_pickle_that_would_run_code(
        tmp_path, capsys):
    from aclnet_mm.datasets.converters import ConversionError
    from aclnet_mm.datasets.converters.convert import convert_gait
    tool = load_tool(os.path.join(ROOT, 'tools', 'data', 'casia_b_to_pkl.py'))
    src = tmp_path / 'src'
    rng = np.random.default_rng(0)
    for sid in ('001', '075'):
        folder = src / sid / 'nm-01' / '090'
        folder.mkdir(parents=True)
        with open(folder / '090.pkl', 'wb') as f:
            pickle.dump(rng.uniform(1, 100, size=(4, 17, 3)), f)
    bad_dir = src / '075' / 'bg-01' / '000'
    bad_dir.mkdir(parents=True)
    out = tmp_path / 'out.pkl'
    for kind in sorted(REFUSED):
        marker = tmp_path / f'pwned_{kind}'
        bad = dump_payload(bad_dir / '000.pkl', kind, marker)
        for skip_bad in (False, True):  # never skipped: the run stops
            with pytest.raises(ConversionError) as err:
                convert_gait(str(src), 'opengait-pkl', skip_bad=skip_bad)
            assert_refused(err.value, bad, kind, marker)
            assert str(
                err.value).startswith(f'refused to load OpenGait pickle {bad}')
        with pytest.raises(SystemExit) as exit_info:
            tool.main(
                [str(src), '--format', 'opengait-pkl',
                 str(out), '--skip-bad'])
        assert str(
            exit_info.value.code) == (f'error: {err.value}\n(nothing written)')
        assert not out.exists() and not marker.exists()
