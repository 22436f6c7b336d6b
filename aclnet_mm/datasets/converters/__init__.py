"""Converters from raw skeleton formats to MMAction2's ``PoseDataset`` pickle.

One module per input format (:mod:`.ntu_skeleton`, :mod:`.kinetics_json`,
:mod:`.coco_json`); :mod:`.common` holds the shared pieces. The command-line
front ends are ``tools/data/*_to_pkl.py``.
"""
from .coco_json import convert_coco_json
from .common import (BadSampleError, ConversionError, ConversionResult,
                     SkipCounter, dump_pickle_atomic)
from .gait import convert_gait
from .kinetics_json import convert_kinetics_json
from .ntu_skeleton import convert_ntu
from .reid_npy import convert_reid_npy

__all__ = [
    'BadSampleError', 'ConversionError', 'ConversionResult', 'SkipCounter',
    'convert_coco_json', 'convert_gait', 'convert_kinetics_json',
    'convert_ntu', 'convert_reid_npy', 'dump_pickle_atomic'
]
