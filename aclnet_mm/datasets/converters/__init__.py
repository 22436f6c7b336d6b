"""Converters from raw skeleton formats to MMAction2's ``PoseDataset``
pickle, one concept per module (see docs/data.md, "How the
converters work"); ``tools/data/*_to_pkl.py`` are their command lines."""
from .convert import (convert_arrays, convert_coco_json, convert_gait,
                      convert_kinetics_json, convert_ntu, convert_reid_npy)
from .errors import BadSampleError, ConversionError
from .record import PoseRecord
from .summary import ConversionResult, format_summary
from .writer import OutputError, check_output, write_pickle

__all__ = [
    'BadSampleError', 'ConversionError', 'ConversionResult', 'OutputError',
    'PoseRecord', 'check_output', 'convert_arrays', 'convert_coco_json',
    'convert_gait', 'convert_kinetics_json', 'convert_ntu', 'convert_reid_npy',
    'format_summary', 'write_pickle'
]
