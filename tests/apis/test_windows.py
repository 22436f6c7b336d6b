"""Sliding windows: a trained tiny model labels two actions in order."""
import copy

import numpy as np
import pytest
import torch
from infer_fixture import _pipeline, tiny_config, two_action_clip
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.dataset import Compose

from aclnet_mm.apis import SkeletonRecognizer, smooth_timeline, window_bounds


def test_window_bounds_cover_every_frame():
    assert window_bounds(10, 4, 3) == [(0, 4), (3, 7), (6, 10)]
    assert window_bounds(11, 4, 3) == [(0, 4), (3, 7), (6, 10), (7, 11)]
    assert window_bounds(3, 8, 2) == [(0, 3)]
    with pytest.raises(ValueError):
        window_bounds(10, 0, 1)


def test_smooth_timeline_is_the_mean_of_covering_windows():
    bounds = [(0, 4), (2, 6)]
    scores = np.array([[0.9, 0.1], [0.2, 0.8]])
    labels, frame_scores, segments = smooth_timeline(6, bounds, scores,
                                                     ['a', 'b'])
    # frames 2, 3: mean (0.55, 0.45) -> a; frames 4, 5: only window 2
    np.testing.assert_array_equal(labels, [0, 0, 0, 0, 1, 1])
    np.testing.assert_allclose(frame_scores, [.9, .9, .55, .55, .8, .8])
    assert [(g.start, g.end, g.name) for g in segments] == [(0, 4, 'a'),
                                                            (4, 6, 'b')]


def _train(cfg, steps=40, seed=0):
    """A few Adam steps on the two actions, through the test pipeline."""
    torch.manual_seed(seed)
    model = MODELS.build(copy.deepcopy(cfg.model))
    model.init_weights()
    pipeline = Compose(_pipeline('3d', 1))
    clips, labels = [], []
    for i in range(24):
        action = i % 2
        kp = two_action_clip(action, 16, seed=100 + i, phase=i // 2)
        data = pipeline(dict(keypoint=kp, total_frames=16, label=action,
                             frame_dir=str(i), start_index=0,
                             modality='Pose'))
        clips.append(data['inputs'])
        labels.append(action)
    inputs = torch.stack(clips)
    samples = [ActionDataSample().set_gt_label(a) for a in labels]
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(steps):
        losses = model(inputs, samples, mode='loss')
        opt.zero_grad()
        losses['loss_cls'].backward()
        opt.step()
    return model


@pytest.mark.parametrize('seed', [0])
def test_two_actions_back_to_back(tmp_path, seed):
    cfg = tiny_config('3d', tmp_path / 'unused.pkl', num_classes=2,
                      num_clips=1)
    model = _train(cfg, seed=seed)
    ckpt = tmp_path / 'two.pth'
    torch.save(dict(state_dict=model.state_dict(), meta={}), str(ckpt))
    names = tmp_path / 'names.txt'
    names.write_text('arms up\nsquat\n')
    rec = SkeletonRecognizer(cfg, str(ckpt), label_map=str(names))
    seq = np.concatenate(
        [two_action_clip(0, 48, seed=1), two_action_clip(1, 48, seed=2)],
        axis=1)  # (1, 96, 25, 3): arms up, then squats
    res = rec.predict_windows(seq, window=16, stride=8, topk=2)
    # trained predictions, with a wide margin: over seeds 0-4 and 1 and 2
    # torch threads every window inside one action gave its class a
    # probability at least 0.995 above the other's, and the switch was
    # frame 48 each time
    for start, end, pred in res.windows:
        if end <= 48:
            assert pred.label == 0, (start, end, pred.scores)
        elif start >= 48:
            assert pred.label == 1, (start, end, pred.scores)
    assert [g.name for g in res.segments] == ['arms up', 'squat']
    switch = res.segments[1].start
    assert 40 <= switch <= 56  # within half a window of the true change
    assert res.frame_labels.shape == (96, )
    # each window's scores are the model's own on that slice
    s, e, pred = res.windows[3]
    np.testing.assert_allclose(pred.all_scores,
                               rec.predict(seq[:, s:e]).all_scores,
                               atol=1e-6)
