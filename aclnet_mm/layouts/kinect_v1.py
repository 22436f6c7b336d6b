"""Kinect v1 (OpenNI / SDK 1.x), 20 joints: BIWI, IAS-Lab, KGBD.

KGBD's files use another order; ``convert_reid_npy`` maps them to this
one. Joint order::

     0 HipCenter       5 ElbowLeft      10 WristRight    15 FootLeft
     1 Spine           6 WristLeft      11 HandRight     16 HipRight
     2 ShoulderCenter  7 HandLeft       12 HipLeft       17 KneeRight
     3 Head            8 ShoulderRight  13 KneeLeft      18 AnkleRight
     4 ShoulderLeft    9 ElbowRight     14 AnkleLeft     19 FootRight

The 19 bones form a tree rooted at HipCenter (the joint adjacency TranSG
uses for its 20-joint sets, ``Kali-Hac/TranSG:utils/process_SG.py``). The
centre is ShoulderCenter, which Kinect v2 renamed SpineShoulder, the
centre of ``nturgb+d``.
"""
from .skeleton_layout import SkeletonLayout

#: KGBD file joint ``KGBD_TO_KINECT_V1[k]`` is Kinect v1 joint ``k`` (the
#: mapping TranSG applies in ``utils/process_SG.py``).
KGBD_TO_KINECT_V1 = (11, 10, 1, 0, 2, 4, 6, 8, 3, 5, 7, 9, 12, 14, 16, 18, 13,
                     15, 17, 19)

# yapf: disable
KINECT_V1 = SkeletonLayout(
    name='kinect_v1',
    num_node=20,
    inward=(
        (1, 0), (2, 1), (3, 2),  # spine and head
        (4, 2), (5, 4), (6, 5), (7, 6),  # left arm
        (8, 2), (9, 8), (10, 9), (11, 10),  # right arm
        (12, 0), (13, 12), (14, 13), (15, 14),  # left leg
        (16, 0), (17, 16), (18, 17), (19, 18)),  # right leg
    center=2,
    joint_names=('hip_center', 'spine', 'shoulder_center', 'head',
                 'shoulder_left', 'elbow_left', 'wrist_left', 'hand_left',
                 'shoulder_right', 'elbow_right', 'wrist_right',
                 'hand_right', 'hip_left', 'knee_left', 'ankle_left',
                 'foot_left', 'hip_right', 'knee_right', 'ankle_right',
                 'foot_right'),
    flip_pairs=((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17),
                (14, 18), (15, 19)),
    body_parts=((4, 5, 6, 7), (12, 13, 14, 15), (8, 9, 10, 11),
                (16, 17, 18, 19)))
# yapf: enable
