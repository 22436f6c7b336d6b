# ACLGCN (narrow) on Florence 3D Actions: 9 classes, its own 15-joint
# OpenNI layout (MMAction2's STGCN++ takes only its three named layouts):
# ln -s PATH/florence3d_15j.pkl data/kinect_actions/florence3d_15j.pkl
_base_ = ['aclnet_utkinect.py']
ann_file = 'data/kinect_actions/florence3d_15j.pkl'
# head 0, neck 1, spine 2, shoulders/elbows/wrists 3-5 and 6-8, hips/knees/
# ankles 9-11 and 12-14 (read off the mean pose of the data)
florence = dict(
    num_node=15,
    inward=[(0, 1), (2, 1), (3, 1), (4, 3), (5, 4), (6, 1), (7, 6), (8, 7),
            (9, 2), (10, 9), (11, 10), (12, 2), (13, 12), (14, 13)],
    center=2)
# (_delete_: a dict replaces the base's layout name)
model = dict(
    backbone=dict(graph_cfg=dict(layout=dict(_delete_=True, **florence))),
    cls_head=dict(num_classes=9, layout=dict(_delete_=True, **florence)))
_gen = dict(type='GenSkeFeatACL', layout=florence, feats=['j'])
train_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='RandomRot', theta=0.2), _gen,
    dict(type='UniformSampleFrames', clip_len=32),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False), _gen,
    dict(type='UniformSampleFrames', clip_len=32, num_clips=5,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=9,
                                     num_joints=15, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=9,
                                   num_joints=15, pipeline=test_pipeline))
test_dataloader = val_dataloader
