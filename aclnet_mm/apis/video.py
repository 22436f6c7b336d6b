"""Frames in, actions out: pose per frame, tracking, a rolling window.

:class:`VideoActionRecognizer` feeds each frame to a pose backend, slots
the persons with :class:`~.tracking.PoseTracker`, keeps the last
``window`` frames and, every ``stride`` frames once the window is full,
classifies it with a :class:`~.recognizer.SkeletonRecognizer`. A video
shorter than one window is classified once at its end. The timeline of
the windows follows :mod:`aclnet_mm.apis.windows` (mean of the scores of
the windows covering a frame, then the argmax).
"""
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

import numpy as np

from .pose_backends import PersonPose, PoseBackend
from .prediction import Prediction
from .recognizer import SkeletonRecognizer
from .tracking import PoseTracker
from .windows import smooth_timeline


@dataclass
class FrameResult:
    """What happened at one frame.

    Args:
        index (int): Frame index from 0.
        persons (list[PersonPose | None]): The ``M`` tracked slots.
        prediction (Prediction, optional): A new window prediction ending
            at this frame, or None.
        window (tuple[int, int], optional): That window's ``(start, end)``.
        current (Prediction, optional): The latest prediction so far.
        pose_ms (float): Time the pose backend took on this frame.
    """

    index: int
    persons: List[Optional[PersonPose]]
    prediction: Optional[Prediction] = None
    window: Optional[Tuple[int, int]] = None
    current: Optional[Prediction] = None
    pose_ms: float = 0.


@dataclass
class VideoTimeline:
    """All window predictions of a video and the per-frame summary."""

    fps: float
    num_frames: int = 0
    frames_with_person: int = 0
    windows: List[Tuple[int, int, Prediction]] = field(default_factory=list)
    pose_ms: List[float] = field(default_factory=list)

    def to_dict(self, class_names: List[str]) -> Dict:
        """JSON-ready: counts, windows (frames and seconds), segments."""
        out = dict(
            fps=self.fps,
            num_frames=self.num_frames,
            frames_with_person=self.frames_with_person,
            windows=[
                dict(start=s, end=e, time=round(e / self.fps, 3),
                     label=p.label, name=p.names[0], score=p.score,
                     top=p.to_dict()) for s, e, p in self.windows
            ],
            segments=[])
        if self.windows:
            covered = max(e for _, e, _ in self.windows)
            labels, scores, segments = smooth_timeline(
                covered, [(s, e) for s, e, _ in self.windows],
                np.stack([p.all_scores for _, _, p in self.windows]),
                class_names)
            out['segments'] = [
                dict(start=g.start, end=g.end, label=g.label, name=g.name,
                     score=g.score) for g in segments
            ]
        return out


class VideoActionRecognizer:
    """Classify the actions in a stream of frames.

    Args:
        recognizer (SkeletonRecognizer): The action model.
        backend (PoseBackend): The pose estimator; its layout and
            coordinates must be the model's input (checked).
        window (int): Frames per window. Defaults to 48.
        stride (int): Frames between predictions. Defaults to 8.
        topk (int): Classes per prediction. Defaults to 5.
        fps (float): Frame rate, for the timeline. Defaults to 30.
    """

    def __init__(self,
                 recognizer: SkeletonRecognizer,
                 backend: PoseBackend,
                 window: int = 48,
                 stride: int = 8,
                 topk: int = 5,
                 fps: float = 30.) -> None:
        spec = recognizer.spec
        if (backend.num_joints, backend.num_coords) != (spec.num_joints,
                                                        spec.num_coords):
            raise ValueError(
                f'the pose backend gives {backend.num_joints} joints in '
                f'{backend.num_coords}D ({backend.layout}); the model '
                f'expects {spec.shape_text}, {spec.num_coords}D: choose a '
                'config of the backend\'s layout')
        if window < 1 or stride < 1:
            raise ValueError(f'window and stride must be >= 1, got {window} '
                             f'and {stride}')
        self.recognizer = recognizer
        self.backend = backend
        self.window = window
        self.stride = stride
        self.topk = topk
        self.tracker = PoseTracker(max_person=spec.num_person)
        self.timeline = VideoTimeline(fps=fps)
        self._kp: deque = deque(maxlen=window)
        self._score: deque = deque(maxlen=window)
        self._img_shape: Optional[Tuple[int, int]] = None
        self._current: Optional[Prediction] = None

    def _stack(self) -> Tuple[np.ndarray, np.ndarray]:
        """The buffer as ``(M, T, V, C)`` keypoints, ``(M, T, V)`` scores."""
        return (np.stack(self._kp, axis=1), np.stack(self._score, axis=1))

    def _classify(
        self, end: int
    ) -> Tuple[Optional[Prediction], Optional[Tuple[int, int]]]:
        kp, score = self._stack()
        if not np.any(kp):
            return None, None
        pred = self.recognizer.predict(
            kp,
            score if self.backend.num_coords == 2 else None,
            self._img_shape,
            topk=self.topk,
            name=f'frames {end - kp.shape[1]}-{end - 1}')
        window = (end - kp.shape[1], end)
        self.timeline.windows.append((window[0], window[1], pred))
        self._current = pred
        return pred, window

    def step(self, frame_bgr: np.ndarray) -> FrameResult:
        """Process one frame.

        Note:
            Updates the tracker, the frame buffer and the timeline.

        Args:
            frame_bgr (np.ndarray): ``(H, W, 3)`` uint8 BGR.

        Returns:
            FrameResult: The slots and any new prediction.
        """
        index = self.timeline.num_frames
        self._img_shape = tuple(frame_bgr.shape[:2])
        start = time.perf_counter()
        persons = self.backend(frame_bgr)
        pose_ms = (time.perf_counter() - start) * 1e3
        self.timeline.pose_ms.append(pose_ms)
        self.timeline.num_frames += 1
        self.timeline.frames_with_person += bool(persons)
        slots = self.tracker.update(persons)
        V, C = self.backend.num_joints, self.backend.num_coords
        kp = np.zeros((len(slots), V, C), np.float32)
        score = np.zeros((len(slots), V), np.float32)
        for m, person in enumerate(slots):
            if person is not None:
                kp[m], score[m] = person.keypoints, person.scores
        self._kp.append(kp)
        self._score.append(score)
        result = FrameResult(index, slots, pose_ms=pose_ms)
        seen = index + 1
        if seen >= self.window and (seen - self.window) % self.stride == 0:
            result.prediction, result.window = self._classify(seen)
        result.current = self._current
        return result

    def finish(self) -> Optional[Prediction]:
        """Classify a video shorter than one window (nothing otherwise)."""
        if self.timeline.windows or not self._kp:
            return None
        pred, _ = self._classify(self.timeline.num_frames)
        return pred

    def run(self, frames: Iterable[np.ndarray]) -> Iterator[FrameResult]:
        """:meth:`step` over ``frames``, then :meth:`finish`."""
        for frame in frames:
            yield self.step(frame)
        self.finish()
