"""One NaN value in one sample, read by MMAction2's unchecked PoseDataset.

The head checks what reaches the model: every clip it classifies in
training, validation and testing. A NaN in a frame the sampler never picks
does not reach the model and changes nothing (shown below); only
``CheckedPoseDataset`` rejects such a file up front.
"""
import copy
import itertools
import pickle

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.runner import Runner
from tiny_setup import PIPELINE, TINY_MODEL, make_pose_pickle, tiny_cfg

# UniformSampleFrames(clip_len=8, num_clips=1, test_mode=True) of tiny_setup
# reads frames 0 1 3 4 6 7 9 10 of the 12; frame 5 is never read
SAMPLED_FRAME, SKIPPED_FRAME = 3, 5
_RUNS = itertools.count()  # runners built in one second need their own name


def _one_nan(tmp_path, split, frame):
    """The tiny pickle with keypoint[0, frame, 3, 1] of one sample NaN."""
    path = make_pose_pickle(tmp_path / f'{split}{frame}.pkl')
    with open(path, 'rb') as f:
        data = pickle.load(f)
    name = data['split'][split][0]
    (anno, ) = [a for a in data['annotations'] if a['frame_dir'] == name]
    anno['keypoint'][0, frame, 3, 1] = np.nan
    with open(path, 'wb') as f:
        pickle.dump(data, f)
    return path


def _cfg(work_dir, ann, max_epochs=1):
    cfg = tiny_cfg(work_dir, ann, max_epochs=max_epochs, start_epoch=1)
    assert cfg['train_dataloader']['dataset']['type'] == 'PoseDataset'
    cfg['val_dataloader'] = dict(
        batch_size=4,
        num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dict(cfg['train_dataloader']['dataset'], split='val',
                     test_mode=True, pipeline=copy.deepcopy(PIPELINE)))
    cfg['val_cfg'] = dict(type='ValLoop')
    cfg['val_evaluator'] = [dict(type='AccMetric')]
    cfg['experiment_name'] = f'one_nan_{next(_RUNS)}'
    return cfg


def test_one_nan_in_a_val_sample_stops_validation(tmp_path):
    # before: validation averaged the NaN scores into acc/top1, exit 0
    ann = _one_nan(tmp_path, 'val', SAMPLED_FRAME)
    runner = Runner.from_cfg(_cfg(tmp_path / 'run', ann))
    with pytest.raises(FloatingPointError,
                       match=r'^ACLHead: classifier_scores is not finite '
                       r'for sample 0 of a batch of 4 in prediction '
                       r'\(validation, test or inference\)'):
        runner.train()
    assert 'val/acc/top1' not in runner.message_hub.log_scalars


def test_one_nan_in_a_train_sample_stops_training(tmp_path):
    ann = _one_nan(tmp_path, 'train', SAMPLED_FRAME)
    runner = Runner.from_cfg(_cfg(tmp_path / 'run', ann))
    with pytest.raises(FloatingPointError,
                       match=r'^ACLHead: classifier_scores is not finite '
                       r'at training iteration [1-4] \(epoch 1\)'):
        runner.train()
    assert not list((tmp_path / 'run').glob('*.pth'))


def test_nan_in_a_frame_never_sampled_never_reaches_the_model(tmp_path):
    clean = Runner.from_cfg(
        _cfg(tmp_path / 'clean', make_pose_pickle(tmp_path / 'clean.pkl')))
    clean.train()
    for split in ('train', 'val'):
        runner = Runner.from_cfg(
            _cfg(tmp_path / split, _one_nan(tmp_path, split,
                                            SKIPPED_FRAME)))
        runner.train()  # no error: the NaN frame is never read
        want = clean.model.state_dict()
        for name, value in runner.model.state_dict().items():
            assert torch.equal(value, want[name]), (split, name)


def test_prediction_names_the_sample_of_the_nan_clip():
    head = MODELS.build(copy.deepcopy(TINY_MODEL)['cls_head']).eval()
    samples = [ActionDataSample() for _ in range(3)]
    samples[2].set_metainfo(dict(frame_dir='S001C001P001R001A001'))
    feats = torch.randn(6, 2, 16, 3, 25)  # 3 samples x 2 clips
    feats[5, 1, 4, 0, 7] = float('nan')  # sample 2, clip 1
    with torch.no_grad(), pytest.raises(
            FloatingPointError,
            match=r"for sample 2 \('S001C001P001R001A001'\) of a batch of "
            r'3 in prediction'):
        head.predict(feats, samples)
    feats[5] = 0
    feats[0, 0, 0, 0, 0] = float('inf')  # sample 0, clip 0
    with torch.no_grad(), pytest.raises(
            FloatingPointError, match=r'for sample 0 of a batch of 3'):
        head.predict(feats, samples)
    head.check_finite = False  # the switch turns the guard off
    with torch.no_grad():
        out = head.predict(feats, samples)
    assert not torch.isfinite(out[0].pred_score).all()
    assert torch.isfinite(out[1].pred_score).all()
