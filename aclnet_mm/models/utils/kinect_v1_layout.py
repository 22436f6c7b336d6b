"""The Kinect v1 (OpenNI / Kinect SDK 1.x) 20-joint skeleton layout.

Used by the skeleton re-ID sets BIWI, IAS-Lab and KGBD (the latter after
``convert_reid_npy`` has mapped its joints to this order). Joint order::

     0 HipCenter       5 ElbowLeft      10 WristRight    15 FootLeft
     1 Spine           6 WristLeft      11 HandRight     16 HipRight
     2 ShoulderCenter  7 HandLeft       12 HipLeft       17 KneeRight
     3 Head            8 ShoulderRight  13 KneeLeft      18 AnkleRight
     4 ShoulderLeft    9 ElbowRight     14 AnkleLeft     19 FootRight

The 19 bones form a tree rooted at HipCenter; they are the joint-level
adjacency TranSG uses for its 20-joint datasets
(``Kali-Hac/TranSG:utils/process_SG.py``). The centre is ShoulderCenter,
the joint Kinect v2 renamed SpineShoulder, which is the centre of the
``nturgb+d`` layout.
"""
from typing import Dict

#: Left and right joints, paired, for flips.
KINECT_V1_LEFT = (4, 5, 6, 7, 12, 13, 14, 15)
KINECT_V1_RIGHT = (8, 9, 10, 11, 16, 17, 18, 19)

# yapf: disable
#: Layout dict (``num_node``, ``inward`` child -> parent, ``center``).
KINECT_V1_LAYOUT: Dict = dict(
    num_node=20,
    inward=(
        (1, 0), (2, 1), (3, 2),  # spine and head
        (4, 2), (5, 4), (6, 5), (7, 6),  # left arm
        (8, 2), (9, 8), (10, 9), (11, 10),  # right arm
        (12, 0), (13, 12), (14, 13), (15, 14),  # left leg
        (16, 0), (17, 16), (18, 17), (19, 18)),  # right leg
    center=2)
# yapf: enable
