"""OpenPose-18 (``openpose``): ST-GCN's Kinetics-Skeleton JSON.

The tree is rooted at the neck (1), as ACLNet and ST-GCN have it
(MMAction2's bone table roots it at the nose instead). A 2D layout whose
third channel is a detection score.
"""
from .skeleton_layout import SkeletonLayout

OPENPOSE = SkeletonLayout(
    name='openpose',
    num_node=18,
    inward=((4, 3), (3, 2), (7, 6), (6, 5), (13, 12), (12, 11), (10, 9),
            (9, 8), (11, 5), (8, 2), (5, 1), (2, 1), (0, 1), (15, 0), (14, 0),
            (17, 15), (16, 14)),
    center=1,
    joint_names=('nose', 'neck', 'right_shoulder', 'right_elbow',
                 'right_wrist', 'left_shoulder', 'left_elbow', 'left_wrist',
                 'right_hip', 'right_knee', 'right_ankle', 'left_hip',
                 'left_knee', 'left_ankle', 'right_eye', 'left_eye',
                 'right_ear', 'left_ear'),
    flip_pairs=((2, 5), (3, 6), (4, 7), (8, 11), (9, 12), (10, 13), (14, 15),
                (16, 17)),
    body_parts=((5, 6, 7), (11, 12, 13), (2, 3, 4), (8, 9, 10)),
    score_channel=True)
