# ACLGCN (narrow) on UTKinect-Action3D (10 classes, NTU 25-joint layout):
# ln -s PATH/utkinect_ntu25.pkl data/kinect_actions/utkinect_ntu25.pkl
_base_ = ['_schedule.py']
ann_file = 'data/kinect_actions/utkinect_ntu25.pkl'
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='ACLGCN', graph_cfg=dict(layout='nturgb+d'),
                  num_person=1, base_channels=16, num_stages=6,
                  inflate_stages=(4, ), down_stages=(4, )),
    cls_head=dict(type='ACLHead', num_classes=10, in_channels=32,
                  layout='nturgb+d',
                  loss_inter=dict(type='InterAffinityContrastiveLoss',
                                  loss_weight=0.1),
                  loss_intra=dict(type='IntraMarginContrastiveLoss',
                                  loss_weight=0.1, memory_size=64)))
train_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=10,
                                     num_joints=25))
val_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=10,
                                   num_joints=25))
test_dataloader = val_dataloader
