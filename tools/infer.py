"""Classify skeleton files and folders with a trained model.

    python tools/infer.py CONFIG CHECKPOINT INPUT... [--topk 5]
        [--out result.jsonl] [--window W --stride S] [--label-map F]
        [--device cpu] [--skip-bad]

INPUT: skeleton files (NTU ``.skeleton``, Kinetics / COCO-17 ``.json``,
``PoseDataset`` ``.pkl``, re-ID ``_x_`` ``.npy``) or folders, searched
recursively for those. CHECKPOINT: ``.pth`` or an exported ``.onnx``.
Prints a table; ``--out`` writes one JSON object per sequence and line.
A checkpoint that cannot be read or is not of the config's model stops
the run before anything is written, with one line naming it and its
mismatching keys and shapes (exit code 1). A file that cannot be read or
does not fit the model stops the run with one line naming it (exit code
1); with ``--skip-bad`` it is skipped and the skipped files are counted
at the end.
"""
import argparse
import json
import os.path as osp
import sys

from aclnet_mm.apis import SkeletonRecognizer, list_skeleton_files
from aclnet_mm.engine import CheckpointError


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Classify skeleton files with a trained model.')
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='.pth checkpoint or .onnx file')
    parser.add_argument('inputs', nargs='+', help='files or folders')
    parser.add_argument('--topk', type=int, default=5)
    parser.add_argument('--out', help='JSON lines output file')
    parser.add_argument('--window', type=int,
                        help='classify in sliding windows of W frames')
    parser.add_argument('--stride', type=int, help='window stride '
                        '(default: window // 4)')
    parser.add_argument('--label-map', help='class names, one per line')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--skip-bad', action='store_true',
                        help='skip files that cannot be classified')
    parser.add_argument('--batch-size', type=int, default=8)
    args = parser.parse_args(argv)
    if args.stride is not None and args.window is None:
        parser.error('--stride needs --window')
    return args


def collect(inputs):
    """``(files, any_folder)``; a missing input is an error."""
    files, folders = [], False
    for item in inputs:
        if osp.isdir(item):
            folders = True
            found = list_skeleton_files(item)
            if not found:
                print(f'warning: no skeleton file under {item}',
                      file=sys.stderr)
            files += found
        elif osp.exists(item):
            files.append(item)
        else:
            raise FileNotFoundError(f'{item}: no such file or folder')
    return files, folders


def classify(rec, path, args):
    """The JSON rows of one file."""
    rows = []
    if args.window is None:
        for name, pred in rec.predict_file(path, topk=args.topk):
            rows.append(dict(file=path, name=name, **pred.to_dict()))
        return rows
    stride = args.stride or max(1, args.window // 4)
    for r in rec.read_file(path):
        res = rec.predict_windows(
            r['keypoint'], r['keypoint_score'], r['img_shape'],
            window=args.window, stride=stride, topk=args.topk,
            name=f'{path}: record {r["name"]!r}')
        rows.append(dict(file=path, name=r['name'], **res.to_dict()))
    return rows


def table_lines(rows, windowed):
    """The terminal table."""
    if windowed:
        lines = [f'{"sequence":<36} {"frames":>11}  {"action":<32} score']
        for row in rows:
            for g in row['segments']:
                span = f'{g["start"]}-{g["end"] - 1}'
                lines.append(f'{row["name"][:36]:<36} {span:>11}  '
                             f'{g["name"][:32]:<32} {g["score"]:.3f}')
        return lines
    lines = [f'{"sequence":<36} {"top-1":<32} score  next']
    for row in rows:
        rest = ', '.join(f'{n} {s:.2f}' for n, s in zip(
            row['names'][1:3], row['scores'][1:3]))
        lines.append(f'{row["name"][:36]:<36} {row["names"][0][:32]:<32} '
                     f'{row["scores"][0]:.3f}  {rest}')
    return lines


def main(argv=None):
    args = parse_args(argv)
    try:
        files, folders = collect(args.inputs)
    except FileNotFoundError as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    try:
        rec = SkeletonRecognizer(args.config, args.checkpoint, args.device,
                                 args.label_map, batch_size=args.batch_size)
    except (FileNotFoundError, CheckpointError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    out = open(args.out, 'w') if args.out else None
    rows, bad = [], []
    progress = None
    if folders and files:
        from mmengine.utils import ProgressBar
        progress = ProgressBar(len(files), file=sys.stderr)
    try:
        for path in files:
            try:
                new = classify(rec, path, args)
            except ValueError as err:  # SkeletonFileError, shape errors
                message = str(err).splitlines()[0]
                if path not in message:
                    message = f'{path}: {message}'
                if not args.skip_bad:
                    if progress is not None:
                        sys.stderr.write('\n')
                    print(f'error: {message} (use --skip-bad to go on)',
                          file=sys.stderr)
                    return 1
                bad.append(message)
                new = []
            for row in new:
                if out is not None:
                    out.write(json.dumps(row) + '\n')
            rows += new
            if progress is not None:
                progress.update()
    finally:
        if out is not None:
            out.close()
    if progress is not None:
        sys.stderr.write('\n')
    print('\n'.join(table_lines(rows, args.window is not None)))
    print(f'{len(rows)} sequence(s) from {len(files) - len(bad)} file(s)'
          + (f'; wrote {args.out}' if args.out else ''))
    if bad:
        print(f'skipped {len(bad)} bad file(s):', file=sys.stderr)
        for message in bad[:10]:
            print(f'  {message}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
