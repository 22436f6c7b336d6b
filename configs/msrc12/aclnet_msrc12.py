# ACLGCN (narrow, as configs/kinect_actions/) on MSRC-12 Kinect Gesture: 12
# gestures, many sharing arm motions, Kinect v1 layout (20 joints, 3D);
# data and schedule in _schedule.py.
_base_ = ['_schedule.py']
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='ACLGCN', graph_cfg=dict(layout='kinect_v1'),
                  num_person=1, base_channels=16, num_stages=6,
                  inflate_stages=(4, ), down_stages=(4, )),
    # memory 96: 8 features per class, the paper's NTU-60 ratio (512 / 60)
    cls_head=dict(type='ACLHead', num_classes=12, in_channels=32,
                  layout='kinect_v1',
                  loss_inter=dict(type='InterAffinityContrastiveLoss',
                                  loss_weight=0.1),
                  loss_intra=dict(type='IntraMarginContrastiveLoss',
                                  loss_weight=0.1, memory_size=96)))
