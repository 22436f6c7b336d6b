"""Facts of every named layout, and user dict layouts."""
import numpy as np
import pytest

from aclnet_mm.datasets.transforms import PartDrop, SpatialFlip
from aclnet_mm.layouts import (LAYOUTS, LayoutFactError, SkeletonLayout,
                               get_layout)

NAMES = sorted(LAYOUTS)


def test_every_expected_layout_is_named():
    assert NAMES == ['coco', 'coco_new', 'kinect_v1', 'nturgb+d', 'openpose']
    assert [LAYOUTS[n].num_node for n in NAMES] == [17, 20, 20, 25, 18]


@pytest.mark.parametrize('name', NAMES)
def test_parents_form_one_tree(name):
    layout = LAYOUTS[name]
    parents = layout.parents()
    assert parents.count(-1) == 1  # one root
    for joint in range(layout.num_node):  # every joint reaches it
        seen = set()
        while parents[joint] != -1:
            assert joint not in seen
            seen.add(joint)
            joint = parents[joint]
    # re-rooting keeps the same undirected edges
    rerooted = layout.parents(root=0)
    edges = {frozenset(e) for e in layout.inward}
    assert {frozenset((c, p))
            for c, p in enumerate(rerooted) if p != -1} == edges


@pytest.mark.parametrize('name', NAMES)
def test_flip_pairs_are_symmetric_and_named_left_right(name):
    layout = LAYOUTS[name]
    flat = [j for pair in layout.flip_pairs for j in pair]
    assert len(flat) == len(set(flat))  # no joint in two pairs
    names = layout.joint_names
    for a, b in layout.flip_pairs:
        one, other = sorted((names[a], names[b]))
        assert 'left' in one and one.replace('left', 'right') == other
    for j in set(range(layout.num_node)) - set(flat):  # the mid-line
        assert 'left' not in names[j] and 'right' not in names[j]
    perm = layout.flip_permutation()
    assert sorted(perm) == list(range(layout.num_node))
    assert [perm[p] for p in perm] == list(range(layout.num_node))
    # a flip maps every edge onto an edge
    edges = {frozenset(e) for e in layout.inward}
    assert {frozenset((perm[a], perm[b])) for a, b in layout.inward} == edges


@pytest.mark.parametrize('name', NAMES)
def test_body_parts_cover_the_limbs_and_mirror(name):
    layout = LAYOUTS[name]
    parts = layout.body_parts
    assert len(parts) == 4
    flat = [j for part in parts for j in part]
    assert len(flat) == len(set(flat))  # disjoint
    limbs = ('elbow', 'wrist', 'hand', 'thumb', 'knee', 'ankle', 'foot')
    for j, joint in enumerate(layout.joint_names):
        if any(word in joint for word in limbs):
            assert j in flat, joint
    perm = layout.flip_permutation()
    left_arm, left_leg, right_arm, right_leg = map(set, parts)
    assert {perm[j] for j in left_arm} == right_arm
    assert {perm[j] for j in left_leg} == right_leg
    for j in left_arm | left_leg:
        assert 'left' in layout.joint_names[j]


@pytest.mark.parametrize('name', NAMES)
def test_bone_parents_are_joints_and_centre_is_a_joint(name):
    layout = LAYOUTS[name]
    bones = layout.bone_parents()
    assert len(bones) == layout.num_node
    assert all(0 <= p < layout.num_node for p in bones)
    assert 0 <= layout.center < layout.num_node
    assert len(layout.joint_names) == len(set(layout.joint_names))


def test_kinect_v1_flip_and_part_drop_work():
    kp = np.arange(2 * 3 * 20 * 3, dtype=np.float32).reshape(2, 3, 20, 3)
    flipped = SpatialFlip(layout='kinect_v1', p=1.)(dict(keypoint=kp))
    left_hand, right_hand = 7, 11  # HandLeft, HandRight
    np.testing.assert_array_equal(flipped['keypoint'][:, :, left_hand],
                                  kp[:, :, right_hand])
    np.testing.assert_array_equal(flipped['keypoint'][:, :, 0], kp[:, :, 0])
    dropped = PartDrop(p=1., layout='kinect_v1')(dict(keypoint=kp.copy()))
    zero = np.flatnonzero(~dropped['keypoint'].any(axis=(0, 1, 3)))
    assert tuple(zero) in LAYOUTS['kinect_v1'].body_parts


def test_dict_layout_missing_facts_give_clear_errors():
    user = dict(num_node=3, inward=[(1, 0), (2, 1)], center=0)
    layout = get_layout(user)
    assert isinstance(layout, SkeletonLayout) and layout.name == 'custom'
    assert layout.parents() == (-1, 0, 1)
    with pytest.raises(LayoutFactError, match="SpatialFlip needs the "
                       "'flip_pairs'"):
        SpatialFlip(layout=user)
    with pytest.raises(LayoutFactError, match="PartDrop needs the "
                       "'body_parts'"):
        PartDrop(layout=user)
    full = dict(user, flip_pairs=[(1, 2)], body_parts=[(1, ), (2, )])
    assert SpatialFlip(layout=full, p=1.).permutation.tolist() == [0, 2, 1]
    assert PartDrop(layout=full).parts == ((1, ), (2, ))


@pytest.mark.parametrize('bad, match', [
    (dict(num_node=2, inward=[(1, 0)]), 'lacks the keys'),
    (dict(num_node=2, inward=[(1, 5)], center=0), 'not a pair'),
    (dict(num_node=2, inward=[], center=2), 'center'),
    (dict(num_node=2, inward=[], center=0, parts=[]), 'unknown keys'),
    (dict(num_node=2, inward=[], center=0, joint_names=['a']), 'names'),
])
def test_bad_dict_layouts(bad, match):
    with pytest.raises(ValueError, match=match):
        get_layout(bad)


def test_two_parents_and_cycles_are_refused():
    with pytest.raises(ValueError, match='more than one parent'):
        get_layout(dict(num_node=3, inward=[(2, 0), (2, 1)],
                        center=0)).parents()
    with pytest.raises(ValueError, match='cycle'):
        get_layout(dict(num_node=2, inward=[(0, 1), (1, 0)],
                        center=0)).parents()
    with pytest.raises(ValueError, match='unknown|Unknown'):
        get_layout('kinect_v3')
