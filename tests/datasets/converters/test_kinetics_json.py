import importlib.util
import json
import os.path as osp
import pickle
import subprocess
import sys

import numpy as np
import pytest
from mmaction.registry import DATASETS

from aclnet_mm.datasets.converters import (BadSampleError, ConversionError,
                                           convert_kinetics_json,
                                           dump_pickle_atomic)

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
TOOL = osp.join(REPO, 'tools', 'data', 'kinetics_json_to_pkl.py')


def _person(x, y, score):
    """An OpenPose-18 person at normalised (x + j / 100, y) with a score."""
    pose = []
    for j in range(18):
        pose += [round(x + j / 100, 4), y]
    return dict(pose=pose, score=[score] * 18)


# Frame 1: three persons, listed worst-but-one first; frame 2: one person;
# frame 3: missing from the file; frame 4: nobody.
CLIP = dict(
    data=[
        dict(
            frame_index=1,
            skeleton=[
                _person(0.1, 0.2, 0.5),
                _person(0.5, 0.5, 0.9),
                _person(0.7, 0.1, 0.1)
            ]),
        dict(frame_index=2, skeleton=[_person(0.3, 0.4, 0.6)]),
        dict(frame_index=4, skeleton=[]),
    ],
    label='dancing',
    label_index=7)


def _write(folder, name, clip):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'{name}.json'
    path.write_text(clip if isinstance(clip, str) else json.dumps(clip))
    return path


def _pixels(person, h=256, w=340):
    return np.array(person['pose']).reshape(18, 2) * (w, h)


def test_persons_ranked_and_missing_frames_zero(tmp_path):
    _write(tmp_path / 'train', 'vid1', CLIP)
    result = convert_kinetics_json(str(tmp_path))
    (anno, ) = result.data['annotations']
    assert anno['frame_dir'] == 'vid1'
    assert anno['label'] == 7
    assert anno['total_frames'] == 4
    assert anno['img_shape'] == anno['original_shape'] == (256, 340)
    kp, score = anno['keypoint'], anno['keypoint_score']
    assert kp.dtype == score.dtype == np.float32
    assert kp.shape == (2, 4, 18, 2) and score.shape == (2, 4, 18)
    persons = CLIP['data'][0]['skeleton']
    np.testing.assert_allclose(kp[0, 0], _pixels(persons[1]), rtol=1e-6)
    np.testing.assert_allclose(kp[1, 0], _pixels(persons[0]), rtol=1e-6)
    np.testing.assert_allclose(
        kp[0, 1], _pixels(CLIP['data'][1]['skeleton'][0]), rtol=1e-6)
    np.testing.assert_allclose(score[:, 0, 0], [0.9, 0.5])
    assert not kp[1, 1].any() and not kp[:, 2:].any()
    assert not score[:, 2:].any()
    assert result.data['split'] == dict(train=['vid1'])
    assert result.summary()['empty_frames'] == 2


def test_img_shape_and_max_person(tmp_path):
    _write(tmp_path, 'vid1', CLIP)
    result = convert_kinetics_json(
        str(tmp_path), max_person=1, img_shape=(100, 200), split='mine')
    (anno, ) = result.data['annotations']
    assert anno['keypoint'].shape == (1, 4, 18, 2)
    np.testing.assert_allclose(
        anno['keypoint'][0, 0],
        _pixels(CLIP['data'][0]['skeleton'][1], 100, 200),
        rtol=1e-6)
    assert anno['img_shape'] == (100, 200)
    assert result.data['split'] == dict(mine=['vid1'])


def test_splits_from_folders_and_label_table_ignored(tmp_path):
    _write(tmp_path / 'kinetics_train', 'a', CLIP)
    _write(tmp_path / 'kinetics_val', 'b', CLIP)
    _write(tmp_path / 'kinetics_val' / 'nested', 'c', CLIP)
    _write(tmp_path, 'd', CLIP)
    _write(tmp_path, 'kinetics_val_label',
           dict(b=dict(has_skeleton=True, label='x', label_index=3)))
    result = convert_kinetics_json(str(tmp_path))
    assert result.data['split'] == dict(
        kinetics_train=['a'],
        kinetics_val=['b', 'c'],
        **{tmp_path.name: ['d']})
    assert len(result.data['annotations']) == 4


def test_label_maps(tmp_path):
    _write(tmp_path / 'val', 'vid1', CLIP)
    names = tmp_path / 'classes.txt'
    names.write_text('abseiling\ndancing\n\n')
    (anno, ) = convert_kinetics_json(
        str(tmp_path), label_map_file=str(names)).data['annotations']
    assert anno['label'] == 1
    table = _write(
        tmp_path, 'val_label',
        dict(vid1=dict(has_skeleton=True, label='x', label_index=42)))
    (anno, ) = convert_kinetics_json(
        str(tmp_path), label_map_file=str(table)).data['annotations']
    assert anno['label'] == 42
    with pytest.raises(ConversionError, match='label_index'):
        convert_kinetics_json(
            str(tmp_path), label_map_file=str(tmp_path / 'val' / 'vid1.json'))


def test_loads_in_pose_dataset(tmp_path):
    _write(tmp_path / 'json' / 'train', 'vid1', CLIP)
    _write(tmp_path / 'json' / 'val', 'vid2', CLIP)
    out = str(tmp_path / 'k.pkl')
    dump_pickle_atomic(convert_kinetics_json(str(tmp_path / 'json')).data, out)
    pipeline = [
        dict(type='PreNormalize2D'),
        dict(type='GenSkeFeat', dataset='openpose', feats=['j']),
        dict(type='UniformSampleFrames', clip_len=8),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs')
    ]
    ds = DATASETS.build(
        dict(type='PoseDataset', ann_file=out, pipeline=pipeline, split='val'))
    assert len(ds) == 1
    item = ds[0]
    assert tuple(item['inputs'].shape) == (1, 2, 8, 18, 3)
    assert item['data_samples'].gt_label.item() == 7


def _with(frame, **person):
    clip = json.loads(json.dumps(CLIP))
    clip['data'][frame]['skeleton'][0].update(person)
    return clip


BAD = {
    # kind: (content, what the message must contain)
    'truncated': (json.dumps(CLIP, indent=1)[:300], ['line ', 'invalid JSON']),
    'joint count':
    (_with(1, pose=[0.5] * 34), ['frame 2', 'person 0', '(34,)', '18 joints']),
    'empty': (dict(CLIP,
                   data=[dict(frame_index=1,
                              skeleton=[])]), ['empty sequence', 'no person']),
    'no data': (dict(label_index=3), ['"data" list']),
    'unknown label': (dict(CLIP,
                           label_index=None), ['unknown label',
                                               'label_index']),
    'non-numeric':
    (_with(0, score=['high'] * 18), ['frame 1', 'person 0', 'non-numeric']),
    'frame index': (dict(CLIP,
                         data=[dict(frame_index='1',
                                    skeleton=[])]), ['data[0]',
                                                     'frame_index']),
}


@pytest.mark.parametrize('kind', sorted(BAD))
def test_bad_input_names_file_and_frame(tmp_path, kind):
    content, needles = BAD[kind]
    path = _write(tmp_path, 'bad', content)
    with pytest.raises(BadSampleError) as info:
        convert_kinetics_json(str(tmp_path))
    message = str(info.value)
    assert message.startswith(str(path))
    for needle in needles:
        assert needle in message


def test_unknown_class_name(tmp_path):
    _write(tmp_path / 'val', 'vid1', dict(CLIP, label='skating'))
    names = tmp_path / 'classes.txt'
    names.write_text('dancing\n')
    with pytest.raises(BadSampleError, match="unknown label 'skating'"):
        convert_kinetics_json(str(tmp_path), label_map_file=str(names))


def _load_tool():
    spec = importlib.util.spec_from_file_location('kinetics_json_to_pkl', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('kind', ['truncated', 'joint count', 'empty'])
def test_cli_writes_nothing_on_error_and_skips_on_request(
        tmp_path, capsys, kind):
    _write(tmp_path / 'json' / 'train', 'good', CLIP)
    _write(tmp_path / 'json' / 'train', 'bad', BAD[kind][0])
    out = tmp_path / 'out' / 'k.pkl'
    tool = _load_tool()
    with pytest.raises(SystemExit) as info:
        tool.main([str(tmp_path / 'json'), str(out)])
    assert 'bad.json' in str(info.value.code)
    assert not out.parent.exists()

    tool.main([str(tmp_path / 'json'), str(out), '--skip-bad'])
    assert '1 skipped' in capsys.readouterr().out
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert data['split'] == dict(train=['good'])


def test_cli_subprocess(tmp_path):
    _write(tmp_path / 'json' / 'val', 'vid1', CLIP)
    out = tmp_path / 'k.pkl'
    proc = subprocess.run([
        sys.executable, TOOL,
        str(tmp_path / 'json'),
        str(out), '--img-shape', '512', '680', '--max-person', '1'
    ],
                          capture_output=True,
                          text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert '1 samples' in proc.stdout
    with open(out, 'rb') as f:
        (anno, ) = pickle.load(f)['annotations']
    assert anno['keypoint'].shape == (1, 4, 18, 2)
    assert anno['img_shape'] == (512, 680)
