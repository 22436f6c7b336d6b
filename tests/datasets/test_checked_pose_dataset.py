"""Every bad-sample kind is named (file + sample) or, opted in, counted."""
import logging
import pickle

import numpy as np
import pytest

from aclnet_mm.datasets import (CheckedPoseDataset, InvalidSampleError,
                                check_pose_sample, sample_checks)
from aclnet_mm.datasets.sample_checks import validate_samples

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
