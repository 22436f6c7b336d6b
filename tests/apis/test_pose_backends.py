"""Pose backends: the BlazePose joint table, the stub, lazy imports."""
import importlib.util
import os

import numpy as np
import pytest

from aclnet_mm.apis.pose_backends import (BLAZEPOSE_TO, LAYOUT_JOINTS,
                                          MEDIAPIPE_TO_NTU_AXES,
                                          MediaPipeBackend, MMPoseBackend,
                                          StubPoseBackend, build_backend,
                                          map_blazepose)


def test_table_has_one_row_per_joint_and_valid_sources():
    for layout, rows in BLAZEPOSE_TO.items():
        assert len(rows) == LAYOUT_JOINTS[layout]
        assert all(0 <= i < 33 for row in rows for i in row)


def test_map_blazepose_against_hand_picked_joints():
    marks = np.arange(33 * 3, dtype=np.float32).reshape(33, 3)
    coco = map_blazepose(marks, 'coco')
    np.testing.assert_array_equal(coco[9], marks[15])  # left wrist
    np.testing.assert_array_equal(coco[12], marks[24])  # right hip
    ntu = map_blazepose(marks, 'nturgb+d')
    np.testing.assert_allclose(ntu[0], (marks[23] + marks[24]) / 2)
    np.testing.assert_allclose(ntu[20], (marks[11] + marks[12]) / 2)
    np.testing.assert_array_equal(ntu[6], marks[15])  # NTU 7: left wrist
    np.testing.assert_array_equal(ntu[18], marks[28])  # NTU 19: r. ankle
    # world axes: a 180 degree turn about z (a rotation, det +1)
    assert np.prod(MEDIAPIPE_TO_NTU_AXES) == 1


def test_stub_returns_frames_in_order_and_skips_absent_persons():
    kp = np.zeros((2, 2, 17, 2), np.float32)
    kp[0, 0] = 1.
    kp[1, :] = 2.
    stub = StubPoseBackend(kp)
    first, second, after = stub(None), stub(None), stub(None)
    assert len(first) == 1 and first[0].keypoints[0, 0] == 1.
    assert len(second) == 2 and after == []
    with pytest.raises(ValueError, match=r'\(T, M, 25, C\)'):
        StubPoseBackend(kp, layout='nturgb+d')


def test_mmpose_backend_error_is_clear_without_mmpose():
    if importlib.util.find_spec('mmpose') is not None:
        pytest.skip('mmpose is installed')
    with pytest.raises(ImportError, match='needs MMPose'):
        MMPoseBackend('some_config.py')
    with pytest.raises(ValueError, match='2D COCO-17'):
        build_backend('mmpose', 'nturgb+d')


POSE_TASK = os.environ.get('ACLNET_POSE_TASK', '')


@pytest.mark.skipif(
    importlib.util.find_spec('mediapipe') is None
    or not os.path.isfile(POSE_TASK),
    reason='needs mediapipe and ACLNET_POSE_TASK=<pose_landmarker .task>')
def test_mediapipe_backend_on_a_blank_frame_finds_nobody():
    backend = MediaPipeBackend('coco', model_path=POSE_TASK)
    try:
        assert backend(np.zeros((96, 128, 3), np.uint8)) == []
    finally:
        backend.close()
