import json
import os.path as osp
import pickle

import numpy as np
import pytest
from mmaction.registry import DATASETS
from tool_loader import load_tool

from aclnet_mm.datasets.converters import (BadSampleError, ConversionError,
                                           convert_kinetics_json, write_pickle)
from .cli_helpers import run_refusing_then_overwriting

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
    write_pickle(convert_kinetics_json(str(tmp_path / 'json')).data, out)
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
    # x = 1.6 of joint 0, frame 2: beyond the accepted [-0.5, 1.5]
    'out of range': (_with(1, pose=[1.6, 0.4] + [0.5] * 34), [
        '1 joints far outside the 340x256 image',
        'person 0, frame index 1, joint 0',
        'normalised (1.6, 0.4)', 'accepted: [-0.5, 1.5]'
    ]),
    'non-finite': (_with(1, score=[0.5] * 17 + [float('inf')]),
                   ['sample bad', '1 non-finite', 'person 0', 'frame index 1',
                    'joint 17']),
}

#: The ``BadSampleError.kind`` of each case of :data:`BAD`.
BAD_KIND = {
    'truncated': 'unreadable',
    'joint count': 'unreadable',
    'empty': 'empty',
    'no data': 'unreadable',
    'unknown label': 'label',
    'non-numeric': 'unreadable',
    'frame index': 'unreadable',
    'out of range': 'range',
    'non-finite': 'non-finite',
}


@pytest.mark.parametrize('kind', sorted(BAD))
def test_bad_input_names_file_and_frame(tmp_path, kind):
    content, needles = BAD[kind]
    path = _write(tmp_path, 'bad', content)
    with pytest.raises(BadSampleError) as info:
        convert_kinetics_json(str(tmp_path))
    assert info.value.kind == BAD_KIND[kind]
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
    return load_tool(TOOL)


@pytest.mark.parametrize('kind',
                         ['truncated', 'joint count', 'empty', 'out of range'])
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
    assert f"1 skipped {{'{BAD_KIND[kind]}': 1}}" in capsys.readouterr().out
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert data['split'] == dict(train=['good'])


def test_cli_in_process(tmp_path, capsys):
    _write(tmp_path / 'json' / 'val', 'vid1', CLIP)
    out = tmp_path / 'k.pkl'
    _load_tool().main([
        str(tmp_path / 'json'),
        str(out), '--img-shape', '512', '680', '--max-person', '1'
    ])
    assert '1 samples (1 labels), 4 frames' in capsys.readouterr().out
    with open(out, 'rb') as f:
        (anno, ) = pickle.load(f)['annotations']
    assert anno['keypoint'].shape == (1, 4, 18, 2)
    assert anno['img_shape'] == (512, 680)


def test_out_of_range_skipped_with_count(tmp_path):
    _write(tmp_path, 'good', CLIP)
    _write(tmp_path, 'far', _with(1, pose=[0.5] * 35 + [-0.6]))
    _write(tmp_path, 'wide', _with(0, pose=[1.51, 0.5] + [0.5] * 34))
    with pytest.raises(BadSampleError, match='far outside') as info:
        convert_kinetics_json(str(tmp_path))
    assert info.value.kind == 'range'
    assert info.value.path == str(tmp_path / 'far.json')
    assert 'joint 17' in str(info.value)
    result = convert_kinetics_json(str(tmp_path), skip_bad=True)
    assert [a['frame_dir'] for a in result.data['annotations']] == ['good']
    s = result.summary()
    assert (s['skipped'], s['skipped_by_kind']) == (2, dict(range=2))
    # the margin's borders are inside, and so is a slight overshoot (1.1)
    _write(tmp_path, 'far', _with(1, pose=[-0.5, 1.5] * 18))
    _write(tmp_path, 'wide', _with(0, pose=[1.5, -0.5] + [1.1] * 34))
    assert convert_kinetics_json(str(tmp_path)).summary()['samples'] == 3


def test_cli_refuses_existing_output_without_overwrite(tmp_path, capsys):
    _write(tmp_path / 'json' / 'val', 'vid1', CLIP)
    out = tmp_path / 'k.pkl'
    data = run_refusing_then_overwriting(
        _load_tool().main, [str(tmp_path / 'json'), str(out)], out, capsys)
    assert data['split'] == dict(val=['vid1'])
