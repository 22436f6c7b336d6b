"""The NumPy-array converter: tiny generated .npz files and .npy folders."""
import json
import os.path as osp
import pickle
import re

import numpy as np
import pytest
from tool_loader import load_tool

from aclnet_mm.datasets import CheckedPoseDataset
from aclnet_mm.datasets.converters import (BadSampleError, ConversionError,
                                           convert_arrays)
from .cli_helpers import run_refusing_then_overwriting

TOOL = 'tools/data/arrays_to_pkl.py'
N, T, V = 6, 5, 20  # kinect_v1


def make_arrays(seed=0, persons=None, dtype=np.float16, **extra):
    """Keypoints (N, T, V, 3) (or (N, M, T, V, 3)), labels and subjects."""
    rng = np.random.default_rng(seed)
    shape = (N, T, V, 3) if persons is None else (N, persons, T, V, 3)
    arrays = dict(
        x=rng.normal(size=shape).astype(dtype),
        y=np.array([0, 1, 2, 0, 1, 2], dtype=np.int16),
        subject=np.array([1, 2, 3, 1, 2, 4], dtype=np.int16))
    arrays.update(extra)
    return arrays


def save_npz(tmp_path, arrays, name='set.npz'):
    path = tmp_path / name
    np.savez_compressed(path, **arrays)
    return str(path)


def convert(path, **kwargs):
    kwargs.setdefault('layout', 'kinect_v1')
    return convert_arrays(path, **kwargs).data


def test_round_trip_float16_to_float32(tmp_path):
    arrays = make_arrays()
    data = convert(save_npz(tmp_path, arrays))
    annos = data['annotations']
    assert data['split'] == dict(all=[f'sample_{i:06d}' for i in range(N)])
    for i, anno in enumerate(annos):
        assert anno['frame_dir'] == f'sample_{i:06d}'
        assert anno['label'] == int(arrays['y'][i])
        assert anno['total_frames'] == T
        assert anno['keypoint'].dtype == np.float32
        assert anno['keypoint'].shape == (1, T, V, 3)
        # every float16 value is a float32 value: equal, not close
        np.testing.assert_array_equal(anno['keypoint'][0],
                                      arrays['x'][i].astype(np.float64))
        assert 'keypoint_score' not in anno and 'subject_id' not in anno


def test_folder_of_npy_equals_npz(tmp_path):
    arrays = make_arrays(dtype=np.float64)
    folder = tmp_path / 'npy'
    folder.mkdir()
    for key, value in arrays.items():
        np.save(folder / f'{key}.npy', value)
    from_folder = convert(str(folder), split_key=None)
    from_npz = convert(save_npz(tmp_path, arrays))
    assert from_folder['split'] == from_npz['split']
    for a, b in zip(from_folder['annotations'], from_npz['annotations']):
        np.testing.assert_array_equal(a['keypoint'], b['keypoint'])
        np.testing.assert_array_equal(  # float64 rounded to float32
            a['keypoint'][0],
            arrays['x'][int(a['frame_dir'][-1])].astype(np.float32))


def test_five_d_input_drops_empty_person_slots(tmp_path):
    arrays = make_arrays(persons=2, dtype=np.float32)
    arrays['x'][3, 1] = 0  # sample 3 has one person
    arrays['score'] = np.random.default_rng(1).random(
        (N, 2, T, V)).astype(np.float32)
    result = convert_arrays(
        save_npz(tmp_path, arrays), 'kinect_v1', score_key='score')
    annos = result.data['annotations']
    assert [a['keypoint'].shape[0] for a in annos] == [2, 2, 2, 1, 2, 2]
    np.testing.assert_array_equal(annos[0]['keypoint'], arrays['x'][0])
    np.testing.assert_array_equal(annos[3]['keypoint'], arrays['x'][3, :1])
    np.testing.assert_array_equal(annos[3]['keypoint_score'],
                                  arrays['score'][3, :1])
    assert result.counts['empty_person_slots'] == 1
    assert result.summary()['persons'] == {1: 1, 2: 5}


def test_split_from_booleans_stores_subjects(tmp_path):
    train = np.array([True, False, True, True, False, False])
    path = save_npz(tmp_path, make_arrays(train=train))
    result = convert_arrays(
        path, 'kinect_v1', split_key='train', subject_key='subject')
    names = [a['frame_dir'] for a in result.data['annotations']]
    assert result.data['split'] == dict(
        train=[names[i] for i in (0, 2, 3)],
        test=[names[i] for i in (1, 4, 5)])
    assert [a['subject_id'] for a in result.data['annotations']] == \
        ['1', '2', '3', '1', '2', '4']
    assert result.summary()['subjects'] == dict(train=2, test=2)


def test_split_from_names_and_sample_names(tmp_path):
    arrays = make_arrays(
        part=np.array(['a', 'b', 'a', 'c', 'b', 'a']),
        frame_dir=np.array([f'clip{i}' for i in range(N)]))
    data = convert(save_npz(tmp_path, arrays), split_key='part')
    assert data['split'] == dict(
        a=['clip0', 'clip2', 'clip5'], b=['clip1', 'clip4'], c=['clip3'])


def test_split_by_subject_rule(tmp_path, warnings):
    path = save_npz(tmp_path, make_arrays())
    result = convert_arrays(
        path,
        'kinect_v1',
        subject_key='subject',
        train_subjects='1-2',
        test_subjects='3')
    split = result.data['split']
    assert split == dict(
        train=[
            'sample_000000', 'sample_000001', 'sample_000003', 'sample_000004'
        ],
        test=['sample_000002'])
    # subject 4 is in neither: dropped, counted and warned about
    assert len(result.data['annotations']) == 5
    assert result.counts['outside_split'] == 1
    assert any('dropped 1 samples' in w and 'subject 4' in w for w in warnings)
    # without test subjects, every other subject is test
    split = convert(path, subject_key='subject', train_subjects='1')['split']
    assert split['test'] == [
        'sample_000001', 'sample_000002', 'sample_000004', 'sample_000005'
    ]


def test_split_from_list_file(tmp_path):
    path = save_npz(tmp_path, make_arrays())
    listing = tmp_path / 'splits.txt'
    listing.write_text('train sample_000005\nval sample_000000\n'
                       '# comment\ntrain sample_000001\n')
    data = convert(path, splits_file=str(listing))
    assert data['split'] == dict(
        train=['sample_000005', 'sample_000001'], val=['sample_000000'])
    listing.write_text('train sample_000009\n')
    with pytest.raises(
            ConversionError,
            match='sample_000009 .split train. '
            'is not an input file'):
        convert(path, splits_file=str(listing))


def test_split_list_drops_skipped_samples(tmp_path, warnings):
    arrays = make_arrays(dtype=np.float32)
    arrays['x'][1, 2, 3, 0] = np.nan
    listing = tmp_path / 'splits.txt'
    listing.write_text('train sample_000000\ntrain sample_000001\n')
    data = convert(
        save_npz(tmp_path, arrays), splits_file=str(listing), skip_bad=True)
    assert data['split'] == dict(train=['sample_000000'])
    assert any('1 listed samples were skipped, e.g. sample_000001' in w
               for w in warnings)


def test_class_names_map_string_labels_and_bound_integers(tmp_path):
    names = np.array(['duck', 'bow', 'kick'])
    arrays = make_arrays(
        y=np.array(['kick', 'duck', 'bow', 'bow', 'kick', 'duck']),
        class_names=names)
    data = convert(save_npz(tmp_path, arrays))
    assert [a['label'] for a in data['annotations']] == [2, 0, 1, 1, 2, 0]
    # the same names from a file
    del arrays['class_names']
    names_file = tmp_path / 'classes.txt'
    names_file.write_text('duck\nbow\nkick\n')
    path = save_npz(tmp_path, arrays, 'no_names.npz')
    data = convert(path, class_names=str(names_file))
    assert [a['label'] for a in data['annotations']] == [2, 0, 1, 1, 2, 0]
    with pytest.raises(
            BadSampleError,
            match=r'no_names\.npz \(sample 0\): '
            r"unknown label 'kick'"):
        convert(path)  # strings without class names
    arrays = make_arrays(y=np.array([0, 1, 2, 3, 1, 0]), class_names=names)
    with pytest.raises(
            BadSampleError,
            match=r'\(sample 3\): unknown label 3 '
            r".*has 3 classes"):
        convert(save_npz(tmp_path, arrays, 'four.npz'))


def test_layout_file_and_score_channel_layouts(tmp_path):
    rng = np.random.default_rng(2)
    layout = dict(num_node=4, inward=[[1, 0], [2, 1], [3, 1]], center=1)
    layout_file = tmp_path / 'layout.json'
    layout_file.write_text(json.dumps(layout))
    x = rng.normal(size=(2, 3, 4, 3)).astype(np.float32)
    path = save_npz(tmp_path, dict(keypoint=x, label=np.array([0, 1])),
                    'four.npz')
    data = convert(path, layout=str(layout_file))
    np.testing.assert_array_equal(data['annotations'][1]['keypoint'][0], x[1])
    with pytest.raises(
            ConversionError, match='have 4 joints .* the layout '
            'has 20'):
        convert(path)
    # coco: channel 2 of (x, y, score) becomes keypoint_score
    x = (rng.random(size=(2, 3, 17, 3)) * 100).astype(np.float32)
    path = save_npz(tmp_path, dict(keypoint=x, label=np.array([0, 1])),
                    'coco.npz')
    anno = convert(path, layout='coco', img_shape=(480, 640))['annotations'][0]
    np.testing.assert_array_equal(anno['keypoint'][0], x[0, ..., :2])
    np.testing.assert_array_equal(anno['keypoint_score'][0], x[0, ..., 2])
    assert anno['img_shape'] == (480, 640)


def test_output_loads_with_checked_pose_dataset(tmp_path):
    train = np.array([True, False, True, True, False, False])
    path = save_npz(tmp_path, make_arrays(train=train))
    out = tmp_path / 'out.pkl'
    load_tool(TOOL).main([
        path,
        str(out), '--layout', 'kinect_v1', '--split-key', 'train',
        '--subject-key', 'subject'
    ])
    dataset = CheckedPoseDataset(
        str(out),
        pipeline=[],
        split='test',
        num_classes=3,
        num_joints=V,
        num_channels=3)
    assert len(dataset) == 3
    assert dataset[0]['keypoint'].shape == (1, T, V, 3)
    assert dataset[0]['subject_id'] == '2'


def test_cli_prints_the_summary_and_overwrites_only_when_asked(
        tmp_path, capsys):
    path = save_npz(tmp_path, make_arrays(train=np.arange(N) < 4))
    out = tmp_path / 'out.pkl'
    args = [
        path,
        str(out), '--layout', 'kinect_v1', '--split-key', 'train',
        '--subject-key', 'subject'
    ]
    tool = load_tool(TOOL)
    tool.main(args)
    stdout = capsys.readouterr().out
    assert ('6 samples (3 labels), 30 frames (5-5 per sample), persons '
            '{1: 6}, 0 empty frames') in stdout
    assert "splits {'train': 4, 'test': 2}, subjects {'train': 3, " \
        "'test': 2}" in stdout
    data = run_refusing_then_overwriting(tool.main, args, out, capsys)
    assert len(data['annotations']) == N


def _nan(a):
    a['x'][2, 1, 4, 0] = np.nan


def _inf(a):
    a['x'][2, 3, 0, 1] = np.inf


def _empty(a):
    a['x'][2] = 0


def _rank(a):
    a['x'] = a['x'][:, 0]


def _labels(a):
    a['y'] = a['y'][:5]


def _joints(a):
    a['x'] = a['x'][:, :, :19]


def _channels(a):
    a['x'] = np.concatenate([a['x'], a['x'][..., :1]], axis=-1)


def _objects(a):
    a['y'] = np.array([0, 1, 2, 'a', None, 1], dtype=object)


def _negative(a):
    a['y'][2] = -1


# (breaks the arrays, the message, a bad sample that --skip-bad skips)
REFUSALS = {
    'nan': (_nan, r'set\.npz \(sample 2\): sample sample_000002: has 1 '
            r'non-finite keypoint values \(first at person 0, frame index '
            r'1, joint 4\)', True),
    'inf': (_inf, r'set\.npz \(sample 2\): sample sample_000002: has 1 '
            r'non-finite keypoint values \(first at person 0, frame index '
            r'3, joint 0\)', True),
    'empty': (_empty, r'set\.npz \(sample 2\): empty sequence: every '
              r'keypoint of sample sample_000002 is zero', True),
    'label': (_negative, r"set\.npz \(sample 2\): unknown label -1 \('y' "
              r'of .*set\.npz\): expected an integer >= 0', True),
    'rank': (_rank, r"set\.npz: keypoints 'x' have shape \(6, 20, 3\), "
             r'expected \(N, T, V, C\) or \(N, M, T, V, C\)', False),
    'count': (_labels, r"set\.npz: labels 'y' have shape \(5,\), expected "
              r"\(6,\): one per sample of the keypoints 'x'", False),
    'joints': (_joints, r"set\.npz: keypoints 'x' have 19 joints \(shape "
               r'\(6, 5, 19, 3\)\), the layout has 20', False),
    'channels': (_channels, r"set\.npz: keypoints 'x' have 4 coordinates "
                 r'per joint \(shape \(6, 5, 20, 4\)\), expected 2 \(x, y\) '
                 r'or 3 \(x, y, z\)', False),
    'object': (_objects, r"set\.npz: 'y' is a pickled object array, which "
               r'is never loaded', False),
}


@pytest.mark.parametrize('case', sorted(REFUSALS))
def test_refusals_name_file_and_sample_and_write_nothing(
        tmp_path, case, capsys):
    breaks, message, per_sample = REFUSALS[case]
    arrays = make_arrays(dtype=np.float32)
    breaks(arrays)
    path = save_npz(tmp_path, arrays)
    out = tmp_path / 'out.pkl'
    tool = load_tool(TOOL)
    args = [path, str(out), '--layout', 'kinect_v1']
    with pytest.raises(SystemExit) as info:
        tool.main(args)
    text = str(info.value.code)
    assert text.startswith('error: ') and len(text.splitlines()) == 2
    assert text.splitlines()[1].startswith('(nothing written')
    assert re.search(message, text), text
    assert not osp.exists(out)
    if per_sample:  # --skip-bad writes the other five
        tool.main(args + ['--skip-bad'])
        with open(out, 'rb') as f:
            names = [a['frame_dir'] for a in pickle.load(f)['annotations']]
        assert 'sample_000002' not in names and len(names) == N - 1
        assert "1 skipped {'" in capsys.readouterr().out
    else:  # the whole file is wrong: --skip-bad does not help
        with pytest.raises(SystemExit):
            tool.main(args + ['--skip-bad'])
        assert not osp.exists(out)


@pytest.mark.parametrize('kwargs, message', [
    (dict(split_key='train', splits_file='s.txt'), 'at most one split rule'),
    (dict(train_subjects='1-2'), 'needs subject_key'),
    (dict(subject_key='subject', train_subjects='1-2',
          test_subjects='2-3'), 'overlap'),
    (dict(layout='kinect_v3'), "'kinect_v3' is neither a layout name"),
    (dict(keypoint_key='pose'), r"no keypoint array 'pose'; it holds x, y, "
     'subject'),
    (dict(split_key='subject'), r"split 'subject' has type int16"),
    (dict(score_key='y'), r"scores 'y' have shape \(6,\)"),
])
def test_bad_options(tmp_path, kwargs, message):
    path = save_npz(tmp_path, make_arrays())
    with pytest.raises(ConversionError, match=message):
        convert(path, **kwargs)
