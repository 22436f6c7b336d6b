"""Draw the tracked skeletons and the current action onto a frame."""
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .pose_backends import PersonPose

#: One BGR colour per person slot.
SLOT_COLOURS = ((0, 200, 255), (255, 120, 0), (0, 220, 0), (200, 0, 200))


def layout_edges(layout: str) -> Sequence[Tuple[int, int]]:
    """The bones ``(child, parent)`` of a named layout."""
    from aclnet_mm.layouts import get_layout
    return get_layout(layout).inward


def draw_overlay(frame_bgr: np.ndarray,
                 persons: List[Optional[PersonPose]],
                 layout: str,
                 text: Optional[str] = None,
                 min_score: float = 0.3) -> np.ndarray:
    """Draw bones, joints and a label line onto a copy of the frame.

    Args:
        frame_bgr (np.ndarray): ``(H, W, 3)`` uint8.
        persons (list[PersonPose | None]): The tracked slots.
        layout (str): Their layout (``'coco'`` / ``'nturgb+d'``).
        text (str, optional): Drawn at the top left, e.g.
            ``'wave 0.93'``. Defaults to None.
        min_score (float): Joints scoring less are not drawn.

    Returns:
        np.ndarray: The annotated ``(H, W, 3)`` frame.
    """
    import cv2
    out = frame_bgr.copy()
    scale = max(1, round(max(out.shape[:2]) / 640))
    edges = layout_edges(layout)
    for m, person in enumerate(persons):
        if person is None:
            continue
        colour = SLOT_COLOURS[m % len(SLOT_COLOURS)]
        xy = np.round(person.pixels).astype(int)
        ok = person.scores >= min_score
        for a, b in edges:
            if ok[a] and ok[b]:
                cv2.line(out, tuple(xy[a]), tuple(xy[b]), colour, 2 * scale,
                         cv2.LINE_AA)
        for j in np.flatnonzero(ok):
            cv2.circle(out, tuple(xy[j]), 3 * scale, colour, -1,
                       cv2.LINE_AA)
    if text:
        origin = (8 * scale, 24 * scale)
        cv2.putText(out, text, origin, cv2.FONT_HERSHEY_SIMPLEX, 0.7 * scale,
                    (0, 0, 0), 4 * scale, cv2.LINE_AA)
        cv2.putText(out, text, origin, cv2.FONT_HERSHEY_SIMPLEX, 0.7 * scale,
                    (255, 255, 255), 2 * scale, cv2.LINE_AA)
    return out
