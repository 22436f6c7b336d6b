"""Sliding windows over a long sequence, and the smoothed timeline.

Windows of ``window`` frames start at ``0, stride, 2 * stride, ...`` while
they fit; if the last one ends before the sequence does, one more window
ending at the last frame is added, so every frame is covered. A sequence
shorter than ``window`` is one window.

Timeline rule: the class probabilities of frame ``t`` are the mean of the
``(K, )`` scores of every window that covers ``t`` (a moving average of the
per-window scores, weighted by coverage); the frame's label is their
argmax (ties: the lower label) and its score that mean probability.
Consecutive frames with one label form a segment.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import numpy as np

from .prediction import Prediction


def window_bounds(num_frames: int, window: int,
                  stride: int) -> List[Tuple[int, int]]:
    """``(start, end)`` frame ranges (end exclusive) of the windows.

    Args:
        num_frames (int): Frames ``T`` of the sequence.
        window (int): Frames per window ``W``.
        stride (int): Frames between window starts ``S``.

    Returns:
        list[tuple[int, int]]: The windows, in order.
    """
    if window < 1 or stride < 1:
        raise ValueError(f'window and stride must be >= 1, got {window} '
                         f'and {stride}')
    if num_frames < 1:
        raise ValueError('the sequence has no frame')
    if num_frames <= window:
        return [(0, num_frames)]
    bounds = [(s, s + window)
              for s in range(0, num_frames - window + 1, stride)]
    if bounds[-1][1] < num_frames:
        bounds.append((num_frames - window, num_frames))
    return bounds


@dataclass
class Segment:
    """Frames ``[start, end)`` with one timeline label."""

    start: int
    end: int
    label: int
    name: str
    score: float  # mean over the segment's frames of the frame score


@dataclass
class WindowResult:
    """Per-window predictions and the smoothed per-frame timeline.

    Args:
        windows (list[tuple[int, int, Prediction]]): ``(start, end,
            prediction)`` per window, end exclusive.
        frame_labels (np.ndarray): ``(T, )`` timeline label per frame.
        frame_scores (np.ndarray): ``(T, )`` its smoothed probability.
        segments (list[Segment]): Runs of equal ``frame_labels``.
    """

    windows: List[Tuple[int, int, Prediction]]
    frame_labels: np.ndarray
    frame_scores: np.ndarray
    segments: List[Segment] = field(default_factory=list)

    def to_dict(self) -> Dict:
        """A JSON-ready dict: ``windows`` and ``segments``."""
        return dict(
            windows=[
                dict(start=s, end=e, label=p.label, name=p.names[0],
                     score=p.score) for s, e, p in self.windows
            ],
            segments=[
                dict(start=g.start, end=g.end, label=g.label, name=g.name,
                     score=g.score) for g in self.segments
            ])


def smooth_timeline(num_frames: int,
                    bounds: Sequence[Tuple[int, int]],
                    scores: np.ndarray,
                    class_names: Sequence[str]
                    ) -> Tuple[np.ndarray, np.ndarray, List[Segment]]:
    """Per-frame labels from per-window scores (the module's rule).

    Args:
        num_frames (int): Frames ``T``.
        bounds (Sequence[tuple[int, int]]): The windows' ``(start, end)``.
        scores (np.ndarray): ``(num_windows, K)`` window scores.
        class_names (Sequence[str]): ``K`` names.

    Returns:
        tuple: ``frame_labels`` int ``(T, )``, ``frame_scores`` float
        ``(T, )``, and the segments.
    """
    scores = np.asarray(scores, dtype=np.float64)
    total = np.zeros((num_frames, scores.shape[1]))
    count = np.zeros(num_frames)
    for (start, end), score in zip(bounds, scores):
        total[start:end] += score
        count[start:end] += 1
    if (count == 0).any():
        raise ValueError('the windows leave frames uncovered')
    mean = total / count[:, None]
    labels = mean.argmax(axis=1)
    frame_scores = mean[np.arange(num_frames), labels]
    segments, start = [], 0
    for t in range(1, num_frames + 1):
        if t == num_frames or labels[t] != labels[start]:
            label = int(labels[start])
            segments.append(
                Segment(start, t, label, str(class_names[label]),
                        float(frame_scores[start:t].mean())))
            start = t
    return labels, frame_scores, segments
