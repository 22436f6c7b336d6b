"""Build MediaPipe's PoseLandmarker ``.task`` bundle offline.

The Tasks API of ``mediapipe>=0.10.30`` (which installs next to this
package's pins) needs a ``pose_landmarker_*.task`` file that no wheel ships
(MediaPipe downloads it). The BlazePose models themselves are inside the
``mediapipe==0.10.21`` wheel (Apache-2.0): this script takes that wheel as
a file (``pip download --no-deps mediapipe==0.10.21 --python-version 3.11
--only-binary=:all: -d DIR``), adds the TFLite metadata the Tasks graph
needs to the landmark model (input ``image``, RGB, mean 0 / std 255, as the
legacy graph fed it; the detector already has its own) and zips both under
the names ``pose_landmarker_graph.cc`` looks for. Pure Python (needs
``flatbuffers`` and the schema modules of ``mediapipe>=0.10.30``); the
output's bytes are the same on every run.

Usage:
    python tools/video/make_pose_task.py mediapipe-0.10.21-...whl \\
        pose_landmarker_full.task
"""
import argparse
import zipfile

import numpy as np

DETECTOR = 'mediapipe/modules/pose_detection/pose_detection.tflite'
LANDMARKS = 'mediapipe/modules/pose_landmark/pose_landmark_full.tflite'


def add_normalization_metadata(model: bytes,
                               mean: float = 0.,
                               std: float = 255.,
                               num_outputs: int = 5) -> bytes:
    """The landmark model with an image-input metadata buffer added."""
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as md
    from mediapipe.tasks.metadata import schema_py_generated as tfl

    meta = md.ModelMetadataT()
    meta.name = 'Pose Landmarks Detector'
    meta.description = 'BlazePose GHUM 3D (full), mediapipe 0.10.21 wheel'
    meta.minParserVersion = '1.0.0'
    image = md.TensorMetadataT()
    image.name = 'image'
    image.content = md.ContentT()
    image.content.contentPropertiesType = md.ContentProperties.ImageProperties
    image.content.contentProperties = md.ImagePropertiesT()
    image.content.contentProperties.colorSpace = md.ColorSpaceType.RGB
    norm = md.ProcessUnitT()
    norm.optionsType = md.ProcessUnitOptions.NormalizationOptions
    norm.options = md.NormalizationOptionsT()
    norm.options.mean, norm.options.std = [mean], [std]
    image.processUnits = [norm]
    outputs = []
    for i in range(num_outputs):
        out = md.TensorMetadataT()
        out.name = f'output_{i}'
        out.content = md.ContentT()
        out.content.contentPropertiesType = (
            md.ContentProperties.FeatureProperties)
        out.content.contentProperties = md.FeaturePropertiesT()
        outputs.append(out)
    graph = md.SubGraphMetadataT()
    graph.inputTensorMetadata, graph.outputTensorMetadata = [image], outputs
    meta.subgraphMetadata = [graph]
    builder = flatbuffers.Builder(1024)
    builder.Finish(meta.Pack(builder), file_identifier=b'M001')
    meta_bytes = bytes(builder.Output())

    tree = tfl.ModelT.InitFromPackedBuf(bytearray(model), 0)
    if len(tree.subgraphs[0].outputs) != num_outputs:
        raise ValueError(f'the landmark model has '
                         f'{len(tree.subgraphs[0].outputs)} outputs, '
                         f'expected {num_outputs}')
    buffer = tfl.BufferT()
    buffer.data = np.frombuffer(meta_bytes, np.uint8)
    tree.buffers.append(buffer)
    entry = tfl.MetadataT()
    entry.name, entry.buffer = 'TFLITE_METADATA', len(tree.buffers) - 1
    tree.metadata = (tree.metadata or []) + [entry]
    builder = flatbuffers.Builder(len(model) + 4096)
    builder.Finish(tree.Pack(builder), file_identifier=b'TFL3')
    return bytes(builder.Output())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('wheel', help='the mediapipe 0.10.21 wheel file')
    parser.add_argument('out', help='the .task file to write')
    args = parser.parse_args()
    with zipfile.ZipFile(args.wheel) as wheel:
        detector = wheel.read(DETECTOR)
        landmarks = add_normalization_metadata(wheel.read(LANDMARKS))
    with zipfile.ZipFile(args.out, 'w', zipfile.ZIP_STORED) as bundle:
        for name, data in (('pose_detector.tflite', detector),
                           ('pose_landmarks_detector.tflite', landmarks)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            bundle.writestr(info, data)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
