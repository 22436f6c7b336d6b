"""2D joint positions to draw a skeleton layout on."""
from typing import Dict

import numpy as np

from ..layouts import LayoutType, SkeletonLayout, get_layout


def _tree_pose(layout: SkeletonLayout) -> np.ndarray:
    """A layered drawing of any layout's tree: centre at the top."""
    V = layout.num_node
    children = {v: [] for v in range(V)}
    for child, parent in layout.inward:
        children[parent].append(child)
        children[child].append(parent)
    root = layout.center
    depth = {root: 0}
    order = [root]
    for v in order:  # breadth-first from the centre
        for w in sorted(children[v]):
            if w not in depth:
                depth[w] = depth[v] + 1
                order.append(w)
    for v in range(V):  # joints the edges do not reach
        depth.setdefault(v, max(depth.values()) + 1)
    pose = np.zeros((V, 2))
    levels: Dict[int, list] = {}
    for v in sorted(range(V), key=lambda v: (depth[v], v)):
        levels.setdefault(depth[v], []).append(v)
    for d, joints in levels.items():
        xs = np.linspace(-1, 1, len(joints) + 2)[1:-1]
        for x, v in zip(xs, joints):
            pose[v] = (x, -d)
    return pose


def canonical_pose(layout: LayoutType) -> np.ndarray:
    """Joint positions ``(V, 2)`` (x right, y up) for drawing ``layout``.

    ``nturgb+d`` uses the rest pose of the demo's generator (a person
    standing, seen from the front) with the arms swung 40 degrees out, so
    that hands and hips do not overlap; every other layout a layered
    drawing of its joint tree from the centre joint.
    """
    if layout == 'nturgb+d':
        from ..datasets.synthetic_actions import REST_SKELETON
        pose = REST_SKELETON[:, :2].copy()
        arms = ((4, (5, 6, 7, 21, 22)), (8, (9, 10, 11, 23, 24)))
        for shoulder, arm in arms:
            side = np.sign(pose[shoulder, 0])
            angle = np.radians(40) * side
            rot = np.array([[np.cos(angle), -np.sin(angle)],
                            [np.sin(angle), np.cos(angle)]])
            pose[list(arm)] = (pose[list(arm)] - pose[shoulder]) @ rot.T + \
                pose[shoulder]
        return pose
    return _tree_pose(get_layout(layout))
