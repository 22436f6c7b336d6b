# ACLNet re-ID on KS20 (20 people, Kinect v2 25 joints, 5 views). Data:
#   python tools/data/reid_npy_to_pkl.py Datasets/KS20 data/reid/ks20_f6.pkl \
#       --dataset KS20 --frames 6
_base_ = './aclnet_reid_kgbd.py'
ann_file = 'data/reid/ks20_f6.pkl'
layout = 'nturgb+d'
model = dict(
    backbone=dict(graph_cfg=dict(layout=layout)),
    cls_head=dict(num_classes=20, layout=layout))
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=20, num_joints=25))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=20, num_joints=25))
test_dataloader = val_dataloader
