"""Converters from raw skeleton formats to MMAction2's ``PoseDataset`` pickle.

The data path, one concept per module:

- :mod:`.readers`: one module per source format, each turning one file (or
  one sequence) into a :class:`~.record.PoseRecord`;
- :mod:`.identifiers`, :mod:`.labels`, :mod:`.splits`: IDs, labels and
  splits from what the sources say;
- :mod:`.assembly`: the checks, the bad-input policy and the pickle, the
  same for every converter; :mod:`.summary`: the one summary format;
- :mod:`.writer`: the one safe writer;
- :mod:`.convert`: the five converters; ``tools/data/*_to_pkl.py`` are
  their command lines (:mod:`.cli` holds the shared options).
"""
from .convert import (convert_coco_json, convert_gait, convert_kinetics_json,
                      convert_ntu, convert_reid_npy)
from .errors import BadSampleError, ConversionError
from .record import PoseRecord
from .summary import ConversionResult, format_summary
from .writer import OutputError, check_output, write_pickle

__all__ = [
    'BadSampleError', 'ConversionError', 'ConversionResult', 'OutputError',
    'PoseRecord', 'check_output', 'convert_coco_json', 'convert_gait',
    'convert_kinetics_json', 'convert_ntu', 'convert_reid_npy',
    'format_summary', 'write_pickle'
]
