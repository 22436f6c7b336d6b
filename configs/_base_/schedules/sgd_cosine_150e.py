# ACLNet's schedule: SGD (nesterov) with cosine annealing per iteration to 0
# over 150 epochs, no warm-up, no gradient clipping; validate every epoch.
max_epochs = 150
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0,
        T_max=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True)
]
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.025, momentum=0.9, weight_decay=5e-4,
        nesterov=True))
