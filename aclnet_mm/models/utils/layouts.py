"""Skeleton joint layouts known to ACLNet.

ACLGCN learns its graphs, so the model needs only the number of joints of a
layout; the edges matter to the data pipeline (bones, k-bones, flips). A
layout is either one of the names below or a dict with the keys
``num_node``, ``inward`` (child -> parent edges, 0-based) and ``center``,
as MMAction2's ``Graph`` accepts.
"""
from typing import Dict, Union

from .kinect_v1_layout import KINECT_V1_LAYOUT

LayoutType = Union[str, Dict]

_NTU_EDGES_1BASED = ((1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5),
                     (7, 6), (8, 7), (9, 21), (10, 9), (11, 10), (12, 11),
                     (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17),
                     (19, 18), (20, 19), (22, 8), (23, 8), (24, 12), (25, 12))

#: Named layouts: Kinect v2 (NTU RGB+D, PKU-MMD, KS20), Kinect v1 (BIWI,
#: IAS-Lab, KGBD), COCO-17, OpenPose-18 and ``coco_new``, COCO-17 plus
#: mid-hip (17), mid-spine (18) and neck (19).
LAYOUTS: Dict[str, Dict] = {
    'nturgb+d':
    dict(
        num_node=25,
        inward=tuple((i - 1, j - 1) for i, j in _NTU_EDGES_1BASED),
        center=20),
    'coco':
    dict(
        num_node=17,
        inward=((15, 13), (13, 11), (16, 14), (14, 12), (11, 5), (12, 6),
                (9, 7), (7, 5), (10, 8), (8, 6), (5, 0), (6, 0), (1, 0),
                (3, 1), (2, 0), (4, 2)),
        center=0),
    'coco_new':
    dict(
        num_node=20,
        inward=((15, 13), (13, 11), (16, 14), (14, 12), (11, 17), (12, 17),
                (9, 7), (7, 5), (10, 8), (8, 6), (5, 19), (6, 19), (1, 0),
                (3, 1), (2, 0), (4, 2), (0, 19), (17, 18), (18, 19)),
        center=19),
    'openpose':
    dict(
        num_node=18,
        inward=((4, 3), (3, 2), (7, 6), (6, 5), (13, 12), (12, 11), (10, 9),
                (9, 8), (11, 5), (8, 2), (5, 1), (2, 1), (0, 1), (15, 0),
                (14, 0), (17, 15), (16, 14)),
        center=1),
    'kinect_v1':
    KINECT_V1_LAYOUT,
}


def get_layout(layout: LayoutType) -> Dict:
    """Resolve a layout name or dict into a validated layout dict.

    Args:
        layout (str | dict): A name in :data:`LAYOUTS`, or a dict with
            ``num_node``, ``inward`` and ``center``.

    Returns:
        dict: ``num_node`` (int), ``inward`` (tuple of pairs), ``center``.
    """
    if isinstance(layout, str):
        if layout not in LAYOUTS:
            raise ValueError(f'Unknown skeleton layout {layout!r}; choose '
                             f'one of {sorted(LAYOUTS)} or pass a dict '
                             'with num_node, inward and center')
        return LAYOUTS[layout]
    if not isinstance(layout, dict):
        raise TypeError('layout must be a str or a dict, got '
                        f'{type(layout).__name__}')
    missing = {'num_node', 'inward', 'center'} - set(layout)
    if missing:
        raise ValueError(f'layout dict lacks the keys {sorted(missing)}')
    num_node = layout['num_node']
    if not isinstance(num_node, int) or num_node < 1:
        raise ValueError(f'layout num_node must be a positive int, got '
                         f'{num_node!r}')
    for edge in layout['inward']:
        if len(edge) != 2 or not all(0 <= j < num_node for j in edge):
            raise ValueError(f'layout edge {edge!r} is not a pair of joint '
                             f'indices in [0, {num_node})')
    if not 0 <= layout['center'] < num_node:
        raise ValueError(f"layout center {layout['center']!r} is not a "
                         f'joint index in [0, {num_node})')
    return dict(
        num_node=num_node,
        inward=tuple(tuple(e) for e in layout['inward']),
        center=layout['center'])
