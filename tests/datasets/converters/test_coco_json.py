import json
import os.path as osp
import pickle

import numpy as np
import pytest
from mmaction.registry import DATASETS
from tool_loader import load_tool

from aclnet_mm.datasets.converters import (BadSampleError, ConversionError,
                                           convert_coco_json, write_pickle)
from aclnet_mm.datasets.converters.readers.coco_json import frame_number
from .cli_helpers import run_refusing_then_overwriting

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
TOOL = osp.join(REPO, 'tools', 'data', 'coco_json_to_pkl.py')
PATTERN = r'^(?P<label>\d{3})_'


def _xy(x):
    """17 joints at (x + 10 j, 2 x + j) pixels."""
    j = np.arange(17)
    return np.stack([x + 10. * j, 2. * x + j], axis=1)


def _det(frame, x, score, idx=(0.0, ), kp_score=0.8):
    """An AlphaPose detection; ``idx`` a list means "not tracked"."""
    values = np.concatenate([_xy(x), np.full((17, 1), kp_score)], axis=1)
    return dict(
        image_id=f'{frame}.jpg',
        category_id=1,
        keypoints=values.ravel().tolist(),
        score=score,
        box=[0, 0, 10, 10],
        idx=list(idx) if isinstance(idx, tuple) else idx)


# Frames 3 (two detections, the better one listed second), 4 and 6; frame 5
# is missing. No track IDs (AlphaPose writes idx lists without tracking).
ALPHAPOSE = [
    _det(3, 100., 1.2),
    _det(3, 500., 2.5),
    _det(4, 110., 2.4),
    _det(6, 130., 2.6, kp_score=0.6),
]


def _write(folder, name, content):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        content if isinstance(content, str) else json.dumps(content))
    return path


def _one(result):
    (anno, ) = result.data['annotations']
    return anno


def test_alphapose_by_score_with_missing_frame(tmp_path):
    _write(tmp_path / '007', '007_00_0_0_nm.json', ALPHAPOSE)
    result = convert_coco_json(str(tmp_path), label_pattern=PATTERN)
    anno = _one(result)
    assert anno['frame_dir'] == '007_00_0_0_nm'
    assert anno['label'] == 7
    assert anno['total_frames'] == 4  # frames 3..6
    assert 'img_shape' not in anno
    kp, score = anno['keypoint'], anno['keypoint_score']
    assert kp.dtype == score.dtype == np.float32
    assert kp.shape == (2, 4, 17, 2) and score.shape == (2, 4, 17)
    np.testing.assert_allclose(kp[0, 0], _xy(500.))  # best of frame 3
    np.testing.assert_allclose(kp[1, 0], _xy(100.))
    np.testing.assert_allclose(kp[0, 1], _xy(110.))
    np.testing.assert_allclose(kp[0, 3], _xy(130.))
    assert not kp[:, 2].any() and not kp[1, 1:].any()
    np.testing.assert_allclose(score[0, :, 0], [0.8, 0.8, 0., 0.6])
    assert result.data['split'] == dict(all=['007_00_0_0_nm'])
    assert result.summary()['empty_frames'] == 1


def test_alphapose_by_track_id(tmp_path):
    # Track 5 has the largest summed score, then track 2; track 9 is cut.
    dets = [
        _det(10, 100., 1.0, idx=2),
        _det(10, 300., 2.0, idx=5),
        _det(10, 700., 0.5, idx=9),
        _det(11, 110., 3.0, idx=2),  # beats track 5 in this frame only
        _det(11, 310., 1.0, idx=5),
        _det(12, 320., 2.0, idx=5),
    ]
    _write(tmp_path, '001_walk.json', dets)
    anno = _one(
        convert_coco_json(
            str(tmp_path), label_pattern=PATTERN, img_shape=(1080, 1920)))
    kp = anno['keypoint']
    assert kp.shape == (2, 3, 17, 2)
    for t, x in enumerate((300., 310., 320.)):
        np.testing.assert_allclose(kp[0, t], _xy(x))  # track 5, every frame
    np.testing.assert_allclose(kp[1, 0], _xy(100.))  # track 2
    np.testing.assert_allclose(kp[1, 1], _xy(110.))
    assert not kp[1, 2].any()  # track 2 absent in frame 12
    assert anno['img_shape'] == anno['original_shape'] == (1080, 1920)


def _mmpose_frame(frame_id, xs, scores=None):
    instances = []
    for i, x in enumerate(xs):
        inst = dict(
            keypoints=_xy(x).tolist(),
            keypoint_scores=[0.7] * 17,
            bbox=[[0, 0, 10, 10]])
        if scores is not None:
            inst['bbox_score'] = scores[i]
        instances.append(inst)
    return dict(frame_id=frame_id, instances=instances)


@pytest.mark.parametrize('wrap', [True, False])
def test_mmpose_dump(tmp_path, wrap):
    frames = [
        _mmpose_frame(0, []),
        _mmpose_frame(1, [100., 400.], scores=[0.3, 0.9]),
        _mmpose_frame(3, [120.]),
    ]
    content = dict(meta_info={}, instance_info=frames) if wrap else frames
    _write(tmp_path, 'clip.json', content)
    csv = _write(tmp_path / 'meta', 'labels.csv',
                 'filename,label\nclip.json,wave\n')
    names = _write(tmp_path / 'meta', 'classes.txt', 'walk\nwave\n')
    anno = _one(
        convert_coco_json(
            str(tmp_path), labels_csv=str(csv), class_names=str(names)))
    assert anno['label'] == 1
    assert anno['total_frames'] == 3  # frames 1..3
    kp = anno['keypoint']
    np.testing.assert_allclose(kp[0, 0], _xy(400.))
    np.testing.assert_allclose(kp[1, 0], _xy(100.))
    np.testing.assert_allclose(kp[0, 2], _xy(120.))
    assert not kp[:, 1].any()
    np.testing.assert_allclose(anno['keypoint_score'][0, 0], 0.7)


def test_labels_csv_and_splits_file(tmp_path):
    pose = tmp_path / 'pose'
    for name in ('a', 'b', 'c'):
        _write(pose, f'{name}.json', ALPHAPOSE)
    csv = _write(tmp_path, 'labels.csv', 'a.json,0\nb,2\nc.json,1\n')
    splits = _write(tmp_path, 'splits.txt',
                    '# split file\ntrain a.json\ntrain c\n\nval b.json\n')
    result = convert_coco_json(
        str(pose), labels_csv=str(csv), splits_file=str(splits))
    assert [a['label'] for a in result.data['annotations']] == [0, 2, 1]
    assert result.data['split'] == dict(train=['a', 'c'], val=['b'])
    assert all('filename' not in a for a in result.data['annotations'])

    _write(tmp_path, 'splits.txt', 'train a.json\nval z.json\n')
    with pytest.raises(ConversionError, match='z.json .* not an input'):
        convert_coco_json(
            str(pose), labels_csv=str(csv), splits_file=str(splits))
    _write(tmp_path, 'splits.txt', 'train a.json extra\n')
    with pytest.raises(ConversionError, match='splits.txt, line 1'):
        convert_coco_json(
            str(pose), labels_csv=str(csv), splits_file=str(splits))


def test_skipped_samples_leave_their_split(tmp_path, warnings):
    _write(tmp_path / 'pose', '001_a.json', ALPHAPOSE)
    _write(tmp_path / 'pose', '002_b.json', [])
    _write(tmp_path / 'pose', '003_c.json', [])
    splits = _write(tmp_path, 'splits.txt',
                    'train 001_a\nval 002_b.json\nval 003_c\n')
    result = convert_coco_json(
        str(tmp_path / 'pose'),
        label_pattern=PATTERN,
        splits_file=str(splits),
        skip_bad=True)
    assert result.data['split'] == dict(train=['001_a'], val=[])
    assert len(result.skipped) == 2
    assert result.summary()['skipped_by_kind'] == dict(empty=2)
    listed = [m for m in warnings if 'listed samples' in m]
    assert listed == [f'{splits}: 2 listed samples were skipped, e.g. '
                      '002_b.json']


def test_label_options_are_checked(tmp_path):
    _write(tmp_path, 'a.json', ALPHAPOSE)
    with pytest.raises(ConversionError, match='exactly one'):
        convert_coco_json(str(tmp_path))
    with pytest.raises(ConversionError, match='no \\(\\?P<label>'):
        convert_coco_json(str(tmp_path), label_pattern=r'^(\d+)')
    bad_csv = _write(tmp_path / 'meta', 'labels.csv', 'a.json\n')
    with pytest.raises(ConversionError, match='labels.csv, line 1'):
        convert_coco_json(str(tmp_path), labels_csv=str(bad_csv))


def test_frame_number():
    assert frame_number('12.jpg') == 12
    assert frame_number('cam0/frame_000034.png') == 34
    assert frame_number(7) == 7
    with pytest.raises(ValueError, match='no frame number'):
        frame_number('first.jpg')


def test_loads_in_pose_dataset(tmp_path):
    _write(tmp_path / 'pose', '003_x.json', ALPHAPOSE)
    _write(tmp_path / 'pose', '004_y.json', ALPHAPOSE[2:])
    splits = _write(tmp_path, 'splits.txt', 'train 003_x\nval 004_y\n')
    out = str(tmp_path / 'coco.pkl')
    result = convert_coco_json(
        str(tmp_path / 'pose'),
        label_pattern=PATTERN,
        splits_file=str(splits),
        img_shape=(1080, 1920))
    write_pickle(result.data, out)
    pipeline = [
        dict(type='PreNormalize2D'),
        dict(type='GenSkeFeat', dataset='coco', feats=['j']),
        dict(type='UniformSampleFrames', clip_len=8),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs')
    ]
    ds = DATASETS.build(
        dict(
            type='PoseDataset', ann_file=out, pipeline=pipeline,
            split='train'))
    assert len(ds) == 1
    item = ds[0]
    assert tuple(item['inputs'].shape) == (1, 2, 8, 17, 3)
    assert item['data_samples'].gt_label.item() == 3


def _edit(i, **fields):
    dets = json.loads(json.dumps(ALPHAPOSE))
    dets[i].update(fields)
    return dets


BAD = {
    # kind: (file name, content, what the message must contain)
    'truncated':
    ('001_a.json', json.dumps(ALPHAPOSE,
                              indent=1)[:500], ['line ', 'invalid JSON']),
    'joint count': ('001_a.json', _edit(2, keypoints=[1.0] * 48),
                    ['frame 4', 'detection 2', '(48,)', '17 joints']),
    'empty': ('001_a.json', [], ['empty sequence']),
    'unknown label':
    ('walker_a.json', ALPHAPOSE, ['unknown label', 'label pattern']),
    'non-numeric': ('001_a.json', _edit(0, keypoints=['x'] * 51),
                    ['frame 3', 'detection 0', 'non-numeric']),
    'no frame number': ('001_a.json', _edit(1, image_id='first.jpg'),
                        ['detection 1', 'no frame number']),
    'layout': ('001_a.json', dict(people=[]), ['unknown layout']),
}


#: The ``BadSampleError.kind`` of each case of :data:`BAD`.
BAD_KIND = {
    'truncated': 'unreadable',
    'joint count': 'unreadable',
    'empty': 'empty',
    'unknown label': 'label',
    'non-numeric': 'unreadable',
    'no frame number': 'unreadable',
    'layout': 'unreadable',
}


@pytest.mark.parametrize('kind', sorted(BAD))
def test_bad_input_names_file_and_frame(tmp_path, kind):
    name, content, needles = BAD[kind]
    path = _write(tmp_path, name, content)
    with pytest.raises(BadSampleError) as info:
        convert_coco_json(str(tmp_path), label_pattern=PATTERN)
    assert info.value.kind == BAD_KIND[kind]
    message = str(info.value)
    assert message.startswith(str(path))
    for needle in needles:
        assert needle in message


def test_unknown_labels_from_csv(tmp_path):
    _write(tmp_path / 'pose', 'a.json', ALPHAPOSE)
    csv = _write(tmp_path, 'labels.csv', 'a.json,run\n')
    with pytest.raises(BadSampleError, match=r"'run' \(.*line 1\).*integer"):
        convert_coco_json(str(tmp_path / 'pose'), labels_csv=str(csv))
    names = _write(tmp_path, 'classes.txt', 'walk\n')
    with pytest.raises(BadSampleError, match='not a class of'):
        convert_coco_json(
            str(tmp_path / 'pose'),
            labels_csv=str(csv),
            class_names=str(names))
    _write(tmp_path, 'labels.csv', 'b.json,0\n')
    with pytest.raises(BadSampleError, match='a.json is not in'):
        convert_coco_json(str(tmp_path / 'pose'), labels_csv=str(csv))


def _load_tool():
    return load_tool(TOOL)


@pytest.mark.parametrize('kind', ['truncated', 'joint count', 'empty'])
def test_cli_writes_nothing_on_error_and_skips_on_request(
        tmp_path, capsys, kind):
    pose = tmp_path / 'pose'
    _write(pose, '000_good.json', ALPHAPOSE)
    _write(pose, '001_a.json', BAD[kind][1])
    out = tmp_path / 'out' / 'coco.pkl'
    tool = _load_tool()
    args = [str(pose), str(out), '--label-pattern', PATTERN]
    with pytest.raises(SystemExit) as info:
        tool.main(args)
    assert '001_a.json' in str(info.value.code)
    assert not out.parent.exists()

    tool.main(args + ['--skip-bad'])
    assert f"1 skipped {{'{BAD_KIND[kind]}': 1}}" in capsys.readouterr().out
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert data['split'] == dict(all=['000_good'])


def test_cli_in_process(tmp_path, capsys):
    pose = tmp_path / 'pose'
    _write(pose, 'x.json', ALPHAPOSE)
    csv = _write(tmp_path, 'labels.csv', 'filename,label\nx.json,jump\n')
    names = _write(tmp_path, 'classes.txt', 'walk\njump\n')
    splits = _write(tmp_path, 'splits.txt', 'val x\n')
    out = tmp_path / 'coco.pkl'
    args = [
        str(pose),
        str(out), '--labels-csv',
        str(csv), '--class-names',
        str(names), '--splits-file',
        str(splits), '--max-person', '1', '--img-shape', '720', '1280'
    ]
    _load_tool().main(args)
    assert '1 samples (1 labels)' in capsys.readouterr().out
    with open(out, 'rb') as f:
        data = pickle.load(f)
    (anno, ) = data['annotations']
    assert anno['label'] == 1 and anno['keypoint'].shape == (1, 4, 17, 2)
    assert anno['img_shape'] == (720, 1280)
    assert data['split'] == dict(val=['x'])


def test_cli_refuses_existing_output_without_overwrite(tmp_path, capsys):
    pose = tmp_path / 'pose'
    _write(pose, '001_a.json', ALPHAPOSE)
    out = tmp_path / 'coco.pkl'
    data = run_refusing_then_overwriting(
        _load_tool().main, [str(pose), str(out), '--label-pattern', PATTERN],
        out, capsys)
    assert data['split'] == dict(all=['001_a'])
