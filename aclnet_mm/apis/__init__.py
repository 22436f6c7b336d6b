"""Use a trained model: classify skeleton arrays, files and videos.

``SkeletonRecognizer`` is the entry point; ``file_inputs`` reads skeleton
files; ``pose_backends`` and ``video`` turn frames into skeletons and
actions (imported on use: they need OpenCV and a pose estimator).
"""
from .file_inputs import (SKELETON_EXTENSIONS, SkeletonFileError,
                          list_skeleton_files, read_skeleton_file)
from .input_spec import InputSpec
from .label_maps import class_names_for, load_label_map, shipped_label_map
from .prediction import Prediction
from .recognizer import SkeletonRecognizer
from .windows import Segment, WindowResult, smooth_timeline, window_bounds

__all__ = [
    'InputSpec', 'Prediction', 'SKELETON_EXTENSIONS', 'Segment',
    'SkeletonFileError', 'SkeletonRecognizer', 'WindowResult',
    'class_names_for', 'list_skeleton_files', 'load_label_map',
    'read_skeleton_file', 'shipped_label_map', 'smooth_timeline',
    'window_bounds'
]
