"""One tiny, deterministic input tree per source format, and its conversion.

``write_all(root)`` writes every fixture under ``root``; ``convert_all(root)``
runs the public converters on them and returns ``{case: pickle content}``.
``golden/*.pkl`` holds what the converters wrote for these fixtures before
the data-preparation rebuild (commit beb9356); ``test_golden.py`` checks
the current converters still write exactly that. Regenerate the golden
files only for an intended change of output::

    python tests/datasets/converters/format_fixtures.py --write-golden
"""
import csv
import json
import os
import os.path as osp
import pickle
import sys

import numpy as np

GOLDEN = osp.join(osp.dirname(osp.abspath(__file__)), 'golden')

COCO_JOINTS = ('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
               'left_shoulder', 'right_shoulder', 'left_elbow',
               'right_elbow', 'left_wrist', 'right_wrist', 'left_hip',
               'right_hip', 'left_knee', 'right_knee', 'left_ankle',
               'right_ankle')


def _rng(seed):
    return np.random.default_rng(seed)


def _round(values, digits=4):
    return [round(float(v), digits) for v in np.ravel(values)]


# --------------------------------------------------------------------------
# NTU RGB+D .skeleton


def _ntu_body_lines(rng, body_id, base):
    rows = np.zeros((25, 12))
    rows[:, 0:3] = base + rng.normal(scale=0.1, size=(25, 3))
    rows[:, 3:5] = (250., 200.)
    rows[:, 5:7] = 500. + 100. * rng.random((25, 2))
    rows[:, 7] = 1.
    rows[:, 11] = rng.integers(0, 3, size=25)
    body = 72057594037931000 + ord(body_id)
    lines = [f'{body} 0 1 1 1 1 0 -0.08920905 -0.4797752 2', '25']
    lines += [' '.join(f'{v:.6g}' for v in row) for row in rows]
    return lines


def write_ntu(root):
    """Three files: two bodies + an empty frame, one body, three bodies."""
    folder = osp.join(root, 'ntu')
    os.makedirs(folder, exist_ok=True)
    rng = _rng(1)
    specs = {
        'S001C001P001R001A001': [('A', 'B'), ('A', ), (), ('A', 'B')],
        'S002C002P003R002A002': [('C', )] * 4,
        'S003C003P002R001A003': [('D', 'E', 'F')] * 3 + [('E', )],
    }
    for name, frames in specs.items():
        lines = [str(len(frames))]
        for t, bodies in enumerate(frames):
            lines.append(str(len(bodies)))
            for body in bodies:
                lines += _ntu_body_lines(rng, body, 0.2 * t + ord(body) % 3)
        with open(osp.join(folder, f'{name}.skeleton'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
    return folder


# --------------------------------------------------------------------------
# ST-GCN Kinetics JSON


def _kinetics_person(rng):
    return dict(
        pose=_round(rng.random(36)), score=_round(rng.random(18)))


def write_kinetics(root):
    """``train/`` (two clips), ``val/`` (one) and a label table."""
    folder = osp.join(root, 'kinetics')
    rng = _rng(2)
    clips = {
        'train/clip_a': (3, [3, 1, 0, 2], 'dancing'),
        'train/clip_b': (0, [1, 1, 1], 'running'),
        'val/clip_c': (3, [0, 2, 2, 1, 1], 'dancing'),
    }
    for rel, (label, counts, name) in clips.items():
        data = [
            dict(
                frame_index=t + 1,
                skeleton=[_kinetics_person(rng) for _ in range(n)])
            for t, n in enumerate(counts) if t != 1 or len(counts) < 4
        ]
        path = osp.join(folder, rel + '.json')
        os.makedirs(osp.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            json.dump(dict(data=data, label=name, label_index=label), f)
    with open(osp.join(folder, 'train', 'kinetics_label.json'), 'w') as f:
        json.dump({'clip_a': {'label_index': 3, 'has_skeleton': True}}, f)
    return folder


# --------------------------------------------------------------------------
# AlphaPose / MMPose COCO-17 JSON


def _alphapose_det(rng, frame, idx):
    values = np.concatenate(
        [300 * rng.random((17, 2)),
         rng.random((17, 1))], axis=1)
    return dict(
        image_id=f'frame_{frame:04d}.jpg',
        category_id=1,
        keypoints=_round(values),
        score=round(float(rng.random() * 3), 4),
        box=[0, 0, 10, 10],
        idx=idx)


def write_coco(root):
    """Two AlphaPose files (tracked, untracked) and one MMPose dump."""
    folder = osp.join(root, 'coco')
    os.makedirs(folder, exist_ok=True)
    rng = _rng(3)
    tracked = [
        _alphapose_det(rng, t, i) for t in (2, 3, 5) for i in (1, 2, 3)
    ]
    untracked = [
        _alphapose_det(rng, t, [0.0]) for t in (0, 1, 1, 1, 4)
    ]
    frames = []
    for t in range(4):
        instances = [
            dict(
                keypoints=[_round(p) for p in 200 * rng.random((17, 2))],
                keypoint_scores=_round(rng.random(17)),
                bbox_score=round(float(rng.random()), 4))
            for _ in range(t % 3)
        ]
        frames.append(dict(frame_id=t, instances=instances))
    mmpose = dict(meta_info=dict(dataset_name='coco'), instance_info=frames)
    for name, content in (('001_tracked.json', tracked),
                          ('002_untracked.json', untracked),
                          ('001_mmpose.json', mmpose)):
        with open(osp.join(folder, name), 'w') as f:
            json.dump(content, f)
    with open(osp.join(root, 'coco_splits.txt'), 'w') as f:
        f.write('train 001_tracked.json\ntrain 002_untracked\n'
                'val 001_mmpose.json\n')
    return folder


# --------------------------------------------------------------------------
# Gait: GaitGraph CSV, OpenGait pose tree, folder of pose JSON


def _gait_pose(rng):
    return np.concatenate([300 * rng.random((17, 2)),
                           rng.random((17, 1))], axis=1)


def write_gaitgraph_csv(root):
    rng = _rng(4)
    rows = []
    for sid, cond, view in (('001', 'nm-01', '090'), ('001', 'bg-02', '000'),
                            ('074', 'cl-01', '018'), ('075', 'nm-05', '090'),
                            ('124', 'nm-06', '000'), ('125', 'nm-01', '000')):
        for t in (1, 2, 2, 4):
            rows.append([f'casia-b/{sid}-{cond}-{view}/{t:03d}.jpg'] +
                        [f'{v:.4f}' for v in _gait_pose(rng).ravel()])
    path = osp.join(root, 'gaitgraph.csv')
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['image_name'] + [
            f'{j}_{c}' for j in COCO_JOINTS for c in ('x', 'y', 'conf')
        ])
        writer.writerows(rows)
    return path


def write_opengait(root):
    folder = osp.join(root, 'opengait')
    rng = _rng(5)
    for sid in ('002', '080'):
        for cond in ('nm-01', 'bg-02'):
            for view in ('000', '090'):
                seq = np.stack([_gait_pose(rng) for _ in range(3)])
                seq[1] = 0
                sub = osp.join(folder, sid, cond, view)
                os.makedirs(sub, exist_ok=True)
                with open(osp.join(sub, f'{view}.pkl'), 'wb') as f:
                    pickle.dump(seq, f)
                with open(osp.join(sub, 'mapping.txt'), 'w') as f:
                    f.write('ignored\n')
    return folder


def write_gait_folder(root):
    """PsyMo-style names ``<sid>_<view>_<direction>_<run>_<cond>.json``."""
    folder = osp.join(root, 'psymo')
    rng = _rng(6)
    for sid in (0, 1, 2):
        for view in ('00', '90'):
            for direction in (0, 1):
                for run, cond in ((0, 'nm'), (1, 'nm'), (0, 'bg')):
                    dets = [
                        _alphapose_det(rng, t, [0.0])
                        for t in (3, 4, 4, 6)
                    ]
                    name = f'{sid:03d}_{view}_{direction}_{run}_{cond}.json'
                    sub = osp.join(folder, str(sid))
                    os.makedirs(sub, exist_ok=True)
                    with open(osp.join(sub, name), 'w') as f:
                        json.dump(dets, f)
    with open(osp.join(folder, 'README.json'), 'w') as f:
        json.dump({'not': 'a walk'}, f)
    return folder


# --------------------------------------------------------------------------
# Re-ID npy trees (TranSG layout)


def write_reid(root, dataset, num_joints, subsets, seed):
    frames = 4
    base = osp.join(root, 'reid', 'Datasets', dataset, str(frames))
    rng = _rng(seed)
    ids = {None: [3, 1, 3, 2, 1], subsets[0]: [1, 2, 3],
           subsets[1]: [3, 2, 1, 1]}
    for subset, people in ids.items():
        if subset is None:
            folder, prefix = osp.join(base, 'train_npy_data'), 'source'
        else:
            folder = osp.join(base, 'test_npy_data', subset)
            prefix = 't_source'
        os.makedirs(folder, exist_ok=True)
        keypoint = np.round(
            rng.normal(size=(len(people), frames, num_joints, 3)), 4)
        for c, axis in enumerate('xyz'):
            np.save(
                osp.join(folder, f'{prefix}_{axis}_{dataset}_{frames}.npy'),
                keypoint[..., c].reshape(-1, num_joints))
        np.save(
            osp.join(folder, f'frame_id_{dataset}_{frames}.npy'),
            np.array(people))
    return base


def write_all(root):
    """Write every fixture under ``root``; return their paths by name."""
    return dict(
        ntu=write_ntu(root),
        kinetics=write_kinetics(root),
        coco=write_coco(root),
        gaitgraph=write_gaitgraph_csv(root),
        opengait=write_opengait(root),
        psymo=write_gait_folder(root),
        ks20=write_reid(root, 'KS20', 25, ('probe', 'gallery'), 7),
        kgbd=write_reid(root, 'KGBD', 20, ('probe', 'gallery'), 8))


def convert_all(root):
    """Convert every fixture with the public converters.

    Returns:
        dict[str, dict]: ``{case: PoseDataset pickle content}``.
    """
    from aclnet_mm.datasets.converters import (convert_coco_json, convert_gait,
                                               convert_kinetics_json,
                                               convert_ntu, convert_reid_npy)
    paths = write_all(root)
    return {
        'ntu60_3d':
        convert_ntu(paths['ntu']).data,
        'ntu120_2d_1person':
        convert_ntu(
            paths['ntu'], dataset='ntu120', mode='2d', max_person=1).data,
        'kinetics':
        convert_kinetics_json(paths['kinetics']).data,
        'kinetics_label_table':
        convert_kinetics_json(
            paths['kinetics'],
            label_map_file=osp.join(paths['kinetics'], 'train',
                                    'kinetics_label.json'),
            split='all',
            skip_bad=True).data,
        'coco':
        convert_coco_json(
            paths['coco'],
            label_pattern=r'^(?P<label>\d{3})_',
            splits_file=osp.join(root, 'coco_splits.txt'),
            img_shape=(480, 640)).data,
        'gait_gaitgraph':
        convert_gait(paths['gaitgraph'], 'gaitgraph-csv').data,
        'gait_opengait':
        convert_gait(
            paths['opengait'],
            'opengait-pkl',
            train_subjects='1-50',
            test_subjects='51-100').data,
        'gait_psymo':
        convert_gait(
            paths['psymo'],
            'folder',
            pattern='psymo',
            train_subjects='0-1',
            test_subjects='2').data,
        'reid_ks20':
        convert_reid_npy(paths['ks20'], 'KS20', frames=4).data,
        'reid_kgbd':
        convert_reid_npy(paths['kgbd'], 'KGBD', frames=4).data,
    }


def assert_same(actual, expected, where='data'):
    """Deep equality of pickle contents, arrays by dtype, shape and value."""
    if isinstance(expected, np.ndarray):
        assert isinstance(actual, np.ndarray), where
        assert actual.dtype == expected.dtype, (where, actual.dtype)
        assert actual.shape == expected.shape, (where, actual.shape)
        np.testing.assert_array_equal(actual, expected, err_msg=where)
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert list(actual) == list(expected), (where, list(actual))
        for key in expected:
            assert_same(actual[key], expected[key], f'{where}[{key!r}]')
    elif isinstance(expected, (list, tuple)):
        assert type(actual) is type(expected), (where, type(actual))
        assert len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_same(a, e, f'{where}[{i}]')
    else:
        assert type(actual) is type(expected), (where, type(actual))
        assert actual == expected, (where, actual, expected)


def _write_golden():
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        results = convert_all(tmp)
    os.makedirs(GOLDEN, exist_ok=True)
    for case, data in results.items():
        with open(osp.join(GOLDEN, f'{case}.pkl'), 'wb') as f:
            pickle.dump(data, f, protocol=4)
        sys.stdout.write(f'{case}: {len(data["annotations"])} samples\n')


if __name__ == '__main__':
    if sys.argv[1:] != ['--write-golden']:
        sys.exit(__doc__)
    _write_golden()
