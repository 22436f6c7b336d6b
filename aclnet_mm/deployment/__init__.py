"""Export a trained recognizer (ONNX)."""
from .onnx_export import ScoringModule, export_onnx, onnx_max_abs_diff

__all__ = ['ScoringModule', 'export_onnx', 'onnx_max_abs_diff']
