"""Keep up to M persons in fixed slots across frames.

Rule (greedy, per frame): every pair of an occupied slot and a detection
gets the IoU of the slot's last box and the detection's keypoint box;
pairs are taken best first while the IoU is at least ``iou_thr``. Left
over detections, best-scoring first, then take the unassigned slot whose
last box centre is nearest (empty slots, and slots not seen for more than
``max_missed`` frames, come last, lowest index first); detections beyond
``M`` are dropped.
"""
from typing import List, Optional, Tuple

import numpy as np

from .pose_backends import PersonPose

Box = Tuple[float, float, float, float]


def box_iou(a: Box, b: Box) -> float:
    """IoU of two ``(x0, y0, x1, y1)`` boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.
    inter = w * h
    area = ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) -
            inter)
    return float(inter / area) if area > 0 else 0.


def _centre(box: Box) -> np.ndarray:
    return np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])


class PoseTracker:
    """Assign each frame's persons to ``max_person`` stable slots.

    Args:
        max_person (int): Slots ``M``. Defaults to 2.
        iou_thr (float): Least IoU that continues a track.
            Defaults to 0.1.
        max_missed (int): Frames a slot keeps its last box while its
            person is not seen. Defaults to 15.
    """

    def __init__(self,
                 max_person: int = 2,
                 iou_thr: float = 0.1,
                 max_missed: int = 15) -> None:
        self.max_person = max_person
        self.iou_thr = iou_thr
        self.max_missed = max_missed
        self.boxes: List[Optional[Box]] = [None] * max_person
        self.missed = [0] * max_person

    def update(self,
               persons: List[PersonPose]) -> List[Optional[PersonPose]]:
        """Slot the persons of one frame.

        Note:
            Updates the slots' boxes and miss counters.

        Args:
            persons (list[PersonPose]): The frame's detections.

        Returns:
            list[PersonPose | None]: ``M`` entries, None for an empty slot.
        """
        boxes = [p.box() for p in persons]
        out: List[Optional[PersonPose]] = [None] * self.max_person
        pairs = []
        for m, slot_box in enumerate(self.boxes):
            if slot_box is None:
                continue
            for d, box in enumerate(boxes):
                iou = box_iou(slot_box, box)
                if iou >= self.iou_thr:
                    pairs.append((iou, m, d))
        used = set()
        for _, m, d in sorted(pairs, reverse=True):
            if out[m] is None and d not in used:
                out[m], used = persons[d], used | {d}
        rest = sorted((d for d in range(len(persons)) if d not in used),
                      key=lambda d: -float(persons[d].scores.mean()))
        for d in rest:
            free = [m for m in range(self.max_person) if out[m] is None]
            if not free:
                break
            centre = _centre(boxes[d])

            def distance(m: int) -> float:
                if self.boxes[m] is None:
                    return float('inf')
                return float(np.linalg.norm(_centre(self.boxes[m]) - centre))

            m = min(free, key=lambda m: (distance(m), m))
            out[m] = persons[d]
        for m in range(self.max_person):
            if out[m] is not None:
                self.boxes[m] = out[m].box()
                self.missed[m] = 0
            else:
                self.missed[m] += 1
                if self.missed[m] > self.max_missed:
                    self.boxes[m] = None
        return out
