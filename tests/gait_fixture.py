"""Generated COCO-17 2D walkers in the GaitPoseDataset pickle format."""
import pickle

import numpy as np

CONDITIONS = ('nm-01', 'nm-02', 'nm-03', 'nm-04', 'nm-05', 'nm-06', 'bg-01',
              'bg-02', 'cl-01', 'cl-02')
VIEWS = ('000', '090', '180')


def _walker(rng, params, condition, view, frames):
    """One walk: a stick figure whose gait depends on the subject."""
    height, stride, swing, freq = params
    t = np.arange(frames) / frames * 2 * np.pi * freq
    kp = np.zeros((frames, 17, 2))
    hip_y, shoulder_y, head_y = 0.5 * height, 0.8 * height, 0.95 * height
    kp[:, 0] = [0, head_y]  # nose
    kp[:, 1:5] = [0, head_y + 0.02]  # eyes, ears
    for side, sign in ((0, 1), (1, -1)):  # left, right
        phase = t + side * np.pi
        kp[:, 5 + side] = [sign * 0.1, shoulder_y]  # shoulders
        kp[:, 7 + side, 0] = sign * 0.12 + swing * np.sin(phase) * 0.5
        kp[:, 7 + side, 1] = shoulder_y - 0.15 * height
        kp[:, 9 + side, 0] = sign * 0.12 + swing * np.sin(phase)
        kp[:, 9 + side, 1] = hip_y
        kp[:, 11 + side] = [sign * 0.08, hip_y]  # hips
        kp[:, 13 + side, 0] = stride * np.sin(phase) * 0.5
        kp[:, 13 + side, 1] = 0.25 * height
        kp[:, 15 + side, 0] = stride * np.sin(phase)
        kp[:, 15 + side, 1] = 0.02 * np.abs(np.cos(phase))
    if condition.startswith('bg'):
        kp[:, 10] = [0.15, hip_y + 0.05]  # right wrist holds a bag
    if condition.startswith('cl'):
        kp[:, 5:11, 0] *= 1.3  # a coat widens the upper body
    kp[..., 0] *= np.cos(np.deg2rad(int(view)) / 2) + 0.2  # view foreshorten
    kp = kp + rng.normal(scale=0.01, size=kp.shape)
    pixels = np.stack([160 + kp[..., 0] * 100, 220 - kp[..., 1] * 100], -1)
    return pixels.astype(np.float32)


def make_gait_pickle(path, train_subjects=4, test_subjects=3, frames=30,
                     seed=0):
    """Write walkers: ``train`` subjects get labels, ``test`` ones -1."""
    rng = np.random.default_rng(seed)
    annos = {'train': [], 'test': []}
    subjects = train_subjects + test_subjects
    for s in range(subjects):
        params = (rng.uniform(1.4, 2.0), rng.uniform(0.2, 0.6),
                  rng.uniform(0.05, 0.3), rng.uniform(1.0, 2.0))
        split = 'train' if s < train_subjects else 'test'
        for condition in CONDITIONS:
            for view in VIEWS:
                kp = _walker(rng, params, condition, view, frames)
                annos[split].append(
                    dict(
                        frame_dir=f'{s + 1:03d}-{condition}-{view}',
                        label=s if split == 'train' else -1,
                        total_frames=frames,
                        img_shape=(240, 320),
                        original_shape=(240, 320),
                        keypoint=kp[None],
                        keypoint_score=np.ones((1, frames, 17), np.float32),
                        subject_id=f'{s + 1:03d}',
                        condition=condition,
                        view=view))
    with open(path, 'wb') as f:
        pickle.dump(
            dict(
                split={k: [a['frame_dir'] for a in v]
                       for k, v in annos.items()},
                annotations=annos['train'] + annos['test']), f)
    return path
