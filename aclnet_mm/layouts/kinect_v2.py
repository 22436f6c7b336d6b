"""Kinect v2, 25 joints: NTU RGB+D 60/120, PKU-MMD, KS20 (``nturgb+d``).

Joint order (0-based)::

     0 SpineBase      7 HandLeft      14 AnkleLeft     21 HandTipLeft
     1 SpineMid       8 ShoulderRight 15 FootLeft      22 ThumbLeft
     2 Neck           9 ElbowRight    16 HipRight      23 HandTipRight
     3 Head          10 WristRight    17 KneeRight     24 ThumbRight
     4 ShoulderLeft  11 HandRight     18 AnkleRight
     5 ElbowLeft     12 HipLeft       19 FootRight
     6 WristLeft     13 KneeLeft      20 SpineShoulder

The edges are MMAction2's; the body parts (arms with hand tip and thumb)
and the bone overrides (each hand tip hangs from its thumb) are ACLNet's.
"""
from .skeleton_layout import SkeletonLayout

_EDGES_1BASED = ((1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6),
                 (8, 7), (9, 21), (10, 9), (11, 10), (12, 11), (13, 1),
                 (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18),
                 (20, 19), (22, 8), (23, 8), (24, 12), (25, 12))

NTU_RGBD = SkeletonLayout(
    name='nturgb+d',
    num_node=25,
    inward=tuple((i - 1, j - 1) for i, j in _EDGES_1BASED),
    center=20,
    joint_names=('spine_base', 'spine_mid', 'neck', 'head', 'shoulder_left',
                 'elbow_left', 'wrist_left', 'hand_left', 'shoulder_right',
                 'elbow_right', 'wrist_right', 'hand_right', 'hip_left',
                 'knee_left', 'ankle_left', 'foot_left', 'hip_right',
                 'knee_right', 'ankle_right', 'foot_right', 'spine_shoulder',
                 'hand_tip_left', 'thumb_left', 'hand_tip_right',
                 'thumb_right'),
    flip_pairs=((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17),
                (14, 18), (15, 19), (21, 23), (22, 24)),
    body_parts=((4, 5, 6, 7, 22, 21), (12, 13, 14, 15),
                (8, 9, 10, 11, 24, 23), (16, 17, 18, 19)),
    bone_parents_override={
        21: 22,
        23: 24
    })
