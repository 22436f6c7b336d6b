"""Every bad-sample kind is named (file + sample) or, opted in, counted."""
import logging
import pickle

import numpy as np
import pytest
from mmaction.registry import DATASETS
from pickle_payloads import REFUSED, assert_refused, dump_payload

from aclnet_mm.datasets import (CheckedPoseDataset, InvalidSampleError,
                                check_pose_sample, sample_checks)
from aclnet_mm.datasets.sample_checks import validate_samples
from aclnet_mm.utils.safe_pickle import PickleFileError, UnsafePickleError

PIPELINE = [dict(type='PoseDecode')]


def _sample(name, label=0, shape=(1, 6, 25, 3)):
    return dict(frame_dir=name, label=label, total_frames=shape[1],
                keypoint=np.zeros(shape, np.float32))


def _nan(name):
    s = _sample(name)
    s['keypoint'][0, 2, 3, 1] = np.nan
    return s


def _inf_score(name):
    s = _sample(name, shape=(1, 6, 17, 2))
    s['keypoint_score'] = np.ones((1, 6, 17), np.float32)
    s['keypoint_score'][0, 0, 0] = np.inf
    return s


# (reason, a sample with that problem, a fragment of the message)
BAD = [
    ('non-finite', _nan('nan_kp'), '1 non-finite keypoint values'),
    ('joints', _sample('twenty_joints', shape=(1, 6, 20, 3)),
     'has 20 joints, the layout has 25'),
    ('frames', _sample('no_frames', shape=(1, 0, 25, 3)), 'has no frames'),
    ('label', _sample('label_15', label=15), 'label 15 is outside [0, 4)'),
    ('label', _sample('label_neg', label=-1), 'label -1 is outside'),
    ('channels', _sample('two_d', shape=(1, 6, 25, 2)),
     'the config expects 3D'),
    ('no keypoint', dict(frame_dir='empty', label=0), 'no keypoint'),
]


def _write(path, samples, splits=None):
    names = [s['frame_dir'] for s in samples]
    with open(path, 'wb') as f:
        pickle.dump(dict(split=splits or dict(train=names),
                         annotations=samples), f)
    return str(path)


@pytest.mark.parametrize('reason, bad, fragment', BAD,
                         ids=[b[1]['frame_dir'] for b in BAD])
def test_each_bad_kind_names_file_and_sample(tmp_path, reason, bad,
                                             fragment):
    assert check_pose_sample(bad, 25, 3, 4)[0] == reason
    good = [_sample(f'ok{i}', label=i % 4) for i in range(3)]
    ann = _write(tmp_path / 'anno.pkl', good + [bad])
    with pytest.raises(InvalidSampleError) as err:
        CheckedPoseDataset(ann, PIPELINE, split='train', num_classes=4,
                           num_joints=25, num_channels=3)
    text = str(err.value)
    assert ann in text and repr(bad['frame_dir']) in text
    assert fragment in text and 'skip_invalid' in text


def test_skip_invalid_drops_and_counts_by_reason(tmp_path, monkeypatch):
    good = [_sample(f'ok{i}', label=i % 4) for i in range(3)]
    bad = [b for _, b, _ in BAD]
    ann = _write(tmp_path / 'anno.pkl', good[:1] + bad + good[1:])
    logged = []
    monkeypatch.setattr(sample_checks, 'print_log',
                        lambda msg, **kw: logged.append((msg, kw['level'])))
    ds = CheckedPoseDataset(ann, PIPELINE, split='train', num_classes=4,
                            num_joints=25, num_channels=3, skip_invalid=True)
    assert [ds.get_data_info(i)['frame_dir'] for i in range(len(ds))] == [
        'ok0', 'ok1', 'ok2'
    ]
    assert len(logged) == 1  # one warning for all of them
    text, level = logged[0]
    assert level == logging.WARNING
    assert f'dropped {len(bad)} of {len(bad) + 3} samples of {ann}' in text
    assert '2 label' in text and '1 non-finite' in text
    assert '1 joints' in text and '1 channels' in text


def test_unknown_split_lists_the_splits(tmp_path):
    ann = _write(tmp_path / 'anno.pkl', [_sample('a')],
                 splits=dict(xsub_train=['a'], xsub_val=['a']))
    with pytest.raises(ValueError,
                       match=r"'train' is not in .*anno.pkl; available: "
                       r"\['xsub_train', 'xsub_val'\]"):
        CheckedPoseDataset(ann, PIPELINE, split='train')


def test_odd_sample_caught_without_explicit_layout():
    samples = [_sample(f'ok{i}') for i in range(4)]
    samples.append(_sample('odd', shape=(1, 6, 20, 3)))
    with pytest.raises(InvalidSampleError, match="'odd' has 20 joints"):
        validate_samples(samples, 'x.pkl')


def test_scores_and_frame_counts_checked():
    assert check_pose_sample(_inf_score('s'), 17, 2)[0] == 'non-finite'
    short = _sample('short')
    short['total_frames'] = 9
    assert check_pose_sample(short)[0] == 'frames'
    assert check_pose_sample(_sample('fine'), 25, 3, 4) is None
    # gait / re-ID: -1 marks an unseen test subject
    assert check_pose_sample(_sample('t', label=-1), allow_unlabelled=True) \
        is None


def test_all_invalid_is_an_error_even_when_skipping():
    with pytest.raises(InvalidSampleError, match='every one of the 1'):
        validate_samples([_nan('a')], 'x.pkl', skip_invalid=True)


# ----------------------------------------------------------------------------
# the annotation file itself: read safely, unreadable or empty files named


@pytest.mark.parametrize('dataset_type', [
    'CheckedPoseDataset', 'GaitPoseDataset', 'ReIDPoseDataset',
    'KineticsPoseDataset'
])
def test_ann_file_that_would_run_code_is_refused(tmp_path, dataset_type):
    for kind in sorted(REFUSED):
        marker = tmp_path / f'pwned_{kind}'
        ann = dump_payload(tmp_path / 'anno.pkl', kind, marker,
                           lambda obj: dict(split=dict(train=['a']),
                                            annotations=[_sample('a')],
                                            note=obj))
        with pytest.raises(UnsafePickleError) as err:
            DATASETS.build(
                dict(type=dataset_type, ann_file=ann, pipeline=[],
                     split='train'))
        assert_refused(err.value, ann, kind, marker)


def test_per_sample_skeleton_files_are_read_safely(tmp_path):
    ann = _write(tmp_path / 'anno.pkl',
                 [_sample(f's{i}') for i in range(2)])
    folder = tmp_path / 'skeletons'
    folder.mkdir()
    with open(folder / 's0.pkl', 'wb') as f:
        pickle.dump(dict(extra=np.arange(3)), f)
    marker = tmp_path / 'pwned'
    bad = dump_payload(folder / 's1.pkl', 'os.system', marker,
                       lambda obj: dict(extra=obj))
    ds = CheckedPoseDataset(ann, PIPELINE, split='train',
                            data_prefix=dict(skeleton=str(folder)))
    assert ds.get_data_info(0)['extra'].tolist() == [0, 1, 2]
    with pytest.raises(UnsafePickleError, match='skeleton file') as err:
        ds.get_data_info(1)
    assert_refused(err.value, bad, 'os.system', marker)


def test_unreadable_ann_file_is_one_error_naming_it(tmp_path):
    good = _write(tmp_path / 'anno.pkl', [_sample('a')])
    cases = {
        'empty.pkl': (b'', r'is empty \(0 bytes\)'),
        'cut.pkl': (open(good, 'rb').read()[:100],
                    'cannot be read as a pickle'),
        'text.pkl': (b'frame_dir,label\n', 'cannot be read as a pickle'),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(PickleFileError,
                           match=f'annotation file {tmp_path}/{name} '
                           f'{message}'):
            CheckedPoseDataset(str(tmp_path / name), PIPELINE, split='train')
    folder = tmp_path / 'folder.pkl'
    folder.mkdir()
    with pytest.raises(PickleFileError,
                       match=f'annotation file {folder} is a folder'):
        CheckedPoseDataset(str(folder), PIPELINE, split='train')
    with pytest.raises(FileNotFoundError,
                       match=f'annotation file {tmp_path}/none.pkl does '
                       'not exist'):
        CheckedPoseDataset(str(tmp_path / 'none.pkl'), PIPELINE)
    with pytest.raises(ValueError, match='must be a pickle file'):
        CheckedPoseDataset(str(tmp_path / 'anno.json'), PIPELINE)


@pytest.mark.parametrize('dataset_type', [
    'CheckedPoseDataset', 'GaitPoseDataset', 'ReIDPoseDataset',
    'KineticsPoseDataset'
])
def test_no_annotation_is_an_error_naming_file_and_split(
        tmp_path, dataset_type):
    ann = _write(tmp_path / 'anno.pkl', [], splits=dict(train=[]))
    for split in ('train', None):
        with pytest.raises(ValueError,
                           match=f'annotation file {ann} holds no '
                           "annotation \\(its 'annotations' list is empty"):
            DATASETS.build(
                dict(type=dataset_type, ann_file=ann, pipeline=[],
                     split=split))
    ann = _write(tmp_path / 'anno.pkl', [_sample('a')],
                 splits=dict(train=['b', 'c'], val=['a']))
    with pytest.raises(ValueError,
                       match=f"split 'train' of {ann} selects no annotation: "
                       r'none of its 2 names is the frame_dir \(or '
                       r'filename\) of one of the 1 annotations'):
        DATASETS.build(
            dict(type=dataset_type, ann_file=ann, pipeline=[],
                 split='train'))


def test_annotations_that_are_not_dicts_are_named(tmp_path):
    ann = tmp_path / 'anno.pkl'
    with open(ann, 'wb') as f:
        pickle.dump(dict(split=dict(train=['a']),
                         annotations=[_sample('a'), 'b']), f)
    with pytest.raises(ValueError, match=r'anno.pkl: annotation 1 is a str'):
        CheckedPoseDataset(str(ann), PIPELINE, split='train')
    with open(ann, 'wb') as f:
        pickle.dump(42, f)
    with pytest.raises(ValueError, match="not a dict with 'annotations' nor "
                       'a list of annotations'):
        CheckedPoseDataset(str(ann), PIPELINE)


def test_plain_list_file_and_video_prefix_as_in_mmaction2(tmp_path):
    ann = tmp_path / 'list.pkl'
    with open(ann, 'wb') as f:
        pickle.dump([_sample('a'), _sample('b')], f)
    ds = CheckedPoseDataset(str(ann), PIPELINE,
                            data_prefix=dict(video='clips'))
    assert [ds.get_data_info(i)['frame_dir'] for i in range(2)] == [
        'clips/a', 'clips/b'
    ]


# ----------------------------------------------------------------------------
# finite but absurd keypoints


def _huge(name, value=1e30):
    s = _sample(name)
    s['keypoint'][0, 2, 3, 1] = value
    return s


def test_absurd_keypoint_is_named_or_skipped(tmp_path, monkeypatch):
    assert sample_checks.MAX_ABS_COORD == 1e6
    good = [_sample(f'ok{i}', label=i % 4) for i in range(3)]
    ann = _write(tmp_path / 'anno.pkl', good + [_huge('huge')])
    with pytest.raises(InvalidSampleError) as err:
        CheckedPoseDataset(ann, PIPELINE, split='train', num_classes=4)
    assert str(err.value) == (
        f"{ann}: sample 'huge' has 1 keypoint values beyond +-1e+06 (e.g. "
        '1e+30 at person 0, frame 2, joint 3); no real pixel or metre '
        'coordinate is that large. Fix or remove it (or set '
        'skip_invalid=True on the dataset to drop such samples with a '
        'warning).')
    logged = []
    monkeypatch.setattr(sample_checks, 'print_log',
                        lambda msg, **kw: logged.append(msg))
    ds = CheckedPoseDataset(ann, PIPELINE, split='train', num_classes=4,
                            skip_invalid=True)
    assert len(ds) == 3
    assert "1 out of range (e.g. 'huge')" in logged[0]


@pytest.mark.parametrize('value, reason', [
    (1e6, None), (-1e6, None), (1e6 + 1, 'out of range'),
    (-3e7, 'out of range'), (np.finfo(np.float32).max, 'out of range')
])
def test_coordinate_bound(value, reason):
    problem = check_pose_sample(_huge('s', value))
    assert (problem and problem[0]) == reason
    # float16 cannot hold such values (its max is 65504): no overflow
    s = _sample('h')
    s['keypoint'] = np.full((1, 6, 25, 3), 6e4, np.float16)
    assert check_pose_sample(s) is None
    s['keypoint'] = np.full((1, 6, 25, 3), 10**7, np.int64)
    assert check_pose_sample(s)[0] == 'out of range'
