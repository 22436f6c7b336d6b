# ACLNet on NTU RGB+D 60 cross-subject, joint stream: the paper's recipe
# (1 GPU x 16 samples, lr 0.025, 150 epochs, clip 100, 10 test clips,
# memory 512, affinity start epoch 30). Expected top-1 (10 clips): 91.44.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/aclnet_gcn.py',
    '_base_/schedules/sgd_cosine_150e.py',
    '_base_/datasets/ntu60_xsub_3d_joint.py'
]
