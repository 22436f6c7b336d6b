"""Video, webcam or stream in; skeletons and actions out.

    python tools/infer_video.py CONFIG CHECKPOINT (VIDEO | --webcam N |
        --stream URL) [--backend mediapipe|mmpose|stub]
        [--pose-model pose_landmarker_full.task]
        [--out-video out.mp4] [--out-json timeline.json]
        [--window 48 --stride 8]

Each frame goes through the pose backend, the persons are tracked into the
config's ``FormatGCNInput(num_person)`` slots, and every ``--stride``
frames the last ``--window`` frames are classified. Each new prediction is
printed as one line (in live mode as the frames arrive); ``--out-video``
writes the frames with the skeletons, the label and its score drawn on
them (``.mp4``: mp4v, ``.avi``: MJPG), ``--out-json`` the timeline (the
windows' predictions and the smoothed segments). At the end a summary
gives the frames with a person, the median pose time per frame and the
end-to-end frames per second.

Backends: ``mediapipe`` (offline BlazePose; ``--pose-model`` is the
``.task`` bundle of ``tools/video/make_pose_task.py``), ``mmpose``
(``--pose-config`` / ``--pose-checkpoint``), ``stub`` (``--poses F.npz``
with ``keypoints`` (T, M, V, C) and optionally ``scores`` (T, M, V):
poses computed elsewhere). The backend's layout follows the model:
``coco`` for 2D configs, ``nturgb+d`` for 3D ones.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np

from aclnet_mm.apis import SkeletonRecognizer
from aclnet_mm.engine import CheckpointError


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Classify the actions in a video, webcam or stream.')
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='.pth checkpoint or .onnx file')
    parser.add_argument('video', nargs='?', help='a video file')
    parser.add_argument('--webcam', type=int, help='camera index')
    parser.add_argument('--stream', help='a stream URL (rtsp://, http://)')
    parser.add_argument('--backend', default='mediapipe',
                        choices=['mediapipe', 'mmpose', 'stub'])
    parser.add_argument('--pose-model', help='MediaPipe .task bundle')
    parser.add_argument('--pose-config', help='MMPose config')
    parser.add_argument('--pose-checkpoint', help='MMPose checkpoint')
    parser.add_argument('--poses', help='stub backend: .npz of poses')
    parser.add_argument('--out-video')
    parser.add_argument('--out-json')
    parser.add_argument('--window', type=int, default=48)
    parser.add_argument('--stride', type=int, default=8)
    parser.add_argument('--topk', type=int, default=5)
    parser.add_argument('--label-map')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--max-frames', type=int,
                        help='stop after this many frames')
    args = parser.parse_args(argv)
    sources = [args.video is not None, args.webcam is not None,
               args.stream is not None]
    if sum(sources) != 1:
        parser.error('give exactly one of VIDEO, --webcam N, --stream URL')
    return args


def open_source(args):
    """``(cv2.VideoCapture, name, live)``; exits on a source that fails."""
    import cv2
    if args.video is not None:
        source, name, live = args.video, args.video, False
    elif args.webcam is not None:
        source, name, live = args.webcam, f'webcam {args.webcam}', True
    else:
        source, name, live = args.stream, args.stream, True
    cap = cv2.VideoCapture(source)
    if not cap.isOpened():
        raise SystemExit(f'error: {name}: cannot be opened as a video')
    return cap, name, live


def frames_of(cap, max_frames=None):
    """Yield BGR frames until the source ends."""
    count = 0
    while max_frames is None or count < max_frames:
        ok, frame = cap.read()
        if not ok:
            return
        count += 1
        yield frame


def open_writer(path, fps, size):
    import cv2
    fourcc = 'MJPG' if path.lower().endswith('.avi') else 'mp4v'
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*fourcc), fps,
                             size)
    if not writer.isOpened():
        raise SystemExit(f'error: {path}: cannot be written ({fourcc})')
    return writer


def main(argv=None):
    args = parse_args(argv)
    from aclnet_mm.apis.overlay import draw_overlay
    from aclnet_mm.apis.pose_backends import build_backend
    from aclnet_mm.apis.video import VideoActionRecognizer
    try:
        rec = SkeletonRecognizer(args.config, args.checkpoint, args.device,
                                 args.label_map)
    except (FileNotFoundError, CheckpointError) as err:
        raise SystemExit(f'error: {err}')
    layout = 'nturgb+d' if rec.spec.num_coords == 3 else 'coco'
    cap, name, live = open_source(args)
    fps = cap.get(5) or 30.  # cv2.CAP_PROP_FPS
    poses = None
    if args.backend == 'stub':
        if args.poses is None:
            raise SystemExit('error: --backend stub needs --poses F.npz')
        data = np.load(args.poses)
        poses = (data['keypoints'],
                 data['scores'] if 'scores' in data else None)
    try:
        backend = build_backend(args.backend, layout, args.pose_config,
                                args.pose_checkpoint, args.device, poses,
                                args.pose_model, fps)
    except (ImportError, ValueError) as err:
        cap.release()
        raise SystemExit(f'error: {err}')
    video = VideoActionRecognizer(rec, backend, args.window, args.stride,
                                  args.topk, fps)
    writer = None
    start = time.perf_counter()
    try:
        for frame in frames_of(cap, args.max_frames):
            result = video.step(frame)
            if result.prediction is not None:
                p, (s, e) = result.prediction, result.window
                print(f'frames {s:>5}-{e - 1:<5} ({e / fps:7.2f} s)  '
                      f'{p.names[0]}  {p.score:.3f}', flush=True)
            if args.out_video:
                if writer is None:
                    h, w = frame.shape[:2]
                    writer = open_writer(args.out_video, fps, (w, h))
                cur = result.current
                text = f'{cur.names[0]} {cur.score:.2f}' if cur else None
                writer.write(draw_overlay(frame, result.persons, layout,
                                          text))
        late = video.finish()
        if late is not None:
            print(f'whole clip ({video.timeline.num_frames} frames)  '
                  f'{late.names[0]}  {late.score:.3f}')
    except KeyboardInterrupt:
        if not live:
            raise
    finally:
        elapsed = time.perf_counter() - start
        cap.release()
        backend.close()
        if writer is not None:
            writer.release()
    tl = video.timeline
    if args.out_json:
        with open(args.out_json, 'w') as f:
            json.dump(dict(source=name, **tl.to_dict(rec.class_names)), f,
                      indent=1)
    median = statistics.median(tl.pose_ms) if tl.pose_ms else float('nan')
    share = tl.frames_with_person / max(1, tl.num_frames)
    print(f'{name}: {tl.num_frames} frames, person in '
          f'{tl.frames_with_person} ({share:.1%}), '
          f'median pose {median:.1f} ms/frame, '
          f'{tl.num_frames / max(elapsed, 1e-9):.1f} frames/s end to end, '
          f'{len(tl.windows)} prediction(s)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
