import numpy as np
import pytest

from aclnet_mm.datasets import (SYNTHETIC_CLASSES, SYNTHETIC_GROUPS,
                                make_synthetic_actions)
from aclnet_mm.datasets.synthetic_actions import VAL_SEED_OFFSET

K = len(SYNTHETIC_CLASSES)

# NTU RGB+D bones (1-based pairs, as MMAction2's 'nturgb+d' graph),
# written out here independently of the generator's parent table.
NTU_BONES = [(i - 1, j - 1) for i, j in [(1, 2), (2, 21), (3, 21), (
    4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9), (11, 10), (
        12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (
            18, 17), (19, 18), (20, 19), (22, 8), (23, 8), (24, 12), (25, 12)]]
SPINE_BASE, HEAD = 0, 3
L_WRIST, R_WRIST, L_ANKLE, R_ANKLE = 6, 10, 14, 18


def _group_of(label):
    return [
        g for g, members in enumerate(SYNTHETIC_GROUPS) if label in members
    ][0]


def _by_class(annos, label):
    return [
        a['keypoint'][0].astype(np.float64) for a in annos
        if a['label'] == label
    ]


def test_constants():
    assert len(SYNTHETIC_CLASSES) == 12
    assert len(set(SYNTHETIC_CLASSES)) == 12
    assert len(SYNTHETIC_GROUPS) == 4
    assert all(len(g) == 3 for g in SYNTHETIC_GROUPS)
    assert sorted(i for g in SYNTHETIC_GROUPS for i in g) == list(range(K))


def test_format():
    annos = make_synthetic_actions(
        3, seed=5, min_frames=30, max_frames=50, prefix='abc')
    assert len(annos) == 3 * K
    assert np.bincount([a['label'] for a in annos], minlength=K).tolist() \
        == [3] * K
    assert len({a['frame_dir'] for a in annos}) == len(annos)
    lengths = set()
    for a in annos:
        assert set(a) == {'frame_dir', 'label', 'keypoint', 'total_frames'}
        assert a['frame_dir'].startswith('abc_')
        assert isinstance(a['label'], int) and 0 <= a['label'] < K
        kp = a['keypoint']
        assert kp.dtype == np.float32
        assert kp.shape == (1, a['total_frames'], 25, 3)
        assert isinstance(a['total_frames'], int)
        assert 30 <= a['total_frames'] <= 50
        assert np.isfinite(kp).all()
        lengths.add(a['total_frames'])
        # a person about 3 m in front of the sensor, head above the hips
        assert 1.5 < kp[0, :, :, 2].mean() < 5.0
        assert (kp[0, :, HEAD, 1] > kp[0, :, SPINE_BASE, 1]).mean() > 0.5
    assert len(lengths) > 1  # random lengths


def test_fixed_length():
    annos = make_synthetic_actions(1, min_frames=17, max_frames=17)
    assert {a['total_frames'] for a in annos} == {17}


def test_deterministic():
    a = make_synthetic_actions(2, seed=3)
    b = make_synthetic_actions(2, seed=3)
    c = make_synthetic_actions(2, seed=4)
    for x, y in zip(a, b):
        assert x['frame_dir'] == y['frame_dir']
        assert x['label'] == y['label']
        np.testing.assert_array_equal(x['keypoint'], y['keypoint'])
    for x, z in zip(a, c):
        assert x['keypoint'].shape != z['keypoint'].shape or not \
            np.allclose(x['keypoint'], z['keypoint'])
    # no dependence on the global random state
    np.random.seed(0)
    d = make_synthetic_actions(2, seed=3)
    np.random.seed(1)
    e = make_synthetic_actions(2, seed=3)
    for x, y in zip(d, e):
        np.testing.assert_array_equal(x['keypoint'], y['keypoint'])


def test_samples_independent_of_count_and_prefix():
    small = make_synthetic_actions(2, seed=7, prefix='p')
    large = make_synthetic_actions(4, seed=7, prefix='q')
    by_name = {a['frame_dir'][1:]: a for a in large}
    for a in small:
        np.testing.assert_array_equal(a['keypoint'],
                                      by_name[a['frame_dir'][1:]]['keypoint'])


@pytest.mark.parametrize('kwargs', [
    dict(num_per_class=0),
    dict(num_per_class=2.0),
    dict(num_per_class=True),
    dict(num_per_class=1, seed=-1),
    dict(num_per_class=1, seed=1.5),
    dict(num_per_class=1, min_frames=1),
    dict(num_per_class=1, min_frames=50, max_frames=40),
    dict(num_per_class=1, prefix=3),
])
def test_invalid_arguments(kwargs):
    with pytest.raises(ValueError):
        make_synthetic_actions(**kwargs)


def test_bone_lengths_constant_over_time():
    annos = make_synthetic_actions(3, seed=11)
    noise_floor = []
    for a in annos:
        kp = a['keypoint'][0].astype(np.float64)
        length = np.stack([
            np.linalg.norm(kp[:, i] - kp[:, j], axis=-1) for i, j in NTU_BONES
        ], 1)  # (T, bones)
        # forward kinematics: only the joint noise (1-2 cm) varies them
        assert length.std(0).max() < 0.04, a['frame_dir']
        assert length.mean(0).max() < 0.6  # none longer than a thigh
        noise_floor.append(length.std(0).min())
    assert 0.003 < np.median(noise_floor)  # joints are noisy, though
    # random body sizes
    heights = [
        np.linalg.norm(
            a['keypoint'][0, :, 1] - a['keypoint'][0, :, 0], axis=-1).mean()
        for a in annos
    ]
    assert np.std(heights) > 0.01


def _displacement_var(kp, joint):
    """Variance of a joint's track relative to the spine base."""
    rel = kp[:, joint] - kp[:, SPINE_BASE]
    return rel.var(0).sum()


def test_moving_limbs():
    annos = make_synthetic_actions(8, seed=2)
    for label in SYNTHETIC_GROUPS[0]:  # waves: the right hand
        ratios = [
            _displacement_var(kp, R_WRIST) / _displacement_var(kp, L_WRIST)
            for kp in _by_class(annos, label)
        ]
        assert np.median(ratios) > 2.0, SYNTHETIC_CLASSES[label]
    for label in SYNTHETIC_GROUPS[1]:  # kicks, knee raise: the right leg
        ratios = [
            _displacement_var(kp, R_ANKLE) / _displacement_var(kp, L_ANKLE)
            for kp in _by_class(annos, label)
        ]
        assert np.median(ratios) > 5.0, SYNTHETIC_CLASSES[label]
    for label in SYNTHETIC_GROUPS[3]:  # raising both arms: symmetric
        ratios = [
            _displacement_var(kp, R_WRIST) / _displacement_var(kp, L_WRIST)
            for kp in _by_class(annos, label)
        ]
        assert 0.5 < np.median(ratios) < 2.0, SYNTHETIC_CLASSES[label]
    # squat and bow move the whole upper body up and down, the others not
    drop = {
        label:
        np.median([np.ptp(kp[:, HEAD, 1]) for kp in _by_class(annos, label)])
        for label in range(K)
    }
    whole_body = SYNTHETIC_GROUPS[2]
    assert min(drop[c] for c in whole_body) > 2 * max(
        drop[c] for c in range(K) if c not in whole_body)


def _dominant_frequency(track):
    """Dominant frequency (cycles per frame) of a (T, 3) joint track."""
    x = track - track.mean(0)
    direction = np.linalg.svd(x, full_matrices=False)[2][0]
    signal = (x @ direction) * np.hanning(len(x))
    spectrum = np.abs(np.fft.rfft(signal, n=1024))
    spectrum[0] = 0
    return np.fft.rfftfreq(1024)[np.argmax(spectrum)]


def test_fast_variants_are_faster():
    annos = make_synthetic_actions(12, seed=1)
    mover = {0: R_WRIST, 3: R_ANKLE, 6: SPINE_BASE, 9: R_WRIST}
    for group in SYNTHETIC_GROUPS:
        slow, fast = group[:2]
        assert SYNTHETIC_CLASSES[fast] == SYNTHETIC_CLASSES[slow] + ' fast'
        freq = [
            np.mean([
                _dominant_frequency(kp[:, mover[slow]])
                for kp in _by_class(annos, label)
            ]) for label in (slow, fast)
        ]
        # the fast variant is about 1.5 times as fast
        assert 1.2 < freq[1] / freq[0] < 1.9, SYNTHETIC_CLASSES[slow]


def _features(annos):
    """Per-joint temporal std (x, y, z), mean speed and mean pose."""
    feats = []
    for a in annos:
        kp = a['keypoint'][0].astype(np.float64)
        rel = kp - kp[:, :1]  # relative to the spine base
        speed = np.linalg.norm(np.diff(kp, axis=0), axis=-1).mean(0)
        feats.append(
            np.concatenate([
                kp.std(0).T.ravel(), speed, rel[..., 1].mean(0),
                np.linalg.norm(rel[..., [0, 2]], axis=-1).mean(0)
            ]))
    return np.array(feats)


def _ridge_classifier(x_train, y_train, x_test, reg=1.0):
    """Least squares onto one-hot labels (closed form, no iterations)."""
    mean, std = x_train.mean(0), x_train.std(0) + 1e-8
    x_train = np.hstack([(x_train - mean) / std, np.ones((len(x_train), 1))])
    x_test = np.hstack([(x_test - mean) / std, np.ones((len(x_test), 1))])
    weight = np.linalg.solve(
        x_train.T @ x_train + reg * np.eye(x_train.shape[1]),
        x_train.T @ np.eye(K)[y_train])
    return (x_test @ weight).argmax(1)


@pytest.mark.parametrize('seed', [0, 1])
def test_confusions_stay_inside_planted_groups(seed):
    train = make_synthetic_actions(30, seed=seed)
    test = make_synthetic_actions(30, seed=seed + VAL_SEED_OFFSET)
    y_train = np.array([a['label'] for a in train])
    y_test = np.array([a['label'] for a in test])
    pred = _ridge_classifier(_features(train), y_train, _features(test))

    # closed form in float64, no training loop: over seeds 0-7 (1 and 2
    # BLAS threads alike) accuracy 0.894-0.933, every mistake inside its
    # group, the best score ahead of the second by >= 2.3e-4 (rounding
    # cannot flip a prediction) and the in-group argmax ahead by >= 1 count
    accuracy = (pred == y_test).mean()
    assert accuracy > 0.5  # chance is 1/12
    wrong = pred != y_test
    groups = np.array([_group_of(c) for c in range(K)])
    within = groups[pred[wrong]] == groups[y_test[wrong]]
    assert within.mean() >= 0.7

    confusion = np.zeros((K, K), dtype=np.int64)
    np.add.at(confusion, (y_test, pred), 1)
    mutual = confusion + confusion.T
    np.fill_diagonal(mutual, 0)
    for members in SYNTHETIC_GROUPS:
        # not trivially separable inside a group
        assert mutual[np.ix_(members, members)].sum() > 0
        for c in members:
            # a class is confused most with members of its own group
            if mutual[c].any():
                assert groups[np.argmax(mutual[c])] == groups[c], c
