import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS

from aclnet_mm.datasets.converters import PoseRecord, write_pickle
from aclnet_mm.datasets.converters.assembly import BadInputPolicy, finish
from aclnet_mm.datasets.converters.convert import split_by_subject
from aclnet_mm.datasets.converters.identifiers import IdRanges, gait_fields
from aclnet_mm.datasets.gait_pose_dataset import (GAIT_META_KEYS,
                                                  GaitPoseDataset)

COCO_FLIP = dict(
    type='Flip',
    flip_ratio=0.5,
    left_kp=[1, 3, 5, 7, 9, 11, 13, 15],
    right_kp=[2, 4, 6, 8, 10, 12, 14, 16])


def _pipeline(normalize=False):
    """The gait training pipeline; ``normalize`` adds PreNormalize2D."""
    return [
        dict(type='UniformSampleFrames', clip_len=60),
        dict(type='PoseDecode'),
        COCO_FLIP,
        *([dict(type='PreNormalize2D')] if normalize else []),
        dict(type='RandomRot', theta=0.1),
        dict(type='GenSkeFeatACL', layout='coco', feats=['j']),
        dict(type='FormatGCNInput', num_person=1),
        dict(type='PackActionInputs', meta_keys=GAIT_META_KEYS),
    ]


def _walk(num_frames, seed):
    """A walker crossing a 320x240 frame: keypoint (1, T, 17, 2)."""
    rng = np.random.default_rng(seed)
    t = np.arange(num_frames)[:, None]
    x = 40. + 3. * t + rng.uniform(-10, 10, (1, 17))
    y = 60. + 8. * np.arange(17)[None] + np.zeros_like(t)
    keypoint = np.stack([x, y], axis=-1)[None]
    score = rng.uniform(.3, 1., keypoint.shape[:3])
    keypoint[0, 5], score[0, 5] = 0, 0  # a missing frame
    return keypoint, score


def _write_ann(path):
    records = []
    for i, (sid, cond, view) in enumerate([('001', 'nm-01', '000'),
                                           ('001', 'bg-01', '090'),
                                           ('002', 'nm-02', '090'),
                                           ('075', 'nm-05', '000'),
                                           ('075', 'cl-01', '090')]):
        keypoint, score = _walk(40 + 10 * i, seed=i)
        records.append(
            PoseRecord(
                name=f'{sid}-{cond}-{view}',
                source=f'{sid}-{cond}-{view}',
                keypoint=keypoint.astype(np.float32),
                keypoint_score=score.astype(np.float32),
                img_shape=(240, 320),
                fields=gait_fields(sid, cond, view)))
    records, split, _ = split_by_subject(records, IdRanges('1-74'),
                                         IdRanges('75-124'))
    data = finish(records, split, BadInputPolicy()).data
    write_pickle(data, str(path))
    return data


def _build(path, split, pipeline=None, **kwargs):
    return DATASETS.build(
        dict(
            type='GaitPoseDataset',
            ann_file=str(path),
            split=split,
            pipeline=_pipeline() if pipeline is None else pipeline,
            **kwargs))


@pytest.mark.parametrize('split, size', [('train', 3), ('test', 2), (None, 5)])
def test_splits(tmp_path, split, size):
    _write_ann(tmp_path / 'gait.pkl')
    dataset = _build(tmp_path / 'gait.pkl', split)
    assert isinstance(dataset, GaitPoseDataset)
    assert len(dataset) == size


def test_pipeline_packs_gait_metadata(tmp_path):
    _write_ann(tmp_path / 'gait.pkl')
    np.random.seed(0)
    for split, labels in (('train', {0, 1}), ('test', {-1})):
        dataset = _build(tmp_path / 'gait.pkl', split)
        seen = set()
        for i in range(len(dataset)):
            packed = dataset[i]
            inputs, sample = packed['inputs'], packed['data_samples']
            assert inputs.shape == (1, 1, 60, 17, 3)  # clips, M, T, V, C
            assert inputs.dtype == torch.float32
            info = dataset.get_data_info(i)
            for key in GAIT_META_KEYS:
                assert sample.metainfo[key] == info[key]
            assert sample.to_dict()['subject_id'] == info['subject_id']
            seen.add(int(sample.gt_label))
        assert seen == labels


def test_prenormalize_uses_sample_img_shape(tmp_path):
    _write_ann(tmp_path / 'gait.pkl')
    dataset = _build(tmp_path / 'gait.pkl', 'train', _pipeline(normalize=True))
    xy = dataset[0]['inputs'][..., :2]
    assert xy.abs().max() < 1.5  # pixels of 320x240 -> about [-1, 1]


def test_missing_metadata_names_sample(tmp_path):
    data = _write_ann(tmp_path / 'gait.pkl')
    (anno, ) = [
        a for a in data['annotations'] if a['frame_dir'] == '001-bg-01-090'
    ]
    del anno['condition']
    write_pickle(data, str(tmp_path / 'bad.pkl'))
    with pytest.raises(ValueError, match="'001-bg-01-090'.*'condition'"):
        _build(tmp_path / 'bad.pkl', 'train')
    anno['condition'] = 5
    write_pickle(data, str(tmp_path / 'bad.pkl'), overwrite=True)
    with pytest.raises(ValueError, match='got 5'):
        _build(tmp_path / 'bad.pkl', None)
    _build(tmp_path / 'bad.pkl', 'test')  # the split holds no bad sample


def test_bad_files(tmp_path):
    _write_ann(tmp_path / 'gait.pkl')
    with pytest.raises(ValueError, match="split 'val' is not in"):
        _build(tmp_path / 'gait.pkl', 'val')
    write_pickle([1, 2], str(tmp_path / 'list.pkl'))
    with pytest.raises(ValueError, match="not a dict with 'annotations'"):
        _build(tmp_path / 'list.pkl', None)
    with pytest.raises(ValueError, match='must be a pickle'):
        _build(tmp_path / 'gait.json', None)
