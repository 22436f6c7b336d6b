# Add to a config's _base_ list to log to TensorBoard as well as to the
# work dir's vis_data/scalars.json (needs `pip install -e ".[tensorboard]"`).
# For TensorBoard alone, without editing a config:
#   --cfg-options visualizer.vis_backends.0.type=TensorboardVisBackend
visualizer = dict(
    type='ActionVisualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
        dict(type='TensorboardVisBackend')
    ])
