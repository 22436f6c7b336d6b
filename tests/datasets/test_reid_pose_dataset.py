import pickle

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS

from aclnet_mm.datasets.converters import convert_reid_npy, write_pickle
from aclnet_mm.datasets.reid_pose_dataset import (REID_META_KEYS,
                                                  ReIDPoseDataset)
from aclnet_mm.evaluation.metrics.reid_metric import ReIDRetrievalMetric

F = 4
TRAIN_IDS = (1, 2, 3, 1)
PROBE_IDS = (1, 2, 3)
GALLERY_IDS = (3, 2, 1, 1)
PIPELINE = [
    dict(type='UniformSampleFrames', clip_len=F, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs', meta_keys=REID_META_KEYS),
]


def _write_npy(root, dataset, num_joints):
    """A TranSG-style tree: 3 persons, f = 4, J joints."""
    rng = np.random.default_rng(0)
    test = root / 'test_npy_data'
    subsets = [(root / 'train_npy_data', 'source', TRAIN_IDS),
               (test / 'probe', 't_source', PROBE_IDS),
               (test / 'gallery', 't_source', GALLERY_IDS)]
    for folder, prefix, ids in subsets:
        folder.mkdir(parents=True)
        for axis in 'xyz':
            rows = rng.normal(size=(len(ids) * F, num_joints))
            np.save(folder / f'{prefix}_{axis}_{dataset}_{F}.npy', rows)
        np.save(folder / f'frame_id_{dataset}_{F}.npy', np.array(ids))


def _make_pkl(tmp_path, dataset='KS20', num_joints=25):
    """Convert the tree of :func:`_write_npy`; return the pickle path."""
    root = tmp_path / 'Datasets' / dataset / str(F)
    _write_npy(root, dataset, num_joints)
    data = convert_reid_npy(
        str(root), dataset, F, probe='probe', gallery='gallery').data
    path = tmp_path / f'{dataset}.pkl'
    write_pickle(data, path)
    return path


def _build(path, split, pipeline=PIPELINE, **kwargs):
    return DATASETS.build(
        dict(
            type='ReIDPoseDataset',
            ann_file=str(path),
            split=split,
            pipeline=pipeline,
            test_mode=True,
            **kwargs))


@pytest.mark.parametrize('dataset, num_joints', [('KS20', 25), ('IAS', 20)])
def test_pipeline_gives_inputs_and_metainfo(tmp_path, dataset, num_joints):
    path = _make_pkl(tmp_path, dataset, num_joints)
    reid_set = _build(path, 'test')
    assert isinstance(reid_set, ReIDPoseDataset)
    assert len(reid_set) == len(PROBE_IDS) + len(GALLERY_IDS)
    roles, subjects = [], []
    for index in range(len(reid_set)):
        item = reid_set[index]
        assert item['inputs'].shape == (1, 1, F, num_joints, 3)
        sample = item['data_samples']
        roles.append(sample.role)
        subjects.append(sample.subject_id)
        assert int(sample.gt_label) == -1
    assert roles == ['probe'] * 3 + ['gallery'] * 4
    assert subjects == [str(i) for i in PROBE_IDS + GALLERY_IDS]


@pytest.mark.parametrize('split, size', [('train', 4), ('probe', 3),
                                         ('gallery', 4), (None, 11)])
def test_splits(tmp_path, split, size):
    assert len(_build(_make_pkl(tmp_path), split)) == size


def test_metadata_reaches_the_metric(tmp_path):
    """One-hot subject embeddings must give perfect retrieval."""
    dataset = _build(_make_pkl(tmp_path), 'test')
    metric = ReIDRetrievalMetric(topk=(1, ))
    samples = []
    for index in range(len(dataset)):
        sample = dataset[index]['data_samples'].to_dict()
        sample['embedding'] = torch.eye(4)[int(sample['subject_id'])]
        samples.append(sample)
    metric.process(None, samples)
    result = metric.compute_metrics(metric.results)
    assert result['all/R1'] == 100.
    assert result['all/mAP'] == 100.
    assert result['all/unmatched_probes'] == 0


def test_missing_metadata_names_the_sample(tmp_path):
    with open(_make_pkl(tmp_path), 'rb') as f:
        data = pickle.load(f)
    del data['annotations'][5]['role']
    path = tmp_path / 'broken.pkl'
    write_pickle(data, path)
    name = data['annotations'][5]['frame_dir']
    with pytest.raises(ValueError, match=f"sample '{name}'.*'role'"):
        _build(path, 'test')
    with pytest.raises(ValueError, match="split 'val' is not in"):
        _build(path, 'val')
