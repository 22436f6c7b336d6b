# NTU RGB+D 120, cross-subject, 3D joints (MMAction2: ntu120_3d.pkl).
_base_ = './ntu60_xsub_3d.py'
ann_file = 'data/nturgbd/ntu120_3danno.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=120))
val_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=120))
test_dataloader = dict(dataset=dict(ann_file=ann_file, num_classes=120))
