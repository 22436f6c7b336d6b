"""tools/infer_video.py with the stub backend on a generated video."""
import json
import os

import cv2
import numpy as np
from infer_fixture import (random_checkpoint, save_config, stub_coco_poses,
                           tiny_config, write_video)
from tool_loader import load_tool

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _tool():
    return load_tool(os.path.join(ROOT, 'tools', 'infer_video.py'))


def test_annotated_video_and_timeline(tmp_path, capsys):
    cfg = tiny_config('2d', tmp_path / 'unused.pkl')
    config = save_config(cfg, tmp_path / 'tiny.py')
    ckpt = random_checkpoint(cfg, tmp_path / 't.pth')
    video = write_video(tmp_path / 'in.mp4', frames=40, size=(64, 48))
    kp, scores = stub_coco_poses(40)
    np.savez(tmp_path / 'poses.npz', keypoints=kp, scores=scores)
    out_video, out_json = tmp_path / 'out.mp4', tmp_path / 'timeline.json'
    assert _tool().main([
        config, ckpt, video, '--backend', 'stub', '--poses',
        str(tmp_path / 'poses.npz'), '--window', '16', '--stride', '8',
        '--out-video', str(out_video), '--out-json', str(out_json)
    ]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert sum(line.startswith('frames ') for line in printed) == 4
    assert 'person in 40 (100.0%)' in printed[-1]
    cap = cv2.VideoCapture(str(out_video))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    assert len(frames) == 40 and frames[0].shape == (48, 64, 3)
    src = cv2.VideoCapture(video)
    _, first = src.read()
    assert np.abs(frames[0].astype(int) - first).max() > 50  # drawn on
    timeline = json.loads(out_json.read_text())
    assert timeline['num_frames'] == 40
    assert [(w['start'], w['end']) for w in timeline['windows']] == [
        (0, 16), (8, 24), (16, 32), (24, 40)
    ]
    assert timeline['segments'][-1]['end'] == 40


def test_unopenable_source_is_one_line(tmp_path):
    cfg = tiny_config('2d', tmp_path / 'unused.pkl')
    config = save_config(cfg, tmp_path / 'tiny.py')
    ckpt = random_checkpoint(cfg, tmp_path / 't.pth')
    try:
        _tool().main([config, ckpt, str(tmp_path / 'none.mp4'), '--backend',
                      'stub', '--poses', 'x.npz'])
    except SystemExit as err:
        assert 'none.mp4: cannot be opened as a video' in str(err)
    else:
        raise AssertionError('expected SystemExit')
