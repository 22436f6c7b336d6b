# ACLNet, FineGYM (HRNet 2D):
# joint stream (no extra aug). Reference top-1 (10 clips): 93.31.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/aclnet_gcn.py',
    '../_base_/schedules/sgd_cosine_150e.py',
    '../_base_/datasets/finegym_2d.py'
]
model = dict(
    backbone=dict(graph_cfg=dict(layout='coco_new')),
    cls_head=dict(
        num_classes=99,
        layout='coco_new',
        loss_intra=dict(memory_size=1024)))
