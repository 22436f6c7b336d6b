"""Procedurally generated 3D skeleton actions with planted confusable groups.

The generator needs no download and no deep-learning framework (NumPy
only). It drives a 25-joint NTU RGB+D (Kinect v2) skeleton with joint-angle
formulas and forward kinematics, so bone lengths stay constant over time,
and returns annotations in MMAction2's ``PoseDataset`` format.

The 12 classes come in 4 groups of 3 (:data:`SYNTHETIC_GROUPS`). Motions of
different groups use different limbs or the whole body; the variants inside
a group differ subtly: two differ in speed (1.5 times), the third is a
related movement on the same limbs (waving above the head, raising the
knee instead of kicking, bowing instead of squatting, raising the arms
sideways instead of forwards) drawn from a continuum that borders the
other two. A classifier therefore confuses the classes of a group with one
another far more often than with other groups, which is what ACLNet's
superclass discovery should recover.

Coordinates follow the Kinect v2 camera space, in metres: ``y`` points up,
``z`` away from the sensor (depth) and ``x`` across the person, who stands
about 3 m from the sensor and faces it, so that the person's right side is
at ``+x``.
"""
from typing import Dict, List, Tuple

import numpy as np

from ..layouts.kinect_v2 import NTU_RGBD

SYNTHETIC_CLASSES: Tuple[str, ...] = (
    'wave right hand',
    'wave right hand fast',
    'wave right hand above head',
    'kick right leg',
    'kick right leg fast',
    'raise right knee',
    'squat',
    'squat fast',
    'bow',
    'raise both arms forward overhead',
    'raise both arms forward overhead fast',
    'raise both arms sideways overhead',
)
"""Names of the 12 synthetic classes; the label is the index."""

SYNTHETIC_GROUPS: Tuple[Tuple[int, ...], ...] = (
    (0, 1, 2),
    (3, 4, 5),
    (6, 7, 8),
    (9, 10, 11),
)
"""The planted groups of mutually confusable classes (class indices)."""

VAL_SEED_OFFSET = 10007
"""Added to the seed to draw the held-out ``'val'`` split."""

NUM_JOINTS = NTU_RGBD.num_node

#: Parent of every joint (NTU RGB+D order, 0-based) in the kinematic tree
#: rooted at the spine base (-1). Hand tips and thumbs hang from the hands.
JOINT_PARENTS: Tuple[int, ...] = NTU_RGBD.parents(root=0)

# Rest pose (arms hanging, feet on the floor), metres, spine base at the
# origin, person's right side at +x, facing -z (towards the sensor).
REST_SKELETON = np.array(
    [
        [0.00, 0.00, 0.00],  # 0 spine base
        [0.00, 0.28, 0.00],  # 1 spine mid
        [0.00, 0.58, 0.00],  # 2 neck
        [0.00, 0.72, -0.01],  # 3 head
        [-0.17, 0.47, 0.00],  # 4 left shoulder
        [-0.20, 0.20, 0.00],  # 5 left elbow
        [-0.22, -0.05, 0.00],  # 6 left wrist
        [-0.22, -0.13, 0.00],  # 7 left hand
        [0.17, 0.47, 0.00],  # 8 right shoulder
        [0.20, 0.20, 0.00],  # 9 right elbow
        [0.22, -0.05, 0.00],  # 10 right wrist
        [0.22, -0.13, 0.00],  # 11 right hand
        [-0.09, -0.02, 0.00],  # 12 left hip
        [-0.09, -0.44, 0.00],  # 13 left knee
        [-0.09, -0.84, 0.02],  # 14 left ankle
        [-0.09, -0.88, -0.11],  # 15 left foot
        [0.09, -0.02, 0.00],  # 16 right hip
        [0.09, -0.44, 0.00],  # 17 right knee
        [0.09, -0.84, 0.02],  # 18 right ankle
        [0.09, -0.88, -0.11],  # 19 right foot
        [0.00, 0.50, 0.00],  # 20 spine shoulder
        [-0.22, -0.20, 0.00],  # 21 left hand tip
        [-0.22, -0.11, -0.05],  # 22 left thumb
        [0.22, -0.20, 0.00],  # 23 right hand tip
        [0.22, -0.11, -0.05],  # 24 right thumb
    ],
    dtype=np.float64)


def _tree_levels() -> List[Tuple[np.ndarray, np.ndarray]]:
    """Group the non-root joints by depth in the tree.

    Returns:
        list[tuple[np.ndarray, np.ndarray]]: Per depth 1, 2, ...: the
        joints and their parents.
    """
    depth = [0] * NUM_JOINTS
    for j in range(NUM_JOINTS):
        p = JOINT_PARENTS[j]
        while p >= 0:
            depth[j] += 1
            p = JOINT_PARENTS[p]
    levels = []
    for d in range(1, max(depth) + 1):
        joints = np.array([j for j in range(NUM_JOINTS) if depth[j] == d])
        levels.append((joints, np.array([JOINT_PARENTS[j] for j in joints])))
    return levels


_LEVELS = _tree_levels()

# Per side (+1 right, -1 left): joints whose *incoming* bone a local
# rotation turns, i.e. the rotation acts at the parent joint.
_UPPER_ARM = {1: 9, -1: 5}  # rotated about the shoulder
_FOREARM = {1: 10, -1: 6}  # rotated about the elbow
_THIGH = {1: 17, -1: 13}  # rotated about the hip
_SHANK = {1: 18, -1: 14}  # rotated about the knee
_FOOT = {1: 19, -1: 15}  # rotated about the ankle
_ANKLE = {1: 18, -1: 14}

_FPS = 30.0
# Per class: motion kind, speed factor, base frequency (Hz at 30 fps) and
# the range of the kind's ``style`` in [0, 1], drawn per sample, that blends
# two related motions (see ``_action_rotations``). Inside a group the third
# variant takes the other part of the style range than the first two, so
# that near the border the variants are alike.
_CLASS_SPECS: Tuple[Tuple[str, float, float, Tuple[float, float]], ...] = (
    ('wave', 1.0, 1.3, (0.0, 0.5)),
    ('wave', 1.5, 1.3, (0.0, 0.5)),
    ('wave', 1.0, 1.3, (0.5, 1.0)),
    ('kick', 1.0, 0.8, (0.0, 0.5)),
    ('kick', 1.5, 0.8, (0.0, 0.5)),
    ('kick', 1.0, 0.8, (0.5, 1.0)),
    ('bend', 1.0, 0.55, (0.0, 0.5)),
    ('bend', 1.5, 0.55, (0.0, 0.5)),
    ('bend', 1.0, 0.55, (0.5, 1.0)),
    ('raise', 1.0, 0.55, (0.0, 0.5)),
    ('raise', 1.5, 0.55, (0.0, 0.5)),
    ('raise', 1.0, 0.55, (0.5, 1.0)),
)

# Per-sample variation.
_SCALE_RANGE = (0.85, 1.15)  # body size
_BONE_JITTER = 0.04  # relative, per bone, left/right symmetric
_AMP_JITTER = 0.2  # relative amplitude of the motion
_SPEED_JITTER = 0.15  # relative speed of the motion
_MAX_YAW = np.deg2rad(25.0)  # rotation about the vertical axis
_SHIFT_X = (-0.6, 0.6)
_SHIFT_Y = (-0.2, 0.2)
_SHIFT_Z = (2.5, 3.8)
_NOISE_STD = 0.015  # Gaussian joint noise, metres
_IDLE_DEG = 5.0  # amplitude of the idle sway of the other limbs

assert len(_CLASS_SPECS) == len(SYNTHETIC_CLASSES)
assert sorted(i for g in SYNTHETIC_GROUPS
              for i in g) == list(range(len(SYNTHETIC_CLASSES)))


def _axis_rotations(angle: np.ndarray, axis: int) -> np.ndarray:
    """Rotation matrices about a coordinate axis.

    Args:
        angle (np.ndarray): Angles in radians, shape (T, ).
        axis (int): 0, 1 or 2 for ``x``, ``y`` or ``z`` (right-hand rule).

    Returns:
        np.ndarray: Rotation matrices, shape (T, 3, 3).
    """
    i, j = (axis + 1) % 3, (axis + 2) % 3
    c, s = np.cos(angle), np.sin(angle)
    mats = np.zeros(np.shape(angle) + (3, 3))
    mats[..., axis, axis] = 1.0
    mats[..., i, i] = c
    mats[..., j, j] = c
    mats[..., i, j] = -s
    mats[..., j, i] = s
    return mats


def _rot_x(angle: np.ndarray) -> np.ndarray:
    """Rotation matrices about ``x`` (positive turns ``-y`` towards ``-z``).

    Args:
        angle (np.ndarray): Angles in radians, shape (T, ).

    Returns:
        np.ndarray: Rotation matrices, shape (T, 3, 3).
    """
    return _axis_rotations(angle, 0)


def _rot_y(angle: np.ndarray) -> np.ndarray:
    """Rotation matrices about the vertical axis ``y``.

    Args:
        angle (np.ndarray): Angles in radians, shape (T, ).

    Returns:
        np.ndarray: Rotation matrices, shape (T, 3, 3).
    """
    return _axis_rotations(angle, 1)


def _rot_z(angle: np.ndarray) -> np.ndarray:
    """Rotation matrices about ``z`` (positive turns ``-y`` towards ``+x``).

    Args:
        angle (np.ndarray): Angles in radians, shape (T, ).

    Returns:
        np.ndarray: Rotation matrices, shape (T, 3, 3).
    """
    return _axis_rotations(angle, 2)


def _forward_kinematics(offsets: np.ndarray,
                        local_rot: np.ndarray) -> np.ndarray:
    """Place the joints from bone vectors and per-bone local rotations.

    The rotation stored for joint ``j`` turns the bone from its parent to
    ``j`` about the parent and is inherited by all descendants of ``j``.

    Args:
        offsets (np.ndarray): Rest bone vectors (parent to joint), shape
            (V, 3); the root's entry is its position.
        local_rot (np.ndarray): Local rotations, shape (T, V, 3, 3).

    Returns:
        np.ndarray: Joint positions, shape (T, V, 3).
    """
    num_frames = local_rot.shape[0]
    pos = np.zeros((num_frames, NUM_JOINTS, 3))
    glob = np.zeros_like(local_rot)
    glob[:, 0] = local_rot[:, 0]
    pos[:, 0] = offsets[0]
    for joints, parents in _LEVELS:  # all joints of one tree depth at once
        glob[:, joints] = glob[:, parents] @ local_rot[:, joints]
        pos[:, joints] = pos[:, parents] + (
            glob[:, joints] @ offsets[joints][..., None])[..., 0]
    return pos


def _rot_axis(axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotation matrices about a fixed unit axis (Rodrigues' formula).

    Args:
        axis (np.ndarray): Unit axis, shape (3, ).
        angle (np.ndarray): Angles in radians, shape (T, ).

    Returns:
        np.ndarray: Rotation matrices, shape (T, 3, 3).
    """
    x, y, z = axis
    cross = np.array([[0., -z, y], [z, 0., -x], [-y, x, 0.]])
    angle = angle[:, None, None]
    return (np.eye(3) + np.sin(angle) * cross + (1. - np.cos(angle)) *
            (cross @ cross))


def _ease(phase: np.ndarray) -> np.ndarray:
    """Map a phase to a smooth 0 -> 1 -> 0 cycle (raised cosine).

    Args:
        phase (np.ndarray): Phase in radians.

    Returns:
        np.ndarray: Values in [0, 1], 0 at multiples of 2 pi.
    """
    return 0.5 * (1.0 - np.cos(phase))


def _action_rotations(kind: str, style: float, phase: np.ndarray, amp: float,
                      rot: np.ndarray) -> List[int]:
    """Write the joint angles of one action into the local rotations.

    Single-limb motions use the right limb. ``style`` blends two related
    motions of a kind:

    - ``'wave'``: hand waved at shoulder height (0) or above the head (1).
    - ``'kick'``: kick with the knee extended at the top (0) or a knee
      raise with the knee bent (1).
    - ``'bend'``: squat with an upright torso and arms reaching forward (0)
      or bow with straight legs and arms hanging (1).
    - ``'raise'``: straight arms raised to overhead in front (0) or
      sideways (1).

    Args:
        kind (str): The motion: ``'wave'``, ``'kick'``, ``'bend'`` or
            ``'raise'``.
        style (float): Blend between the kind's two motions, in [0, 1].
        phase (np.ndarray): Motion phase per frame in radians, shape (T, ).
        amp (float): Amplitude factor (about 1).
        rot (np.ndarray): Local rotations, shape (T, V, 3, 3), modified in
            place (each rotation is composed onto the stored one).

    Returns:
        list[int]: The ankles that stay on the floor.
    """
    deg = np.deg2rad

    def turn(joint: int, mats: np.ndarray) -> None:
        rot[:, joint] = rot[:, joint] @ mats

    right, both = 1, (1, -1)
    feet = [_ANKLE[1], _ANKLE[-1]]
    if kind == 'wave':
        # Upper arm lifted sideways by ``elev``, forearm pointing up and
        # swinging in the frontal plane.
        elev = deg(60.0 + 90.0 * style)
        swing = deg(35.0) * amp * np.sin(phase)
        turn(_UPPER_ARM[right], _rot_z(np.full_like(phase, elev)))
        turn(_FOREARM[right], _rot_z(np.pi - elev + swing))
        return feet
    if kind == 'kick':
        # The thigh swings up; the knee is bent by ``mid`` half-way up and
        # by ``top`` at the top.
        lift = _ease(phase)
        top, mid = 90.0 * style, 65.0 - 50.0 * style
        knee = deg(top * lift + mid * np.sin(phase)**2)
        turn(_THIGH[right], _rot_x(deg(75.0 + 10.0 * style) * amp * lift))
        turn(_SHANK[right], _rot_x(-knee))
        turn(1, _rot_x(deg(8.0) * lift))  # lean back for balance
        return [_ANKLE[-right]]
    if kind == 'bend':
        # Knees bend (``knee`` = 1 is a full squat, feet flat), the torso
        # leans forward by ``torso`` and the arms reach forward to
        # ``arms`` from the vertical.
        depth = min(amp, 1.15) * _ease(phase)
        knee = 1.0 - 0.9 * style
        hip = deg(95.0) * knee * depth
        shin = deg(30.0) * knee * depth
        torso = deg(20.0 + 55.0 * style) * depth
        arms = deg(90.0 - 80.0 * style) * depth
        for s in both:
            turn(_THIGH[s], _rot_x(hip))
            turn(_SHANK[s], _rot_x(-(hip + shin)))
            turn(_FOOT[s], _rot_x(shin))  # keep the foot flat
            turn(_UPPER_ARM[s], _rot_x(torso + arms))
        turn(1, _rot_x(-torso))
        turn(2, _rot_x(-0.3 * torso))  # look down a little
        return feet
    if kind == 'raise':
        # Straight arms swing up to overhead in a vertical plane turned
        # from the sagittal plane (0 deg) towards the frontal one (90 deg).
        lift = np.minimum(deg(150.0) * amp, deg(175.0)) * _ease(phase)
        plane = deg(90.0 * style)
        for s in both:
            axis = np.array([np.cos(plane), 0.0, s * np.sin(plane)])
            turn(_UPPER_ARM[s], _rot_axis(axis, lift))
            turn(_FOREARM[s], _rot_x(0.1 * lift))
        return feet
    raise ValueError(f'unknown motion kind {kind!r}')


def _idle_rotations(rng: np.random.Generator, frames: np.ndarray,
                    rot: np.ndarray) -> None:
    """Add a slow, small sway of the torso, head and arms (all classes).

    Args:
        rng (np.random.Generator): Random generator.
        frames (np.ndarray): Frame indices, shape (T, ).
        rot (np.ndarray): Local rotations, modified in place.
    """
    amp = np.deg2rad(_IDLE_DEG)
    for joint, axis in ((1, _rot_z), (1, _rot_x), (3, _rot_x), (5, _rot_x),
                        (9, _rot_x), (6, _rot_x), (10, _rot_x)):
        freq = rng.uniform(0.15, 0.5) / _FPS
        size = amp * rng.uniform(0.3, 1.0)
        start = rng.uniform(0, 2 * np.pi)
        angle = size * np.sin(2 * np.pi * freq * frames + start)
        rot[:, joint] = rot[:, joint] @ axis(angle)


def _bone_offsets(rng: np.random.Generator) -> np.ndarray:
    """Draw a body: the rest bone vectors scaled by size and proportions.

    Args:
        rng (np.random.Generator): Random generator.

    Returns:
        np.ndarray: Bone vectors (parent to joint), shape (V, 3).
    """
    offsets = REST_SKELETON.copy()
    for j, p in enumerate(JOINT_PARENTS):
        if p >= 0:
            offsets[j] = REST_SKELETON[j] - REST_SKELETON[p]
    # Same proportions on both sides: draw for the right side and the
    # trunk, mirror to the left.
    jitter = 1.0 + rng.uniform(-_BONE_JITTER, _BONE_JITTER, NUM_JOINTS)
    for left, right in ((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17),
                        (14, 18), (15, 19), (21, 23), (22, 24)):
        jitter[left] = jitter[right]
    offsets *= jitter[:, None] * rng.uniform(*_SCALE_RANGE)
    offsets[0] = 0.0
    return offsets


def _make_sample(rng: np.random.Generator, label: int, num_frames: int,
                 offsets: np.ndarray) -> np.ndarray:
    """Generate the skeleton sequence of one sample.

    Args:
        rng (np.random.Generator): Random generator.
        label (int): Class index.
        num_frames (int): Sequence length T.
        offsets (np.ndarray): Bone vectors of the body, shape (V, 3).

    Returns:
        np.ndarray: Joint positions, shape (T, V, 3), float64.
    """
    kind, speed, base_freq, style_range = _CLASS_SPECS[label]
    style = rng.uniform(*style_range)
    frames = np.arange(num_frames, dtype=np.float64)
    jitter = rng.uniform(-_SPEED_JITTER, _SPEED_JITTER)
    freq = base_freq * speed * (1.0 + jitter)
    phase = 2 * np.pi * freq * frames / _FPS + rng.uniform(0, 2 * np.pi)
    amp = 1.0 + rng.uniform(-_AMP_JITTER, _AMP_JITTER)

    rot = np.broadcast_to(np.eye(3), (num_frames, NUM_JOINTS, 3, 3)).copy()
    _idle_rotations(rng, frames, rot)
    stance = _action_rotations(kind, style, phase, amp, rot)
    pos = _forward_kinematics(offsets, rot)

    # Keep the supporting feet where they are at rest (no sliding, no
    # floating); at rest a joint is at the sum of the bone vectors from
    # the root.
    rest = np.zeros((len(stance), 3))
    for n, joint in enumerate(stance):
        while joint >= 0:
            rest[n] += offsets[joint]
            joint = JOINT_PARENTS[joint]
    shift = (rest - pos[:, stance]).mean(1)
    pos += shift[:, None]

    yaw = rng.uniform(-_MAX_YAW, _MAX_YAW)
    pos = pos @ _rot_y(np.array([yaw]))[0].T
    pos += np.array([
        rng.uniform(*_SHIFT_X),
        rng.uniform(*_SHIFT_Y),
        rng.uniform(*_SHIFT_Z)
    ])
    pos += rng.normal(0.0, _NOISE_STD, pos.shape)
    return pos


def _check_int(name: str, value: int, minimum: int) -> None:
    """Raise ``ValueError`` unless ``value`` is an int >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f'{name} must be an int, got {value!r}')
    if value < minimum:
        raise ValueError(f'{name} must be >= {minimum}, got {value}')


def make_synthetic_actions(num_per_class: int,
                           seed: int = 0,
                           min_frames: int = 40,
                           max_frames: int = 64,
                           prefix: str = 'syn') -> List[Dict]:
    """Generate a class-balanced set of synthetic skeleton actions.

    Every sample is one person of random size and proportions performing
    the action of its class with random length, phase, amplitude (+-20%)
    and speed (+-15%), turned about the vertical axis (+-25 deg), placed
    at a random position in front of the sensor and disturbed with
    Gaussian joint noise (1.5 cm). The output depends only on the
    arguments: sample ``i`` of class ``c`` is drawn from
    ``np.random.default_rng((seed, c, i))``, so a larger ``num_per_class``
    extends the set without changing the samples already in it.

    Args:
        num_per_class (int): Number of samples of every class (>= 1).
        seed (int): Non-negative random seed. Defaults to 0.
        min_frames (int): Shortest sequence length (>= 2). Defaults to 40.
        max_frames (int): Longest sequence length (>= ``min_frames``).
            Defaults to 64.
        prefix (str): Prefix of the ``frame_dir`` of every sample.
            Defaults to ``'syn'``.

    Returns:
        list[dict]: ``len(SYNTHETIC_CLASSES) * num_per_class`` annotations
        in MMAction2 ``PoseDataset`` format, ordered by class: ``frame_dir``
        (str, unique, ``f'{prefix}_c{label:02d}_{i:03d}'``), ``label``
        (int), ``keypoint`` (np.ndarray, float32, shape (1, T, 25, 3), in
        metres) and ``total_frames`` (int, T).
    """
    _check_int('num_per_class', num_per_class, 1)
    _check_int('seed', seed, 0)
    _check_int('min_frames', min_frames, 2)
    _check_int('max_frames', max_frames, 2)
    if max_frames < min_frames:
        raise ValueError(f'max_frames ({max_frames}) must be >= min_frames '
                         f'({min_frames})')
    if not isinstance(prefix, str):
        raise ValueError(f'prefix must be a str, got {prefix!r}')

    annotations = []
    for label in range(len(SYNTHETIC_CLASSES)):
        for i in range(num_per_class):
            rng = np.random.default_rng((int(seed), label, i))
            num_frames = int(rng.integers(min_frames, max_frames + 1))
            offsets = _bone_offsets(rng)
            pos = _make_sample(rng, label, num_frames, offsets)
            annotations.append(
                dict(
                    frame_dir=f'{prefix}_c{label:02d}_{i:03d}',
                    label=label,
                    keypoint=pos[None].astype(np.float32),
                    total_frames=num_frames))
    return annotations
