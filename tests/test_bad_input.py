"""Bad data end to end: stopped with a message, nothing non-finite saved."""
import pickle

import numpy as np
import pytest
from mmengine.runner import Runner
from tiny_setup import make_pose_pickle, tiny_cfg

from aclnet_mm.datasets import InvalidSampleError


@pytest.fixture
def nan_ann(tmp_path):
    path = make_pose_pickle(tmp_path / 'nan.pkl')
    with open(path, 'rb') as f:
        data = pickle.load(f)
    for anno in data['annotations']:
        anno['keypoint'][:] = np.nan
    with open(path, 'wb') as f:
        pickle.dump(data, f)
    return path


def test_nan_input_with_mmaction_posedataset_stops_at_first_step(
        tmp_path, nan_ann):
    # MMAction2's own PoseDataset does not check: the head stops training
    cfg = tiny_cfg(tmp_path / 'run', nan_ann, max_epochs=2, start_epoch=1)
    assert cfg['train_dataloader']['dataset']['type'] == 'PoseDataset'
    runner = Runner.from_cfg(cfg)
    with pytest.raises(FloatingPointError,
                       match=r'not finite at training iteration 1 '
                       r'\(epoch 1\)'):
        runner.train()
    assert not list((tmp_path / 'run').glob('*.pth'))  # no checkpoint


def test_nan_input_with_checked_dataset_names_file_and_sample(
        tmp_path, nan_ann):
    cfg = tiny_cfg(tmp_path / 'run', nan_ann, max_epochs=2, start_epoch=1)
    cfg['train_dataloader']['dataset'].update(
        type='CheckedPoseDataset', num_classes=4, num_joints=25,
        num_channels=3)
    with pytest.raises(InvalidSampleError,
                       match=rf"{nan_ann}: sample 'c0_1' has \d+ non-finite"):
        Runner.from_cfg(cfg).train()
    assert not list((tmp_path / 'run').glob('*.pth'))
