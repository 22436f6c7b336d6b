"""COCO-17 (``coco``) and COCO-17 plus three mid-line joints (``coco_new``).

``coco`` is the 2D order of AlphaPose, MMPose, GaitGraph and OpenGait.
``coco_new`` (PYSKL's K400 / FineGYM pickles after ``Coco17To20``) adds
mid-hip (17), mid-spine (18) and neck (19); its tree is centred on the
neck. Both are 2D layouts whose third channel is a detection score. The
bone override of ``coco`` (hips hang from the nose) is ACLNet's and
MMAction2's table; ``coco_new`` averages only the bones' scores, a quirk of
the reference kept for parity.
"""
from .skeleton_layout import SkeletonLayout

COCO_JOINT_NAMES = ('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
                    'left_shoulder', 'right_shoulder', 'left_elbow',
                    'right_elbow', 'left_wrist', 'right_wrist', 'left_hip',
                    'right_hip', 'left_knee', 'right_knee', 'left_ankle',
                    'right_ankle')

_PAIRS = ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15,
                                                                        16))
_PARTS = ((5, 7, 9), (11, 13, 15), (6, 8, 10), (12, 14, 16))

COCO = SkeletonLayout(
    name='coco',
    num_node=17,
    inward=((15, 13), (13, 11), (16, 14), (14, 12), (11, 5), (12, 6), (9, 7),
            (7, 5), (10, 8), (8, 6), (5, 0), (6, 0), (1, 0), (3, 1), (2, 0),
            (4, 2)),
    center=0,
    joint_names=COCO_JOINT_NAMES,
    flip_pairs=_PAIRS,
    body_parts=_PARTS,
    bone_parents_override={
        11: 0,
        12: 0
    },
    score_channel=True)

COCO_NEW = SkeletonLayout(
    name='coco_new',
    num_node=20,
    inward=((15, 13), (13, 11), (16, 14), (14, 12), (11, 17), (12, 17),
            (9, 7), (7, 5), (10, 8), (8, 6), (5, 19), (6, 19), (1, 0), (3, 1),
            (2, 0), (4, 2), (0, 19), (17, 18), (18, 19)),
    center=19,
    joint_names=COCO_JOINT_NAMES + ('mid_hip', 'mid_spine', 'neck'),
    flip_pairs=_PAIRS,
    body_parts=_PARTS,
    score_channel=True,
    average_scores='bones')
