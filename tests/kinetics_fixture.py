"""A tiny PYSKL-style Kinetics-400 fixture (annotations + kpfiles)."""
import os
import pickle

import numpy as np

BOX_THRS = (.5, .6, .7, .8, .9)
V = 17


def make_k400_fixture(root, seed=0):
    """Write a tiny PYSKL-style K400 table of contents and its kpfiles.

    Three clips: ``clip_0`` and ``clip_1`` share the multi-clip kpfile
    ``kpfiles/part_0.pkl`` ({frame_dir: {'keypoint': (N, V, 3)}}), ``clip_2``
    is alone in ``kpfiles/part_1.pkl``. Frames hold 0 to ``max_person``
    skeletons (some frames none, to exercise ``squeeze``); box scores are
    high except for the third skeleton of a frame.

    Returns:
        tuple[str, dict]: The annotation path and, per clip, the facts the
        tests check (``max_person``, ``frames_with_pose``, ``label``).
    """
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.join(root, 'kpfiles'), exist_ok=True)
    specs = [('clip_0', 40, 2, 'part_0'), ('clip_1', 23, 3, 'part_0'),
             ('clip_2', 150, 1, 'part_1')]
    annos, kpfiles, facts = [], {}, {}
    for label, (name, total, max_person, part) in enumerate(specs):
        counts = rng.integers(1, max_person + 1, size=total)
        counts[::5] = 0  # every fifth frame has nobody
        counts[1] = max_person  # make sure the maximum occurs
        frame_inds = np.repeat(np.arange(total), counts)
        rank = np.concatenate([np.arange(c) for c in counts])
        box_score = np.where(rank < 2, 0.95, 0.3).astype(np.float16)
        kp = rng.uniform(0, 300, size=(len(frame_inds), V, 3))
        kp[..., 2] = rng.uniform(0, 1, size=(len(frame_inds), V))
        valid = {
            thr: len(np.unique(frame_inds[box_score >= thr]))
            for thr in BOX_THRS
        }
        annos.append(
            dict(
                frame_dir=name,
                label=label,
                total_frames=total,
                img_shape=(256, 340),
                original_shape=(256, 340),
                raw_file=f'kpfiles/{part}.pkl',
                frame_inds=frame_inds,
                box_score=box_score,
                valid=valid))
        kpfiles.setdefault(part,
                           {})[name] = dict(keypoint=kp.astype(np.float16))
        facts[name] = dict(
            max_person=max_person,
            frames_with_pose=int((counts > 0).sum()),
            label=label)
    for part, content in kpfiles.items():
        with open(os.path.join(root, 'kpfiles', f'{part}.pkl'), 'wb') as f:
            pickle.dump(content, f)
    ann_file = os.path.join(root, 'k400_tiny.pkl')
    with open(ann_file, 'wb') as f:
        pickle.dump(
            dict(
                split=dict(train=['clip_0', 'clip_1'], val=['clip_2']),
                annotations=annos), f)
    return ann_file, facts
