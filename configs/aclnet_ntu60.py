# ACLNet on NTU RGB+D 60 cross-subject, joint stream: the paper's recipe
# (1 GPU x 16 samples, lr 0.025, 150 epochs, clip 100, 10 test clips,
# memory 512, affinity start epoch 30). Reference top-1 (10 clips): 91.44.
# The same run as ntu60/aclnet_ntu60-xsub_j.py; every dataset, split and
# stream of the paper is in configs/<dataset>/ (see configs/README.md).
_base_ = 'ntu60/aclnet_ntu60-xsub_j.py'
