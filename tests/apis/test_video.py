"""The video path: frames -> stub poses -> tracking -> rolling window."""
import cv2
import numpy as np
import pytest
from infer_fixture import (random_checkpoint, stub_coco_poses, tiny_config,
                           write_video)

from aclnet_mm.apis import SkeletonRecognizer
from aclnet_mm.apis.overlay import draw_overlay
from aclnet_mm.apis.pose_backends import StubPoseBackend
from aclnet_mm.apis.video import VideoActionRecognizer


def _frames(path):
    cap = cv2.VideoCapture(path)
    while True:
        ok, frame = cap.read()
        if not ok:
            return
        yield frame


@pytest.fixture
def recognizer(tmp_path):
    cfg = tiny_config('2d', tmp_path / 'unused.pkl')
    return SkeletonRecognizer(cfg, random_checkpoint(cfg, tmp_path / 't.pth'))


def test_windows_score_the_stub_poses(recognizer, tmp_path):
    video = write_video(tmp_path / 'v.mp4', frames=40)
    kp, scores = stub_coco_poses(40)
    runner = VideoActionRecognizer(recognizer, StubPoseBackend(kp, scores),
                                   window=16, stride=8, topk=2, fps=10)
    results = list(runner.run(_frames(video)))
    assert len(results) == 40
    got = [(r.index, r.window) for r in results if r.prediction]
    assert got == [(15, (0, 16)), (23, (8, 24)), (31, (16, 32)),
                   (39, (24, 40))]
    # each window equals the model on the stub's own poses of its frames
    for r in results:
        if r.prediction is None:
            continue
        s, e = r.window
        want = recognizer.predict(kp[s:e].transpose(1, 0, 2, 3),
                                  scores[s:e].transpose(1, 0, 2),
                                  img_shape=(48, 64))
        np.testing.assert_allclose(r.prediction.all_scores, want.all_scores,
                                   atol=1e-6)
    tl = runner.timeline.to_dict(recognizer.class_names)
    assert tl['num_frames'] == 40 and tl['frames_with_person'] == 40
    assert len(tl['windows']) == 4 and tl['segments'][-1]['end'] == 40


def test_short_clip_is_classified_once_at_the_end(recognizer, tmp_path):
    video = write_video(tmp_path / 'short.avi', frames=6)
    kp, scores = stub_coco_poses(6)
    runner = VideoActionRecognizer(recognizer, StubPoseBackend(kp, scores),
                                   window=16, stride=8)
    results = list(runner.run(_frames(video)))
    assert not any(r.prediction for r in results)
    ((start, end, _), ) = runner.timeline.windows
    assert (start, end) == (0, 6)


def test_backend_layout_must_fit_the_model(recognizer):
    stub = StubPoseBackend(np.zeros((1, 1, 25, 3)), layout='nturgb+d')
    with pytest.raises(ValueError, match=r'25 joints in 3D.*\(M, T, 17, 2\)'):
        VideoActionRecognizer(recognizer, stub)


def test_overlay_draws_something():
    kp, scores = stub_coco_poses(1)
    stub = StubPoseBackend(kp, scores)
    frame = np.zeros((48, 64, 3), np.uint8)
    out = draw_overlay(frame, stub(frame), 'coco', 'wave 0.90')
    assert out.shape == frame.shape and out.any() and not frame.any()
