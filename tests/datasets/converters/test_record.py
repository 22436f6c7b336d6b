"""The one detection stacker, on hand-made sequences."""
import numpy as np

from aclnet_mm.datasets.converters.record import Detection, stack_detections


def _det(value, score, track=None):
    """A 2-joint detection whose coordinates all equal ``value``."""
    return Detection(score, track, np.full((2, 2), value, np.float32),
                     np.full(2, score, np.float32))


def test_untracked_ranks_each_frame_by_score_and_fills_gaps():
    frames = {3: [_det(1, .2), _det(2, .9), _det(3, .5)], 5: [_det(4, .7)]}
    keypoint, score, counts = stack_detections(frames, max_person=2)
    assert keypoint.shape == (2, 3, 2, 2) and score.shape == (2, 3, 2)
    assert keypoint[:, :, 0, 0].tolist() == [[2, 0, 4], [3, 0, 0]]
    assert counts == dict(
        missing_frames=1, multi_person_frames=1, multi_person_sequences=1)
    # equal scores keep their order
    keypoint, _, _ = stack_detections({0: [_det(1, .5), _det(2, .5)]}, 1)
    assert keypoint[0, 0, 0, 0] == 1


def test_tracked_keeps_best_tracks_in_fixed_slots():
    frames = {
        0: [_det(1, .9, track=7), _det(2, .1, track=3)],
        1: [_det(3, .2, track=3), _det(4, .6, track=5)],
        2: [_det(5, .9, track=3)],
    }
    # summed scores: track 3 -> 1.2, track 7 -> 0.9, track 5 -> 0.6
    keypoint, _, _ = stack_detections(frames, max_person=2)
    assert keypoint[:, :, 0, 0].tolist() == [[2, 3, 5], [1, 0, 0]]
    # a repeated track ID in one frame falls back to ranking by score
    frames[2].append(_det(6, .95, track=3))
    keypoint, _, _ = stack_detections(frames, max_person=1)
    assert keypoint[0, :, 0, 0].tolist() == [1, 4, 6]


def test_span_overrides_the_detected_range():
    keypoint, _, counts = stack_detections({2: [_det(1, .5)]}, 1, span=(1, 4))
    assert keypoint[0, :, 0, 0].tolist() == [0, 1, 0, 0]
    assert counts['missing_frames'] == 3
