# ACLNet re-ID on BIWI (50 people, Kinect v1 20 joints): probe Walking
# against gallery Still (--probe Still for the other direction). Data:
#   python tools/data/reid_npy_to_pkl.py Datasets/BIWI \
#       data/reid/biwi_walking_f6.pkl --dataset BIWI --frames 6
_base_ = './aclnet_reid_kgbd.py'
ann_file = 'data/reid/biwi_walking_f6.pkl'
model = dict(cls_head=dict(num_classes=50))
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=50))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=50))
test_dataloader = val_dataloader
