# ACLNet re-ID on IAS-Lab (11 people, Kinect v1 20 joints): probe test A
# against gallery test B (--probe B for the other direction). Data:
#   python tools/data/reid_npy_to_pkl.py Datasets/IAS data/reid/ias_a_f6.pkl \
#       --dataset IAS --frames 6
_base_ = './aclnet_reid_kgbd.py'
ann_file = 'data/reid/ias_a_f6.pkl'
model = dict(cls_head=dict(num_classes=11))
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=11))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=11))
test_dataloader = val_dataloader
