"""The common record every reader returns (one sequence, before labels),
and how readers of per-frame detections stack them into it."""
from dataclasses import dataclass, field
from typing import Dict, List, NamedTuple, Optional, Tuple

import numpy as np


@dataclass
class PoseRecord:
    """One sequence as read from its source.

    Args:
        name (str): The sample name (``frame_dir`` of the pickle).
        source (str): The file it came from, for messages and split files.
        keypoint (np.ndarray): ``(M, T, V, C)`` float32.
        keypoint_score (np.ndarray, optional): ``(M, T, V)`` float32.
        img_shape (tuple[int, int], optional): ``(h, w)`` of the video.
        label (int): The class, ``-1`` while unknown or for unlabelled
            samples (gait / re-ID test subjects).
        ids (dict): What the source says about the sample (e.g.
            ``label_index``, ``subject``, ``view``); used for labels and
            splits, not stored.
        fields (dict): Extra annotation fields stored in the pickle (e.g.
            ``subject_id``, ``condition``, ``view``), in this order.
        counts (dict[str, int]): Decisions the reader took (e.g.
            ``missing_frames``), summed into the summary.
    """

    name: str
    source: str
    keypoint: np.ndarray
    keypoint_score: Optional[np.ndarray] = None
    img_shape: Optional[Tuple[int, int]] = None
    label: int = -1
    ids: Dict[str, object] = field(default_factory=dict)
    fields: Dict[str, object] = field(default_factory=dict)
    counts: Dict[str, int] = field(default_factory=dict)

    def annotation(self) -> dict:
        """The ``PoseDataset`` annotation of this record.

        Returns:
            dict: ``frame_dir``, ``label``, ``total_frames``, ``keypoint``,
            then ``keypoint_score``, ``img_shape`` and ``original_shape``
            when known, then :attr:`fields`.
        """
        anno = dict(
            frame_dir=self.name,
            label=int(self.label),
            total_frames=int(self.keypoint.shape[1]),
            keypoint=np.ascontiguousarray(self.keypoint))
        if self.keypoint_score is not None:
            anno['keypoint_score'] = np.ascontiguousarray(self.keypoint_score)
        if self.img_shape is not None:
            anno.update(
                img_shape=tuple(self.img_shape),
                original_shape=tuple(self.img_shape))
        anno.update(self.fields)
        return anno


class Detection(NamedTuple):
    """One person in one frame: ``keypoint`` ``(V, C)``, ``keypoint_score``
    ``(V, )``, a detection score and a track ID (None if untracked)."""

    score: float
    track_id: Optional[int]
    keypoint: np.ndarray
    keypoint_score: np.ndarray


def stack_detections(
    frames: Dict[int, List[Detection]],
    max_person: int,
    span: Optional[Tuple[int, int]] = None
) -> Tuple[np.ndarray, np.ndarray, Dict[str, int]]:
    """Stack the detections of a sequence into slots, one slot per person.

    The sequence runs from the first to the last frame number of
    ``frames`` (or over ``span``); frames missing in between are zeros. If
    every detection has a track ID and no ID repeats within a frame, the
    ``max_person`` tracks with the largest summed score are kept, one slot
    per track (equal sums: the smaller ID first). Otherwise each frame's
    detections are ranked by score (equal scores keep their order), slot 0
    being the best of each frame.

    Args:
        frames (dict[int, list[Detection]]): Non-empty detection lists per
            frame number.
        max_person (int): Slots kept.
        span (tuple[int, int], optional): First and last frame number of
            the sequence, when the format knows them. Defaults to None.

    Returns:
        tuple: Keypoints ``(M, T, V, C)`` and scores ``(M, T, V)``, float32,
        and the counts ``missing_frames`` (zero-filled gaps),
        ``multi_person_frames`` and ``multi_person_sequences``.
    """
    first, last = span or (min(frames), max(frames))
    num_frames = last - first + 1
    slots: Dict[int, List[Optional[Detection]]] = {}
    ids = [[d.track_id for d in dets] for dets in frames.values()]
    if all(None not in i and len(set(i)) == len(i) for i in ids):  # tracked
        totals: Dict[int, float] = {}
        for dets in frames.values():
            for det in dets:
                totals[det.track_id] = totals.get(det.track_id, 0.) + det.score
        kept = sorted(sorted(totals), key=lambda k: -totals[k])[:max_person]
        slot_of = {track: m for m, track in enumerate(kept)}
        for t, dets in frames.items():
            slots[t] = [None] * len(kept)
            for det in dets:
                if det.track_id in slot_of:
                    slots[t][slot_of[det.track_id]] = det
        num_person = len(kept)
    else:
        for t, dets in frames.items():
            slots[t] = sorted(dets, key=lambda d: -d.score)[:max_person]
        num_person = max(len(dets) for dets in slots.values())
    shape = next(iter(frames.values()))[0].keypoint.shape
    keypoint = np.zeros((num_person, num_frames, *shape), dtype=np.float32)
    keypoint_score = np.zeros(keypoint.shape[:3], dtype=np.float32)
    for t, dets in slots.items():
        for m, det in enumerate(dets):
            if det is not None:
                keypoint[m, t - first] = det.keypoint
                keypoint_score[m, t - first] = det.keypoint_score
    num_multi = sum(len(dets) > 1 for dets in frames.values())
    return keypoint, keypoint_score, dict(
        missing_frames=num_frames - len(frames),
        multi_person_frames=num_multi,
        multi_person_sequences=int(num_multi > 0))
