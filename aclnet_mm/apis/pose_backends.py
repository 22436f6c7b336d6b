"""Pose estimators behind one small interface, for video inference.

A :class:`PoseBackend` turns one BGR frame into the persons in it, each a
:class:`PersonPose` in one of our layouts: ``'coco'`` (17 joints, 2D
pixels, for the 2D configs) or ``'nturgb+d'`` (25 joints, 3D metres, for
the 3D configs). Backends:

- :class:`StubPoseBackend`: poses read from an array, one frame per call
  (tests, or poses computed elsewhere);
- :class:`MMPoseBackend`: MMPose's inferencer with your own config and
  checkpoint (COCO-17 models), as MMAction2's skeleton demo uses; needs
  ``mmpose`` (not part of any extra here);
- :class:`MediaPipeBackend`: MediaPipe's BlazePose, offline (the models
  come from the ``mediapipe==0.10.21`` wheel); 33 landmarks mapped to
  ``coco`` or ``nturgb+d`` by :data:`BLAZEPOSE_TO`.
"""
import os
import zipfile
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from aclnet_mm.layouts import get_layout

#: Joints per layout a backend can produce.
LAYOUT_JOINTS = {
    name: get_layout(name).num_node
    for name in ('coco', 'nturgb+d')
}

# BlazePose's 33 landmarks (MediaPipe's PoseLandmark order): 0 nose,
# 1-3 left eye inner/centre/outer, 4-6 right eye inner/centre/outer,
# 7/8 left/right ear, 9/10 mouth left/right, 11/12 shoulders, 13/14 elbows,
# 15/16 wrists, 17/18 pinkies, 19/20 index fingers, 21/22 thumbs,
# 23/24 hips, 25/26 knees, 27/28 ankles, 29/30 heels, 31/32 foot index
# (odd = the person's left, even = right, from 11 on).
#
#: THE joint table: for each joint of our layout (in the layout's order),
#: the BlazePose landmarks whose mean it is. Used for the 2D pixels, the
#: scores (visibility) and the 3D world coordinates alike.
BLAZEPOSE_TO = {
    # COCO-17: nose, eyes, ears, shoulders, elbows, wrists, hips, knees,
    # ankles (left before right).
    'coco': ((0, ), (2, ), (5, ), (7, ), (8, ), (11, ), (12, ), (13, ),
             (14, ), (15, ), (16, ), (23, ), (24, ), (25, ), (26, ), (27, ),
             (28, )),
    # NTU RGB+D (Kinect v2), 0-based.
    'nturgb+d': (
        (23, 24),  # 0 spine base: mid-hip
        (11, 12, 23, 24),  # 1 spine mid: between mid-hip and mid-shoulder
        (9, 10, 11, 12),  # 2 neck: between mouth and mid-shoulder
        (7, 8),  # 3 head: mid-ear
        (11, ), (13, ), (15, ),  # 4-6 left shoulder, elbow, wrist
        (17, 19),  # 7 left hand: mid pinky/index
        (12, ), (14, ), (16, ),  # 8-10 right shoulder, elbow, wrist
        (18, 20),  # 11 right hand
        (23, ), (25, ), (27, ), (31, ),  # 12-15 left hip, knee, ankle, foot
        (24, ), (26, ), (28, ), (32, ),  # 16-19 right hip ... foot
        (11, 12),  # 20 spine shoulder: mid-shoulder
        (19, ), (21, ),  # 21/22 left hand tip (index), thumb
        (20, ), (22, ),  # 23/24 right hand tip, thumb
    ),
}

#: MediaPipe world coordinates (x right, y down, z away from the camera,
#: metres, origin mid-hip) to NTU camera space (x to the person's right
#: when facing the camera, y up, z away): a 180 degree turn about z.
MEDIAPIPE_TO_NTU_AXES = np.array([-1., -1., 1.], dtype=np.float32)


@dataclass
class PersonPose:
    """One person in one frame.

    Args:
        keypoints (np.ndarray): ``(V, 2)`` pixels or ``(V, 3)`` metres, in
            the backend's layout.
        scores (np.ndarray): ``(V, )`` per-joint confidence in [0, 1].
        image_xy (np.ndarray, optional): ``(V, 2)`` pixels, for drawing and
            tracking when ``keypoints`` are 3D. Defaults to None (then the
            first two columns of ``keypoints`` are the pixels).
    """

    keypoints: np.ndarray
    scores: np.ndarray
    image_xy: Optional[np.ndarray] = None

    @property
    def pixels(self) -> np.ndarray:
        """np.ndarray: ``(V, 2)`` image coordinates."""
        return self.keypoints[:, :2] if self.image_xy is None else \
            self.image_xy

    def box(self, min_score: float = 0.1) -> Tuple[float, float, float,
                                                   float]:
        """``(x0, y0, x1, y1)`` around the joints scoring >= min_score."""
        xy = self.pixels
        keep = self.scores >= min_score
        if keep.any():
            xy = xy[keep]
        return (float(xy[:, 0].min()), float(xy[:, 1].min()),
                float(xy[:, 0].max()), float(xy[:, 1].max()))


class PoseBackend:
    """Frames in, persons out.

    Subclasses set ``layout`` (``'coco'`` or ``'nturgb+d'``) and
    ``num_coords`` (2 or 3) and implement ``__call__``.
    """

    layout: str = 'coco'
    num_coords: int = 2

    @property
    def num_joints(self) -> int:
        """int: Joints ``V`` per person."""
        return LAYOUT_JOINTS[self.layout]

    def __call__(self, frame_bgr: np.ndarray) -> List[PersonPose]:
        """Estimate the poses in one frame.

        Args:
            frame_bgr (np.ndarray): ``(H, W, 3)`` uint8, OpenCV's BGR.

        Returns:
            list[PersonPose]: The persons found (maybe none).
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release the estimator (no-op by default)."""


class StubPoseBackend(PoseBackend):
    """Poses from an array: call ``t`` returns frame ``t``'s persons.

    Args:
        keypoints (np.ndarray): ``(T, M, V, C)``; a person whose joints are
            all zero is absent in that frame. Frames after ``T`` are empty.
        scores (np.ndarray, optional): ``(T, M, V)``; ones if None.
        layout (str): ``'coco'`` or ``'nturgb+d'``. Defaults to ``'coco'``.
        image_xy (np.ndarray, optional): ``(T, M, V, 2)`` pixels for 3D
            keypoints. Defaults to None.
    """

    def __init__(self,
                 keypoints: np.ndarray,
                 scores: Optional[np.ndarray] = None,
                 layout: str = 'coco',
                 image_xy: Optional[np.ndarray] = None) -> None:
        keypoints = np.asarray(keypoints, dtype=np.float32)
        if layout not in LAYOUT_JOINTS:
            raise ValueError(f'layout must be one of {sorted(LAYOUT_JOINTS)}'
                             f', got {layout!r}')
        if keypoints.ndim != 4 or keypoints.shape[2] != LAYOUT_JOINTS[
                layout]:
            raise ValueError(
                f'StubPoseBackend: keypoints have shape {keypoints.shape}, '
                f'expected (T, M, {LAYOUT_JOINTS[layout]}, C) for {layout}')
        self.layout = layout
        self.num_coords = int(keypoints.shape[-1])
        self.keypoints = keypoints
        self.scores = (np.ones(keypoints.shape[:3], np.float32)
                       if scores is None else np.asarray(scores, np.float32))
        self.image_xy = image_xy
        self.frame = 0

    def __call__(self, frame_bgr: np.ndarray) -> List[PersonPose]:
        t, self.frame = self.frame, self.frame + 1
        if t >= len(self.keypoints):
            return []
        persons = []
        for m, kp in enumerate(self.keypoints[t]):
            if not np.any(kp):
                continue
            persons.append(
                PersonPose(
                    kp.copy(), self.scores[t, m].copy(),
                    None if self.image_xy is None else np.asarray(
                        self.image_xy[t, m], np.float32)))
        return persons


class MMPoseBackend(PoseBackend):
    """MMPose's ``MMPoseInferencer`` with a COCO-17 model of your choice.

    Args:
        config (str): The MMPose 2D pose config (or a model alias).
        checkpoint (str, optional): Its checkpoint. Defaults to None.
        device (str): Defaults to ``'cpu'``.
        min_score (float): Persons whose mean joint score is below are
            dropped. Defaults to 0.3.

    Raises:
        ImportError: If ``mmpose`` is not installed.
    """

    layout = 'coco'
    num_coords = 2

    def __init__(self,
                 config: str,
                 checkpoint: Optional[str] = None,
                 device: str = 'cpu',
                 min_score: float = 0.3) -> None:
        try:
            from mmpose.apis import MMPoseInferencer
        except ImportError as err:
            raise ImportError(
                'the mmpose backend needs MMPose (pip install "mmpose>=1.1"; '
                'it also needs mmdet for person detection); or use '
                '--backend mediapipe') from err
        self.inferencer = MMPoseInferencer(
            pose2d=config, pose2d_weights=checkpoint, device=device)
        self.min_score = min_score

    def __call__(self, frame_bgr: np.ndarray) -> List[PersonPose]:
        result = next(self.inferencer(frame_bgr, return_vis=False))
        persons = []
        for inst in result['predictions'][0]:
            kp = np.asarray(inst['keypoints'], np.float32)
            score = np.asarray(inst['keypoint_scores'], np.float32)
            if kp.shape != (17, 2):
                raise ValueError(f'the MMPose model gives keypoints of shape '
                                 f'{kp.shape}; the backend needs COCO-17')
            if score.mean() >= self.min_score:
                persons.append(PersonPose(kp, score))
        return persons


def map_blazepose(landmarks: np.ndarray, layout: str) -> np.ndarray:
    """Map ``(..., 33, C)`` BlazePose values to ``(..., V, C)``.

    Args:
        landmarks (np.ndarray): ``(..., 33, C)`` pixels, world coordinates
            or ``(..., 33, 1)`` visibilities.
        layout (str): ``'coco'`` or ``'nturgb+d'``.

    Returns:
        np.ndarray: ``(..., V, C)``, each joint the mean of its landmarks in
        :data:`BLAZEPOSE_TO`.
    """
    table = BLAZEPOSE_TO[layout]
    return np.stack(
        [landmarks[..., list(src), :].mean(axis=-2) for src in table],
        axis=-2).astype(np.float32)


#: The models a PoseLandmarker ``.task`` bundle holds (the names
#: MediaPipe's ``pose_landmarker_graph.cc`` looks for).
POSE_TASK_MEMBERS = ('pose_detector.tflite', 'pose_landmarks_detector.tflite')


def check_pose_task(path: str) -> None:
    """Refuse a ``--pose-model`` that is not a PoseLandmarker bundle.

    Args:
        path (str): The ``.task`` file.

    Raises:
        ValueError: If it is not a file, not a zip archive or lacks one of
            :data:`POSE_TASK_MEMBERS`; the message names the file.
    """
    hint = ('build it with tools/video/make_pose_task.py (docs/inference.md, '
            '"Video in, actions out")')
    if not os.path.isfile(path):
        raise ValueError(f'the MediaPipe pose model {path} is not a file; '
                         f'{hint}')
    if not zipfile.is_zipfile(path):
        raise ValueError(f'the MediaPipe pose model {path} is not a '
                         f'PoseLandmarker .task bundle (not a zip archive); '
                         f'{hint}')
    with zipfile.ZipFile(path) as bundle:
        names = set(bundle.namelist())
    lacking = [n for n in POSE_TASK_MEMBERS if n not in names]
    if lacking:
        raise ValueError(f'the MediaPipe pose model {path} is not a '
                         f'PoseLandmarker .task bundle: it lacks '
                         f'{", ".join(lacking)}; {hint}')


class MediaPipeBackend(PoseBackend):
    """MediaPipe BlazePose (full model), offline.

    Two MediaPipe APIs, whichever the installed ``mediapipe`` has:

    - the Tasks ``PoseLandmarker`` (``mediapipe>=0.10.30``, which installs
      next to this package's pins) with ``model_path``, a ``.task`` bundle
      built offline by ``tools/video/make_pose_task.py`` from the BlazePose
      models inside the ``mediapipe==0.10.21`` wheel (no wheel since ships
      them);
    - the legacy ``mediapipe.solutions.pose`` (``mediapipe<=0.10.21``,
      which needs ``numpy<2`` and ``protobuf<5``: a separate venv), used
      when ``model_path`` is None.

    Both track one person (VIDEO mode); the 33 landmarks are mapped by
    :data:`BLAZEPOSE_TO`, scores are the landmarks' visibilities.

    Args:
        layout (str): ``'coco'`` (2D pixels) or ``'nturgb+d'`` (3D world
            coordinates in metres, NTU axes). Defaults to ``'coco'``.
        model_path (str, optional): The ``.task`` bundle (Tasks API).
            Defaults to None (legacy API).
        fps (float): Frame rate, for the Tasks API's timestamps.
            Defaults to 30.
        min_confidence (float): Detection / presence / tracking threshold.
            Defaults to 0.5.

    Raises:
        ImportError: If ``mediapipe`` (or the API needed) is missing.
        ValueError: If ``model_path`` is not a PoseLandmarker bundle
            (:func:`check_pose_task`) or MediaPipe cannot load it.
    """

    def __init__(self,
                 layout: str = 'coco',
                 model_path: Optional[str] = None,
                 fps: float = 30.,
                 min_confidence: float = 0.5) -> None:
        if layout not in BLAZEPOSE_TO:
            raise ValueError(f'layout must be one of {sorted(BLAZEPOSE_TO)}'
                             f', got {layout!r}')
        if model_path is not None:
            check_pose_task(model_path)
        try:
            import mediapipe as mp
        except ImportError as err:
            raise ImportError(
                'the mediapipe backend needs mediapipe: pip install -e '
                '".[video]", then build the model bundle with '
                'tools/video/make_pose_task.py (docs/inference.md, "Video in, '
                'actions out")') from err
        self.layout = layout
        self.num_coords = 3 if layout == 'nturgb+d' else 2
        self.fps = float(fps) if fps and fps > 0 else 30.
        self.frame = 0
        self._mp = mp
        if model_path is not None:
            from mediapipe.tasks.python import BaseOptions, vision
            try:
                self.tasks = vision.PoseLandmarker.create_from_options(
                    vision.PoseLandmarkerOptions(
                        base_options=BaseOptions(
                            model_asset_path=model_path),
                        running_mode=vision.RunningMode.VIDEO,
                        num_poses=1,
                        min_pose_detection_confidence=min_confidence,
                        min_pose_presence_confidence=min_confidence,
                        min_tracking_confidence=min_confidence))
            except (RuntimeError, ValueError) as err:  # MediaPipe's status
                first = (str(err).strip().splitlines() or [''])[0]
                raise ValueError(
                    f'MediaPipe cannot load the pose model {model_path}: '
                    f'{first}') from None
            self.legacy = None
            return
        solutions = getattr(mp, 'solutions', None)
        if solutions is None:
            raise ImportError(
                f'mediapipe {mp.__version__} has no legacy solutions API; '
                'give the .task bundle (--pose-model, see '
                'tools/video/make_pose_task.py)')
        self.tasks = None
        self.legacy = solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=1,  # the only model inside the wheel
            smooth_landmarks=True,
            enable_segmentation=False,
            min_detection_confidence=min_confidence,
            min_tracking_confidence=min_confidence)

    def _landmarks(self, rgb: np.ndarray) -> List[Tuple[list, list]]:
        """``[(image landmarks, world landmarks)]`` of the persons found."""
        if self.tasks is not None:
            image = self._mp.Image(
                image_format=self._mp.ImageFormat.SRGB,
                data=np.ascontiguousarray(rgb))
            stamp = int(round(self.frame * 1000. / self.fps))
            result = self.tasks.detect_for_video(image, stamp)
            return list(
                zip(result.pose_landmarks, result.pose_world_landmarks))
        result = self.legacy.process(rgb)
        if result.pose_landmarks is None:
            return []
        return [(result.pose_landmarks.landmark,
                 result.pose_world_landmarks.landmark)]

    def __call__(self, frame_bgr: np.ndarray) -> List[PersonPose]:
        import cv2
        h, w = frame_bgr.shape[:2]
        found = self._landmarks(cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB))
        self.frame += 1
        persons = []
        for marks, world in found:
            pixels = np.array([[p.x * w, p.y * h] for p in marks], np.float32)
            vis = np.array([[p.visibility] for p in marks], np.float32)
            xy = map_blazepose(pixels, self.layout)
            score = map_blazepose(vis, self.layout)[:, 0]
            if self.layout == 'coco':
                persons.append(PersonPose(xy, score))
                continue
            xyz = np.array([[p.x, p.y, p.z] for p in world], np.float32)
            xyz = map_blazepose(xyz, self.layout) * MEDIAPIPE_TO_NTU_AXES
            persons.append(PersonPose(xyz, score, image_xy=xy))
        return persons

    def close(self) -> None:
        (self.tasks or self.legacy).close()


def build_backend(name: str,
                  layout: str,
                  pose_config: Optional[str] = None,
                  pose_checkpoint: Optional[str] = None,
                  device: str = 'cpu',
                  poses: Optional[Sequence[np.ndarray]] = None,
                  pose_model: Optional[str] = None,
                  fps: float = 30.) -> PoseBackend:
    """A backend by name: ``'mediapipe'``, ``'mmpose'`` or ``'stub'``.

    Args:
        name (str): The backend.
        layout (str): The layout the model needs (``'coco'`` or
            ``'nturgb+d'``).
        pose_config (str, optional): MMPose config. Defaults to None.
        pose_checkpoint (str, optional): MMPose checkpoint.
        device (str): Defaults to ``'cpu'``.
        poses (Sequence[np.ndarray], optional): ``(keypoints (T, M, V, C),
            scores (T, M, V) or None)`` for ``'stub'``.
        pose_model (str, optional): MediaPipe ``.task`` bundle.
        fps (float): The video's frame rate (MediaPipe). Defaults to 30.

    Returns:
        PoseBackend: The backend.
    """
    if name == 'mediapipe':
        return MediaPipeBackend(layout=layout, model_path=pose_model, fps=fps)
    if name == 'mmpose':
        if layout != 'coco':
            raise ValueError('the mmpose backend gives 2D COCO-17 poses; '
                             f'the model needs {layout!r}')
        if pose_config is None:
            raise ValueError('the mmpose backend needs --pose-config')
        return MMPoseBackend(pose_config, pose_checkpoint, device)
    if name == 'stub':
        if poses is None:
            raise ValueError('the stub backend needs poses (--poses F.npz)')
        return StubPoseBackend(poses[0], poses[1], layout=layout)
    raise ValueError(f'unknown pose backend {name!r}; choose mediapipe, '
                     'mmpose or stub')
