import os
import pickle

import numpy as np
import pytest
from kinetics_fixture import V, make_k400_fixture
from pickle_payloads import REFUSED, assert_refused, dump_payload

from aclnet_mm.datasets import InvalidSampleError
from aclnet_mm.datasets.pyskl_kinetics_dataset import KineticsPoseDataset
from aclnet_mm.utils.safe_pickle import UnsafePickleError


def _pipeline(num_clips=1, test_mode=False, pack=False):
    pipeline = [
        dict(type='DecompressPose', squeeze=True),
        dict(
            type='UniformSampleFrames',
            clip_len=100,
            num_clips=num_clips,
            test_mode=test_mode),
        dict(type='PoseDecode'),
    ]
    if pack:
        pipeline += [
            dict(type='FormatGCNInput', num_person=2),
            dict(type='PackActionInputs')
        ]
    return pipeline


@pytest.fixture
def k400(tmp_path):
    return make_k400_fixture(str(tmp_path)) + (str(tmp_path), )


def test_items_through_decompress_pipeline(k400):
    ann_file, facts, root = k400
    dataset = KineticsPoseDataset(
        ann_file, _pipeline(), kpfile_root=root, split='train')
    assert len(dataset) == 2
    for i, name in enumerate(['clip_0', 'clip_1']):
        item = dataset[i]
        M = facts[name]['max_person']
        assert item['frame_dir'] == name
        assert item['label'] == facts[name]['label']
        assert item['keypoint'].shape == (M, 100, V, 2)
        assert item['keypoint_score'].shape == (M, 100, V)
        # squeeze drops the frames without anybody
        assert item['total_frames'] == facts[name]['frames_with_pose']
        assert item['frame_inds'].max() < item['total_frames']

    info = dataset.get_data_info(0)
    assert 'valid' not in info and 'box_score' not in info
    assert info['keypoint'].shape == (len(info['frame_inds']), V, 3)


def test_multi_clip_test_mode_and_packing(k400):
    ann_file, facts, root = k400
    dataset = KineticsPoseDataset(
        ann_file,
        _pipeline(num_clips=10, test_mode=True, pack=True),
        kpfile_root=root,
        split='val',
        test_mode=True)
    assert len(dataset) == 1
    packed = dataset[0]
    assert tuple(packed['inputs'].shape) == (10, 2, 100, V, 3)
    assert packed['data_samples'].gt_label.item() == facts['clip_2']['label']


def test_valid_ratio_filters_and_box_thr_is_inert_without_it(k400):
    ann_file, _, root = k400
    # box_thr alone (valid_ratio None or 0.0) changes nothing: spec 3.2 #7
    kwargs = dict(kpfile_root=root, split='train')
    for valid_ratio in (None, 0.0):
        dataset = KineticsPoseDataset(
            ann_file, [], valid_ratio=valid_ratio, box_thr=0.9, **kwargs)
        assert len(dataset) == 2
        assert 'anno_inds' not in dataset.get_data_info(1)
    # a positive ratio keeps clips with enough valid frames and drops the
    # low-box skeletons through anno_inds
    dataset = KineticsPoseDataset(
        ann_file, _pipeline(), valid_ratio=0.5, box_thr=0.5, **kwargs)
    assert len(dataset) == 2
    info = dataset.get_data_info(1)  # clip_1 has up to 3 skeletons a frame
    assert 0 < info['anno_inds'].sum() < len(info['anno_inds'])
    assert dataset[1]['keypoint'].shape[0] == 2
    with pytest.raises(ValueError, match='valid_ratio=0.99'):
        # every fifth frame is empty, so no clip is left
        KineticsPoseDataset(
            ann_file, [], valid_ratio=0.99, box_thr=0.5, **kwargs)


def test_kpfile_resolution(k400, tmp_path):
    ann_file, _, root = k400
    # relative kpfile_root resolved against data_root
    dataset = KineticsPoseDataset(
        ann_file, [], kpfile_root='.', data_root=root, split='val')
    assert dataset.get_data_info(0)['keypoint'].shape[1:] == (V, 3)

    # absolute raw_file from another machine + a per-clip kpfile whose top
    # level is the entry itself (MMAction2's k400_kpfiles_2d layout)
    with open(ann_file, 'rb') as f:
        data = pickle.load(f)
    with open(os.path.join(root, 'kpfiles', 'part_1.pkl'), 'rb') as f:
        entry = pickle.load(f)['clip_2']
    moved = tmp_path / 'moved'
    moved.mkdir()
    with open(moved / 'clip_2.pkl', 'wb') as f:
        pickle.dump(entry, f)
    data['annotations'][2]['raw_file'] = '/elsewhere/kpfiles/clip_2.pkl'
    other = tmp_path / 'other.pkl'
    with open(other, 'wb') as f:
        pickle.dump(data, f)
    dataset = KineticsPoseDataset(
        str(other), _pipeline(), kpfile_root=str(moved), split='val')
    assert dataset[0]['keypoint'].shape == (1, 100, V, 2)


def test_missing_kpfile_names_sample_and_file(k400):
    ann_file, _, root = k400
    os.remove(os.path.join(root, 'kpfiles', 'part_1.pkl'))
    dataset = KineticsPoseDataset(
        ann_file, _pipeline(), kpfile_root=root, split='val')
    with pytest.raises(FileNotFoundError, match=r'clip_2.*part_1\.pkl'):
        dataset[0]
    # a wrong root is reported the same way, with the tried path
    dataset = KineticsPoseDataset(
        ann_file, [], kpfile_root=os.path.join(root, 'nowhere'), split='val')
    with pytest.raises(FileNotFoundError, match='nowhere'):
        dataset.get_data_info(0)


def test_corrupt_kpfile_and_missing_entry(k400):
    ann_file, _, root = k400
    part_0 = os.path.join(root, 'kpfiles', 'part_0.pkl')
    with open(part_0, 'rb') as f:
        content = pickle.load(f)
    with open(part_0, 'wb') as f:
        pickle.dump({'clip_0': content['clip_0']}, f)
    dataset = KineticsPoseDataset(
        ann_file, [], kpfile_root=root, split='train')
    dataset.get_data_info(0)
    with pytest.raises(ValueError, match=r"no entry for sample 'clip_1'"):
        dataset.get_data_info(1)

    with open(part_0, 'wb') as f:
        f.write(b'not a pickle')
    with pytest.raises(ValueError,
                       match=r"sample 'clip_0': kpfile .*part_0\.pkl cannot "
                       'be read'):
        dataset.get_data_info(0)

    content['clip_0']['keypoint'] = content['clip_0']['keypoint'][:-1]
    with open(part_0, 'wb') as f:
        pickle.dump(content, f)
    with pytest.raises(ValueError, match='frame_inds has'):
        dataset.get_data_info(0)


def test_rejects_bad_arguments(k400):
    ann_file, _, root = k400
    with pytest.raises(ValueError, match='kpfile_root'):
        KineticsPoseDataset(
            ann_file, [], data_prefix=dict(skeleton=root), split='train')
    with pytest.raises(ValueError, match='box_thr'):
        KineticsPoseDataset(ann_file, [], box_thr=0.55, split='train')
    with pytest.raises(ValueError, match="'test'.*available"):
        KineticsPoseDataset(ann_file, [], split='test')


@pytest.mark.parametrize('damage, message', [
    (lambda kp: kp[:0], 'has no frames'),
    (lambda kp: kp[:, :-2], f'has {V - 2} joints, the layout has {V}'),
    (lambda kp: np.where(np.arange(kp.shape[0])[:, None, None] == 3,
                         np.nan, kp), f'has {V * 3} non-finite'),
])
def test_kpfile_keypoints_are_checked_when_read(k400, damage, message):
    ann_file, _, root = k400
    part_1 = os.path.join(root, 'kpfiles', 'part_1.pkl')
    with open(part_1, 'rb') as f:
        content = pickle.load(f)
    content['clip_2']['keypoint'] = damage(content['clip_2']['keypoint'])
    with open(part_1, 'wb') as f:
        pickle.dump(content, f)
    dataset = KineticsPoseDataset(ann_file, [], kpfile_root=root,
                                  split='val', num_joints=V)
    assert len(dataset) == 1  # the val split is clip_2
    with pytest.raises(InvalidSampleError,
                       match=rf"sample 'clip_2' in kpfile .*part_1\.pkl "
                       rf'{message}'):
        dataset.get_data_info(0)


def test_kpfile_that_would_run_code_is_refused(k400):
    ann_file, _, root = k400
    part_1 = os.path.join(root, 'kpfiles', 'part_1.pkl')
    with open(part_1, 'rb') as f:
        content = pickle.load(f)
    dataset = KineticsPoseDataset(ann_file, [], kpfile_root=root,
                                  split='val')
    for kind in sorted(REFUSED):
        marker = os.path.join(root, f'pwned_{kind}')
        dump_payload(part_1, kind, marker,
                     lambda obj: dict(content, clip_2=dict(
                         content['clip_2'], note=obj)))
        with pytest.raises(UnsafePickleError,
                           match=r"^sample 'clip_2': refused to load kpfile "
                           ) as err:
            dataset.get_data_info(0)
        assert_refused(err.value, part_1, kind, marker)
