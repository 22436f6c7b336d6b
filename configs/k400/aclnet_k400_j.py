# ACLNet, Kinetics-400 skeleton (HRNet 2D):
# joint stream (no extra aug). Reference top-1 (10 clips): 48.37.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/aclnet_gcn.py',
    '../_base_/schedules/sgd_cosine_150e.py',
    '../_base_/datasets/k400_2d.py'
]
model = dict(
    backbone=dict(graph_cfg=dict(layout='coco_new')),
    cls_head=dict(
        num_classes=400,
        layout='coco_new',
        loss_intra=dict(memory_size=2048)))
# PYSKL recipe for K400: 64 per GPU, lr 0.1
optim_wrapper = dict(optimizer=dict(lr=0.1))
auto_scale_lr = dict(base_batch_size=64)
