"""PoseTracker keeps persons in their slots."""
import numpy as np

from aclnet_mm.apis.pose_backends import PersonPose
from aclnet_mm.apis.tracking import PoseTracker, box_iou


def _person(x, y, size=10.):
    xy = np.array([[x, y], [x + size, y + size]], np.float32)
    return PersonPose(xy, np.ones(2, np.float32))


def test_box_iou():
    assert box_iou((0, 0, 2, 2), (1, 1, 3, 3)) == 1 / 7
    assert box_iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0.


def test_slots_follow_persons_when_the_detection_order_swaps():
    tracker = PoseTracker(max_person=2)
    a, b = _person(0, 0), _person(100, 0)
    assert tracker.update([a, b]) == [a, b]
    a2, b2 = _person(2, 1), _person(103, 0)
    assert tracker.update([b2, a2]) == [a2, b2]  # detector swapped them
    # b is missed for a frame, then comes back into its slot
    a3 = _person(4, 1)
    assert tracker.update([a3]) == [a3, None]
    b4 = _person(106, 0)
    assert tracker.update([b4, _person(5, 1)])[1] is b4


def test_extra_persons_are_dropped_and_far_jumps_use_the_nearest_slot():
    tracker = PoseTracker(max_person=1)
    p, q = _person(0, 0), _person(500, 500)
    assert tracker.update([p, q]) == [p]
    far = _person(50, 0)  # no overlap: the free slot by nearest centre
    assert tracker.update([far]) == [far]
